// Baseline for bench/pages.ts: a bare Fastify route per measured path that runs one PostgreSQL query
// (postgres.js, the service's driver and pool size) returning the same rows, as JSON, and nothing else.
import Fastify from 'fastify'
import postgres from 'postgres'

const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {} })
const app = Fastify()
// What GET /v1/hearings?councilId=…&limit=50 reads: the council's hearings a visitor may see, by start.
app.get('/bare/hearings', async (request) => sql`
  select h.*, c.timezone from hearings h join councils c on c.id = h.council_id
  where h.council_id = ${request.query.councilId} and h.visibility = 'public' and h.status <> 'draft'
  order by h.starts_at asc nulls last, h.id limit 51`)
// What the council page shows: its upcoming and past hearings (up to 100 each), in one query.
app.get('/bare/council', async (request) => sql`
  (select h.*, c.timezone from hearings h join councils c on c.id = h.council_id
   where h.council_id = ${request.query.councilId} and h.visibility = 'public' and h.status = 'scheduled' and h.starts_at >= now()
   order by h.starts_at asc limit 100)
  union all
  (select h.*, c.timezone from hearings h join councils c on c.id = h.council_id
   where h.council_id = ${request.query.councilId} and h.visibility = 'public' and h.status in ('held', 'scheduled', 'cancelled') and h.starts_at < now()
   order by h.starts_at desc limit 100)`)
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ msg: 'giaitrinh is ready', address }))
process.on('SIGTERM', () => app.close().then(() => sql.end()).then(() => process.exit(0)))
