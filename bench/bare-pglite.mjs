// Baseline for bench/startup.ts: the same runtime opening the same PGlite data directory (with the
// extension the service loads) and answering one query, then serving /readyz from it. What the
// service needs on top of this is its own start-up cost.
import { join, resolve } from 'node:path'
import Fastify from 'fastify'
import { PGlite } from '@electric-sql/pglite'
import { btree_gist as btreeGist } from '@electric-sql/pglite/contrib/btree_gist'

const db = await PGlite.create({ dataDir: join(resolve(process.env.DATA_DIR), 'pgdata'), extensions: { btree_gist: btreeGist } })
await db.query('select 1')
const app = Fastify()
app.get('/readyz', async () => (await db.query('select 1 as ok')).rows[0])
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ msg: 'giaitrinh is ready', address }))
process.on('SIGTERM', () => app.close().then(() => db.close()).then(() => process.exit(0)))
