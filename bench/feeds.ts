/**
 * Feed polling on PostgreSQL: a district with 21 wards and 5 years of hearings (~500 events).
 * Prints requests/s, p99 and the server's CPU time per request for the feed's 304 and 200 paths next
 * to a bare Fastify route at the same path serving the same bytes (or 304), in alternating rounds
 * after a warm-up of both; and the time to rebuild the feed after one hearing changed next to a full
 * ical-generator build of it. Uses DATABASE_URL (a server; default the local one) and a database of
 * its own; the service runs at LOG_LEVEL=info (its default) unless LOG_LEVEL is set.
 *   npm run bench:feeds [-- --duration 4]
 */
import { request } from 'node:http'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DateTime } from 'luxon'
import { eq, sql } from 'drizzle-orm'
import { createPostgres } from '../src/db/client.js'
import { councils, hearings } from '../src/db/schema.js'
import { feedEvents, feedLeavers, feedScopeModified, feedStamps } from '../src/db/queries/feeds.js'
import { FeedCache } from '../src/feeds/cache.js'
import { renderFullCalendar, type FeedOptions } from '../src/feeds/ical.js'
import { benchDatabase, measure, startBenchServer, startListener, type Figures } from './lib.js'

/** A GET whose body is not decoded (fetch would gunzip it): the bytes on the wire. */
function fetchRaw (url: string, headers: Record<string, string> = {}) {
  return new Promise<{ body: Buffer, etag: string }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ body: Buffer.concat(chunks), etag: String(res.headers.etag) }))
    })
    req.on('error', reject)
    req.end()
  })
}

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres'
const { values } = parseArgs({ options: { duration: { type: 'string', default: '2' }, 'rebuild-only': { type: 'boolean', default: false } } })
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

  // A second district: one ward with 10,000 hearings in the window (a stress case, not a council's year).
  const [big] = await db.insert(councils).values({ code: 'bench-big', name: 'Phường Mười Nghìn', level: 'ward', activeFrom: '2021-01-01', ...stamp }).returning()
  const bigRows = Array.from({ length: 10_000 }, (_, k) => {
    const start = DateTime.fromObject({ year: 2027, month: 1, day: 1, hour: 7 }, { zone: 'Asia/Ho_Chi_Minh' }).plus({ days: Math.floor(k / 6), hours: (k % 6) * 2 })
    return {
      councilId: big!.id,
      title: `Phiên giải trình số ${k + 1} về công tác quản lý đô thị`,
      description: 'Giải trình về việc thực hiện các kiến nghị của cử tri.',
      location: 'Hội trường UBND',
      status: 'scheduled' as const,
      startsAt: start.toJSDate(),
      endsAt: start.plus({ hours: 2 }).toJSDate(),
      sequence: 0,
      ...stamp
    }
  })
  for (let i = 0; i < bigRows.length; i += 1000) await db.insert(hearings).values(bigRows.slice(i, i + 1000))
  const bigPath = `/feeds/councils/${big!.id}.ics`

  // The service logs at its default level (info) unless LOG_LEVEL says otherwise.
  const server = await startBenchServer({ ...target.env, DATA_DIR: work, PUBLIC_BASE_URL: 'https://giaitrinh.example', SKIP_DEMO: '1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' })
  children.push(server.child)

  const results: string[] = []
  const paths = ['304', '200', '200 gzip'] as const
  /**
   * One feed against a bare route at the same path serving the same bytes: identity and the feed's
   * own gzip bytes (precompressed), ETag and 304. Warmed up, then `rounds` alternating rounds.
   */
  async function compare (label: string, path: string, rounds: number) {
    let t0 = performance.now()
    const first = await fetchRaw(`${server.address}${path}`)
    const firstBuild = performance.now() - t0
    const gzipped = await fetchRaw(`${server.address}${path}`, { 'accept-encoding': 'gzip' })
    const brotli = await fetchRaw(`${server.address}${path}`, { 'accept-encoding': 'br' })
    t0 = performance.now()
    await fetchRaw(`${server.address}${path}`, { 'accept-encoding': 'gzip' })
    const cachedGzip = performance.now() - t0
    const events = (first.body.toString().match(/BEGIN:VEVENT/g) ?? []).length
    const file = join(work, `${label}.json`)
    await writeFile(file, JSON.stringify({ body: first.body.toString(), etag: first.etag, gzip: gzipped.body.toString('base64'), gzipEtag: gzipped.etag }))
    const { child: bare, address: bareAddress } = await startListener(['bench/bare-feed.mjs', file])
    children.push(bare)
    const urls = { feed: `${server.address}${path}`, bare: `${bareAddress}${path}` }
    const options: Record<typeof paths[number], { headers?: Record<string, string> }> = {
      304: { headers: { 'if-none-match': first.etag } },
      200: {},
      '200 gzip': { headers: { 'accept-encoding': 'gzip' } }
    }
    for (const url of [urls.bare, urls.feed]) {
      for (const kind of paths) await measure('warm-up', { url, duration: 2, ...options[kind] })
    }
    const figures: Array<Record<typeof paths[number], [Figures, Figures]>> = []
    for (let round = 0; round < rounds; round++) {
      const row = {} as Record<typeof paths[number], [Figures, Figures]>
      for (const kind of paths) {
        row[kind] = [await measure(`bare ${kind}`, { url: urls.bare, duration, ...options[kind] }, bare.pid),
          await measure(`feed ${kind}`, { url: urls.feed, duration, ...options[kind] }, server.child.pid)]
      }
      figures.push(row)
    }
    bare.kill('SIGTERM')
    await new Promise<void>((resolve) => bare.once('exit', () => resolve()))
    children.splice(children.indexOf(bare), 1)

    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`
    console.log(`\n${label}: ${events} events; bytes on the wire: identity ${kib(first.body.length)}, gzip ${kib(gzipped.body.length)} (${(100 * gzipped.body.length / first.body.length).toFixed(1)}%), br ${kib(brotli.body.length)} (${(100 * brotli.body.length / first.body.length).toFixed(1)}%)`)
    console.log(`first request (build ${events} events): ${firstBuild.toFixed(0)} ms; a gzip request once compressed: ${cachedGzip.toFixed(1)} ms`)
    const cpu = (f: Figures) => (f.cpuPerRequest === undefined ? '–' : f.cpuPerRequest.toFixed(0)).padStart(7)
    console.log(`${'path'.padEnd(14)}${'round'.padStart(6)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'errors'.padStart(8)}${'CPU µs'.padStart(8)}   ${'bare req/s'.padStart(10)}${'bare p99'.padStart(10)}${'CPU µs'.padStart(8)}   ratio`)
    for (const kind of paths) {
      const ratios: number[] = []
      const cpuRatios: number[] = []
      figures.forEach((round, i) => {
        const [b, f] = round[kind]
        ratios.push(f.rps / b.rps)
        if (b.cpuPerRequest && f.cpuPerRequest) cpuRatios.push(b.cpuPerRequest / f.cpuPerRequest)
        console.log(`${`feed ${kind}`.padEnd(14)}${String(i + 1).padStart(6)}${f.rps.toFixed(0).padStart(9)}${String(f.p99).padStart(8)}${String(f.non2xx).padStart(8)} ${cpu(f)}   ${b.rps.toFixed(0).padStart(10)}${String(b.p99).padStart(10)} ${cpu(b)}   ${(f.rps / b.rps).toFixed(2)}`)
      })
      const line = `${label}, ${kind}: median ratio of the rounds' req/s ${median(ratios).toFixed(2)} (goal ≥ 0.70)` +
        (cpuRatios.length ? `; of the server's CPU per request (bare ÷ feed) ${median(cpuRatios).toFixed(2)}` : '')
      console.log(line)
      results.push(line)
    }
  }

  if (!values['rebuild-only']) {
    await compare('district with 21 wards, 2022–2026', feedPath, ROUNDS)
    await compare('one ward, 10,000 events ahead', bigPath, 3)
  }

  // Rebuild after one change, in this process, against a full ical-generator build of the same feed.
  const cache = new FeedCache(db, { revalidateMs: 0, maxEntries: 10, clock: () => Date.now() })
  const options: FeedOptions = { lang: 'vi', baseUrl: 'https://giaitrinh.example', organizerEmail: 'noreply@giaitrinh.example', ttlSeconds: 3600 }
  const councilIds = [district!.id, ...wards.map((w) => w.id)]
  const spec = async () => ({
    frame: { kind: 'council' as const, name: 'Quận Thử Nghiệm', zone: 'Asia/Ho_Chi_Minh' },
    scope: { kind: 'council' as const, councilIds },
    window: { from: new Date('2021-12-31T17:00:00Z'), to: null, retainSince: new Date('2026-10-01T00:00:00Z') },
    withAttendees: false,
    options
  })
  await cache.get('bench', spec)
  const full: number[] = []
  const fullWithRead: number[] = []
  const rebuild: number[] = []
  const parts: Record<'stamps' | 'lastModified', number[]> = { stamps: [], lastModified: [] }
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
    // Where a rebuild's time goes: the revalidation query, and the two that give Last-Modified.
    t0 = performance.now()
    await feedStamps(db, resolved.scope, resolved.window)
    parts.stamps.push(performance.now() - t0)
    t0 = performance.now()
    await Promise.all([feedScopeModified(db, resolved.scope), feedLeavers(db, resolved.scope, resolved.window)])
    parts.lastModified.push(performance.now() - t0)
  }

  console.log(`\nbench:feeds on PostgreSQL, 16 connections, ${duration} s a round, service at LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}`)
  for (const line of results) console.log(line)
  console.log(`rebuild after one change (median of 15): ${median(rebuild).toFixed(2)} ms (revalidation query + 1 event + assembly); of which the revalidation query ${median(parts.stamps).toFixed(2)} ms, the Last-Modified queries ${median(parts.lastModified).toFixed(2)} ms`)
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
