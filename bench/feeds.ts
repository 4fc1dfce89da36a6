/**
 * Feed polling on PostgreSQL: a district with 21 wards and 5 years of hearings (~500 events).
 * Prints requests/s, p99 and the server's CPU time per request for the feed's 304 and 200 paths next
 * to a bare Fastify route at the same path serving the same bytes (or 304), in alternating rounds
 * after a warm-up of both; and the time to rebuild the feed after one hearing changed next to a full
 * ical-generator build of it. Uses DATABASE_URL (a server; default the local one) and a database of
 * its own; the service runs at LOG_LEVEL=info (its default) unless LOG_LEVEL is set.
 *   npm run bench:feeds [-- --duration 4]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DateTime } from 'luxon'
import { eq, sql } from 'drizzle-orm'
import { createPostgres } from '../src/db/client.js'
import { councils, hearings } from '../src/db/schema.js'
import { feedEvents, feedStamps } from '../src/db/queries/feeds.js'
import { FeedCache } from '../src/feeds/cache.js'
import { renderFullCalendar, type FeedOptions } from '../src/feeds/ical.js'
import { benchDatabase, measure, startBenchServer, startListener, type Figures } from './lib.js'

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres'
const { values } = parseArgs({ options: { duration: { type: 'string', default: '2' } } })
const duration = Number(values.duration)
const ROUNDS = 9
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
/** Bulk rows for measuring, loaded directly: they carry their times as every write does. */
const stamp = { createdAt: new Date(), updatedAt: new Date() }

