/**
 * Coverage at national scale: 34 provinces, 3,321 communes, five years, about two hearings per
 * commune a year. Prints the time for one city's coverage (126 units) with only that city's data
 * loaded and with the whole nation's, with the ratio to GET /healthz, on PGlite and on PostgreSQL
 * (DATABASE_URL, default the local server).
 *   npm run bench:coverage [-- --runs 40]
 */
import { parseArgs } from 'node:util'
import { DateTime } from 'luxon'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDatabase, createPostgres, type Database, type Db } from '../src/db/client.js'
import { councils, hearings } from '../src/db/schema.js'
import { benchDatabase } from './lib.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } })
const runs = Number(values.runs)
const YEARS = [2021, 2022, 2023, 2024, 2025]
const ADMIN = 'bench-admin-token-0000000000000000000000'
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
/** Bulk rows for measuring, loaded directly: they carry their times as every write does. */
const stamp = { createdAt: new Date(), updatedAt: new Date() }

async function insertBatched<T> (rows: T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 1000) await insert(rows.slice(i, i + 1000))
}

/** A province with its communes and two held hearings per commune a year. */
async function loadProvince (db: Db, index: number, communes: number) {
  const [province] = await db.insert(councils).values({ code: `province-${index}`, name: `Tỉnh ${index}`, level: index === 0 ? 'city' : 'province', activeFrom: '2020-01-01', ...stamp }).returning()
  const units = await db.insert(councils).values(Array.from({ length: communes }, (_, i) => ({
    code: `p${index}-c${i}`, name: `Xã ${index}-${i}`, level: i % 3 ? 'commune' as const : 'ward' as const, parentId: province!.id, activeFrom: '2020-01-01', ...stamp
  }))).returning({ id: councils.id })
  const rows = units.flatMap((unit, u) => YEARS.flatMap((year) => [3, 9].map((month) => {
    const start = DateTime.fromObject({ year, month, day: 1 + (u % 25), hour: 8 }, { zone: 'Asia/Ho_Chi_Minh' })
    return {
      councilId: unit.id,
      title: 'Phiên giải trình',
      status: 'held' as const,
      startsAt: start.toJSDate(),
      endsAt: start.plus({ hours: 2 }).toJSDate(),
      outcome: { summary: 'Đã giải trình.', delegatesPresent: 15, conclusionText: null, conclusionIssuedOn: null },
      ...stamp
    }
  })))
  await insertBatched(rows, (batch) => db.insert(hearings).values(batch))
  return { id: province!.id, units: units.length, hearings: rows.length }
}

async function timeRoute (app: Awaited<ReturnType<typeof buildApp>>, url: string) {
  const headers = { authorization: `Bearer ${ADMIN}` }
  for (let i = 0; i < 5; i++) await app.inject({ url, headers })
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const response = await app.inject({ url, headers })
    times.push(performance.now() - t0)
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`)
  }
  return median(times)
}

async function run (engine: string, database: Database) {
  await database.migrate()
  const app = await buildApp(loadConfig({ ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn', DATA_DIR: 'memory://' }), { database })
  await app.ready()
  const city = await loadProvince(database.db, 0, 126)
  const url = `/v1/coverage?councilId=${city.id}&year=2024`
  const cityOnly = { coverage: await timeRoute(app, url), health: await timeRoute(app, '/healthz') }
  const report = JSON.parse((await app.inject({ url, headers: { authorization: `Bearer ${ADMIN}` } })).body)
  let units = city.units
  let total = city.hearings
  const t0 = performance.now()
  for (let p = 1; p < 34; p++) {
    const loaded = await loadProvince(database.db, p, p <= 6 ? 96 : 97)
    units += loaded.units
    total += loaded.hearings
  }
  const loadSeconds = (performance.now() - t0) / 1000
  const nation = { coverage: await timeRoute(app, url), health: await timeRoute(app, '/healthz') }
  await app.close()
  console.log(`\n${engine}: city of ${city.units} units (${report.totals.covered}/${report.totals.applicable} covered in 2024); nation ${units} communes, ${total} hearings (loaded in ${loadSeconds.toFixed(0)} s)`)
  console.log(`  city data only:   coverage ${cityOnly.coverage.toFixed(2)} ms, /healthz ${cityOnly.health.toFixed(3)} ms, ratio ${(cityOnly.coverage / cityOnly.health).toFixed(1)}x`)
  console.log(`  national data:    coverage ${nation.coverage.toFixed(2)} ms, /healthz ${nation.health.toFixed(3)} ms, ratio ${(nation.coverage / nation.health).toFixed(1)}x`)
  console.log(`  national ÷ city-only: ${(nation.coverage / cityOnly.coverage).toFixed(2)} (goal ≤ 1.5)`)
}

console.log(`bench:coverage, median of ${runs} requests each (in-process, app.inject)`)
const pglite = await createDatabase({ DATA_DIR: 'memory://' })
try { await run('PGlite', pglite) } finally { await pglite.close() }
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres'
const target = await benchDatabase()
const postgres = createPostgres(target.env.DATABASE_URL!, 4)
try { await run('PostgreSQL', postgres) } finally { await postgres.close(); await target.drop() }
