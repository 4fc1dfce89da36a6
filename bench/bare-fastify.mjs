// Baseline for bench/startup.ts: the same runtime and framework with nothing to open.
import Fastify from 'fastify'

const app = Fastify()
app.get('/readyz', async () => ({ status: 'ok' }))
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ msg: 'giaitrinh is ready', address }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