const target = await benchDatabase()
const database = createPostgres(target.env.DATABASE_URL!, 4)
const work = await mkdtemp(join(tmpdir(), 'giaitrinh-feeds-'))
const children: Array<{ kill: (signal: NodeJS.Signals) => void, once: (event: 'exit', cb: () => void) => void }> = []
try {
  await database.migrate()
  const db = database.db
  // A district of 21 wards, existing since 2021, with ~23 public hearings each over 2022–2026.
  const [district] = await db.insert(councils).values({ code: 'bench-district', name: 'Quận Thử Nghiệm', level: 'district', activeFrom: '2021-01-01', ...stamp }).returning()
  const wards = await db.insert(councils).values(Array.from({ length: 21 }, (_, i) => ({
    code: `bench-ward-${i}`, name: `Phường Thử Nghiệm ${i + 1}`, level: 'ward' as const, parentId: district!.id, activeFrom: '2021-01-01', ...stamp
  }))).returning()
  const rows = []
  for (const [w, council] of [district!, ...wards].entries()) {
    for (let k = 0; k < 23; k++) {
      const start = DateTime.fromObject({ year: 2022, month: 1, day: 4, hour: 8 }, { zone: 'Asia/Ho_Chi_Minh' }).plus({ weeks: k * 11 + (w % 11) })
      const past = start < DateTime.fromObject({ year: 2026, month: 11, day: 1 })
      rows.push({
        councilId: council.id,
        title: `Phiên giải trình số ${k + 1} về công tác quản lý đô thị, trật tự xây dựng`,
        description: 'Giải trình về việc thực hiện các kiến nghị của cử tri; đề xuất giải pháp.',
        location: 'Hội trường UBND',
        status: past ? 'held' as const : 'scheduled' as const,
        startsAt: start.toJSDate(),
        endsAt: start.plus({ hours: 2 }).toJSDate(),
        outcome: past ? { summary: 'Đã giải trình.', delegatesPresent: 20, conclusionText: null, conclusionIssuedOn: null } : null,
        sequence: 1,
        ...stamp
      })
    }
  }
  await db.insert(hearings).values(rows)
  const feedPath = `/feeds/councils/${district!.id}.ics?descendants=true&from=2022-01-01`

  // The service logs at its default level (info) unless LOG_LEVEL says otherwise.
  const server = await startBenchServer({ ...target.env, DATA_DIR: work, PUBLIC_BASE_URL: 'https://giaitrinh.example', SKIP_DEMO: '1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' })
  children.push(server.child)
  const first = await fetch(`${server.address}${feedPath}`)
  const body = await first.text()
  const etag = first.headers.get('etag')!
  const events = (body.match(/BEGIN:VEVENT/g) ?? []).length
  await writeFile(join(work, 'feed.json'), JSON.stringify({ body, etag }))
  const { child: bare, address: bareAddress } = await startListener(['bench/bare-feed.mjs', join(work, 'feed.json')])
  children.push(bare)

  const conditional = { 'if-none-match': etag }
  const urls = { feed: `${server.address}${feedPath}`, bare: `${bareAddress}${feedPath}` }
  // Both servers answer both paths for a while first, so that the rounds measure code the JIT has compiled.
  for (const url of [urls.bare, urls.feed]) {
    await measure('warm-up', { url, duration: 2, headers: conditional })
    await measure('warm-up', { url, duration: 2 })
  }
  // Rounds alternate the bare route and the feed, so that load from elsewhere on the machine hits both;
  // the ratio reported is the median of the rounds' ratios.
  const rounds: Array<Record<'304' | '200', [Figures, Figures]>> = []
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push({
      304: [await measure('bare route 304', { url: urls.bare, duration, headers: conditional }, bare.pid),
        await measure('feed 304', { url: urls.feed, duration, headers: conditional }, server.child.pid)],
      200: [await measure('bare route 200', { url: urls.bare, duration }, bare.pid),
        await measure('feed 200', { url: urls.feed, duration }, server.child.pid)]
    })
  }

  // Rebuild after one change, in this process, against a full ical-generator build of the same feed.
  const cache = new FeedCache(db, { revalidateMs: 0, maxEntries: 10, clock: () => Date.now() })
  const options: FeedOptions = { lang: 'vi', baseUrl: 'https://giaitrinh.example', organizerEmail: 'noreply@giaitrinh.example', ttlSeconds: 3600 }
  const councilIds = [district!.id, ...wards.map((w) => w.id)]
  const spec = async () => ({
    frame: { kind: 'council' as const, name: 'Quận Thử Nghiệm' },
    scope: { kind: 'council' as const, councilIds },
    window: { from: new Date('2021-12-31T17:00:00Z'), to: null, retainSince: new Date('2026-10-01T00:00:00Z') },
    withAttendees: false,
    options
  })
  await cache.get('bench', spec)
  const full: number[] = []
  const fullWithRead: number[] = []
  const rebuild: number[] = []
  const resolved = await spec()
  for (let i = 0; i < 15; i++) {
    let t0 = performance.now()
    const all = await feedEvents(db, (await feedStamps(db, resolved.scope, resolved.window)).map((s) => s.id), false)
    const read = performance.now() - t0
    t0 = performance.now()
    renderFullCalendar(resolved.frame, [...all.values()], options)
    full.push(performance.now() - t0)
    fullWithRead.push(read + full.at(-1)!)
    const changed = rows.length > 0 ? (await db.select({ id: hearings.id }).from(hearings).where(eq(hearings.councilId, wards[i % 21]!.id)).limit(1))[0]!.id : ''
    await db.update(hearings).set({ title: `Phiên giải trình (sửa lần ${i})`, revision: sql`${hearings.revision} + 1`, updatedAt: sql`now()` }).where(eq(hearings.id, changed))
    cache.invalidate()
    const built = cache.stats.eventsBuilt
    t0 = performance.now()
    await cache.get('bench', spec)
    rebuild.push(performance.now() - t0)
    if (cache.stats.eventsBuilt - built !== 1) throw new Error(`rebuilt ${cache.stats.eventsBuilt - built} events, not 1`)
  }

  console.log(`\nbench:feeds on PostgreSQL: ${events} events, ${(body.length / 1024).toFixed(0)} KiB, 16 connections, ${duration} s each, service at LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}`)
  const cpu = (figures: Figures) => (figures.cpuPerRequest === undefined ? '–' : figures.cpuPerRequest.toFixed(0)).padStart(7)
  console.log(`${'path'.padEnd(10)}${'round'.padStart(6)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'errors'.padStart(8)}${'CPU µs'.padStart(8)}   ${'bare req/s'.padStart(10)}${'bare p99'.padStart(10)}${'CPU µs'.padStart(8)}   ratio`)
  for (const path of ['304', '200'] as const) {
    const ratios: number[] = []
    const cpuRatios: number[] = []
    rounds.forEach((round, i) => {
      const [b, f] = round[path]
      ratios.push(f.rps / b.rps)
      if (b.cpuPerRequest && f.cpuPerRequest) cpuRatios.push(b.cpuPerRequest / f.cpuPerRequest)
      console.log(`${`feed ${path}`.padEnd(10)}${String(i + 1).padStart(6)}${f.rps.toFixed(0).padStart(9)}${String(f.p99).padStart(8)}${String(f.non2xx).padStart(8)} ${cpu(f)}   ${b.rps.toFixed(0).padStart(10)}${String(b.p99).padStart(10)} ${cpu(b)}   ${(f.rps / b.rps).toFixed(2)}`)
    })
    console.log(`feed ${path}: median ratio of the rounds' req/s ${median(ratios).toFixed(2)} (goal ≥ 0.70)` +
      (cpuRatios.length ? `; of the server's CPU per request (bare ÷ feed) ${median(cpuRatios).toFixed(2)}` : ''))
  }
  console.log(`rebuild after one change (median of 15): ${median(rebuild).toFixed(2)} ms (revalidation query + 1 event + assembly)`)
  console.log(`full ical-generator build of the feed:     ${median(full).toFixed(2)} ms (${median(fullWithRead).toFixed(2)} ms with reading the data)`)
  console.log(`ratio rebuild ÷ full build: ${(median(rebuild) / median(full)).toFixed(3)} (goal ≤ 0.10); ÷ full build with reading: ${(median(rebuild) / median(fullWithRead)).toFixed(3)}`)
} finally {
  for (const child of children) {
    child.kill('SIGTERM')
    await new Promise<void>((resolve) => child.once('exit', () => resolve()))
  }
  await database.close()
  await rm(work, { recursive: true, force: true })
  await target.drop()
}
