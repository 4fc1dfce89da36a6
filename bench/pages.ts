/**
 * The council page with 500 hearings, and GET /v1/hearings?councilId=…&limit=50, against bare Fastify
 * routes (bench/bare-pages.mjs) that run one PostgreSQL query returning the same rows as JSON, in the
 * same run, 16 connections each. On PostgreSQL: DATABASE_URL, or the local server at 127.0.0.1:5432.
 *   npm run bench:pages [-- --duration 5]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchDatabase, measure, printTable, startBenchServer, startListener, type Figures } from './lib.js'

const { values } = parseArgs({ options: { duration: { type: 'string', default: '5' } } })
const duration = Number(values.duration)
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres'
const adminToken = 'bench-admin-token-0000000000000000000000'
const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-bench-'))
const database = await benchDatabase()
const server = await startBenchServer({ DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, SKIP_DEMO: '1', LOG_LEVEL: 'warn', ...database.env })
const bare = await startListener(['bench/bare-pages.mjs'], database.env)
try {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.address}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return await response.json() as { id: string }
  }
  const city = await post('/v1/councils', { code: 'bench-city', name: 'Thành phố Thử', level: 'city', parentId: null, activeFrom: '2008-08-01' })
  const ward = await post('/v1/councils', { code: 'bench-ward', name: 'Phường Thử Nghiệm', level: 'ward', parentId: city.id, activeFrom: '2016-07-01' })
  // 500 hearings, one a day: 250 held in the past (with outcomes), 250 scheduled ahead.
  const today = new Date()
  for (let i = 0; i < 500; i++) {
    const day = new Date(today.getTime() + (i < 250 ? -(i + 2) : i - 248) * 86_400_000).toISOString().slice(0, 10)
    await post('/v1/hearings', {
      councilId: ward.id,
      title: `Phiên giải trình số ${i + 1} về trật tự đô thị và vệ sinh môi trường`,
      description: 'Báo cáo của UBND phường; ý kiến của cử tri; kiến nghị của đại biểu.',
      location: 'Hội trường UBND phường',
      startsAt: `${day}T08:00:00+07:00`,
      endsAt: `${day}T10:00:00+07:00`,
      ...(i < 250 ? { status: 'held', outcome: { summary: 'Đã giải trình và tiếp thu ý kiến.', delegatesPresent: 18 } } : { status: 'scheduled' })
    })
  }
  const rows: Figures[] = []
  await measure('warm-up', { url: `${bare.address}/bare/hearings?councilId=${ward.id}`, duration: 1 })
  await measure('warm-up', { url: `${server.address}/v1/hearings?councilId=${ward.id}&limit=50`, duration: 1 })
  await measure('warm-up', { url: `${server.address}/councils/bench-ward`, duration: 1 })
  const bareList = await measure('bare route: 1 query, 51 rows as JSON', { url: `${bare.address}/bare/hearings?councilId=${ward.id}`, duration })
  const list = await measure('GET /v1/hearings?councilId=…&limit=50', { url: `${server.address}/v1/hearings?councilId=${ward.id}&limit=50`, duration }, server.child.pid)
  const bareCouncil = await measure('bare route: 1 query, 200 rows as JSON', { url: `${bare.address}/bare/council?councilId=${ward.id}`, duration })
  const page = await measure('GET /councils/bench-ward (page, 500 hearings)', { url: `${server.address}/councils/bench-ward`, duration }, server.child.pid)
  rows.push(bareList, list, bareCouncil, page)
  console.log(`\nbench:pages on ${server.engine}, 16 connections, ${duration} s each; 500 hearings in the council`)
  printTable(rows, bareList)
  const ratio = (a: Figures, b: Figures) => (a.rps / b.rps).toFixed(2)
  console.log(`\nGET /v1/hearings: ${ratio(list, bareList)}x the bare route's req/s (target ≥ 0.3)`)
  console.log(`council page:     ${ratio(page, bareCouncil)}x the bare route's req/s (target ≥ 0.3)`)
  if (rows.some((row) => row.non2xx > 0)) console.log('errors: some requests failed (see the errors column)')
} finally {
  for (const child of [server.child, bare.child]) {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
  await rm(dataDir, { recursive: true, force: true })
  await database.drop()
}
