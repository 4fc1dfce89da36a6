import t from 'tap'
import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { negotiateEncoding } from '../src/feeds/http.js'

// Issue "What clients read must be right", feed defect 5: gzip and br by Accept-Encoding, each
// compressed once per ETag, over real HTTP (node:http, which does not decode: the bytes on the wire).

function raw (base: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('Accept-Encoding is negotiated as RFC 9110 says: br, then gzip, q=0 refuses, * stands for the rest', async (t) => {
  t.equal(negotiateEncoding(undefined), null)
  t.equal(negotiateEncoding(''), null)
  t.equal(negotiateEncoding('gzip, deflate, br'), 'br')
  t.equal(negotiateEncoding('gzip'), 'gzip')
  t.equal(negotiateEncoding('GZIP;q=0.5'), 'gzip')
  t.equal(negotiateEncoding('br;q=0, gzip'), 'gzip')
  t.equal(negotiateEncoding('br;q=0, gzip;q=0'), null)
  t.equal(negotiateEncoding('*'), 'br')
  t.equal(negotiateEncoding('*;q=0'), null)
  t.equal(negotiateEncoding('identity'), null)
  t.equal(negotiateEncoding('deflate'), null)
  t.equal(negotiateEncoding('gzip;q=abc'), null, 'a q that is not a number counts as 0')
  t.equal(negotiateEncoding(`${'x,'.repeat(100_000)}gzip`), null, 'a header of any length is read up to 64 entries')
})

t.test('feeds are sent compressed to clients that accept it, once per ETag, with their own validators', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  // Enough events that compression matters (a feed of a few hundred KB).
  for (let i = 0; i < 120; i++) {
    const day = new Date(Date.UTC(2026, 11, 1) + Math.floor(i / 4) * 86_400_000).toISOString().slice(0, 10)
    await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: `Phiên giải trình số ${i + 1} về trật tự đô thị, vỉa hè và lòng đường`, description: 'Giải trình việc thực hiện kiến nghị của cử tri.', ...slotAt(day, 7 + (i % 4) * 2) })
  }
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const path = `/feeds/councils/${h.wardA.id}.ics`

  const plain = await raw(base, path)
  t.equal(plain.status, 200)
  t.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: as is')
  t.equal(plain.headers.vary, 'Accept-Encoding')
  const identity = plain.body.toString('utf8')
  const etag = plain.headers.etag as string

  const before = app.feeds.stats.compressions
  const gz = await raw(base, path, { 'accept-encoding': 'gzip' })
  t.equal(gz.headers['content-encoding'], 'gzip')
  t.equal(gz.headers.vary, 'Accept-Encoding')
  t.equal(gunzipSync(gz.body).toString('utf8'), identity, 'the same calendar, gzip-decoded')
  t.equal(gz.headers.etag, `${etag.slice(0, -1)}-gzip"`, 'a validator of its own (another representation)')
  t.equal(Number(gz.headers['content-length']), gz.body.length)
  t.ok(gz.body.length < plain.body.length / 8, `gzip: ${plain.body.length} → ${gz.body.length} bytes`)

  const br = await raw(base, path, { 'accept-encoding': 'gzip, deflate, br' })
  t.equal(br.headers['content-encoding'], 'br')
  t.equal(brotliDecompressSync(br.body).toString('utf8'), identity, 'the same calendar, brotli-decoded')
  t.ok(br.body.length < gz.body.length, `br: ${br.body.length} bytes, smaller than gzip`)

  for (let i = 0; i < 5; i++) {
    await raw(base, path, { 'accept-encoding': 'gzip' })
    await raw(base, path, { 'accept-encoding': 'br' })
  }
  t.equal(app.feeds.stats.compressions - before, 2, 'each coding compressed once for this ETag, however often asked')

  // Conditional requests with any representation's validator: 304, with that validator and Vary.
  for (const tag of [etag, gz.headers.etag as string, br.headers.etag as string]) {
    const again = await raw(base, path, { 'accept-encoding': 'gzip', 'if-none-match': tag })
    t.equal(again.status, 304, `304 for ${tag}`)
    t.equal(again.headers.vary, 'Accept-Encoding')
    t.equal(again.body.length, 0)
  }
  const answeredAtServer = app.feedPolls.answered
  const fast = await raw(base, path, { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string })
  t.equal(fast.status, 304)
  t.equal(fast.headers.etag, gz.headers.etag, 'the fast path confirms the gzip validator')
  t.equal(fast.headers.vary, 'Accept-Encoding')
  t.equal(app.feedPolls.answered, answeredAtServer + 1, 'answered before Fastify, as before')

  const head = await raw(base, path, { 'accept-encoding': 'gzip' }, 'HEAD')
  t.equal(head.status, 200)
  t.equal(head.headers['content-encoding'], 'gzip')
  t.equal(head.body.length, 0)

  // A change: a new ETag, compressed once more.
  const tag = (await call(app, { url: `/v1/hearings/${(await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}&limit=1`, headers: admin })).body.items[0].id}`, headers: admin }))
  t.equal((await call(app, { method: 'PATCH', url: `/v1/hearings/${tag.body.id}`, headers: { ...admin, 'if-match': tag.headers.etag }, payload: { location: 'Hội trường mới' } })).status, 200)
  const changed = await raw(base, path, { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string })
  t.equal(changed.status, 200, 'the old validator no longer matches')
  t.not(changed.headers.etag, gz.headers.etag)
  t.match(gunzipSync(changed.body).toString('utf8'), /Hội trường mới/)
  t.equal(app.feeds.stats.compressions - before, 3)
})
