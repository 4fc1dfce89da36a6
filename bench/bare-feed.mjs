// Baseline for bench/feeds.ts: a bare Fastify route at the feed's own path (so routing and the query
// string cost the same), with the same bytes (identity, and the feed's own gzip bytes, precompressed),
// ETag and 304 logic, and nothing else.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const { body, etag, gzip, gzipEtag } = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const gzipped = Buffer.from(gzip, 'base64')
const app = Fastify()
app.get('/feeds/councils/:councilId.ics', async (request, reply) => {
  const compressed = (request.headers['accept-encoding'] ?? '').includes('gzip')
  reply.header('etag', compressed ? gzipEtag : etag).header('vary', 'Accept-Encoding')
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  reply.type('text/calendar; charset=utf-8')
  return compressed ? reply.header('content-encoding', 'gzip').send(gzipped) : reply.send(body)
})
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ msg: 'giaitrinh is ready', address }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
