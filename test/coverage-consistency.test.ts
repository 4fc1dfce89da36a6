import t from 'tap'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { demoCouncilIds, seedDemo } from '../src/demo/seed.js'

// Issue "What clients read must be right", coverage contradictions 13–15, and the council's feed links (12).

t.test('demo: a scheduled hearing whose time passed without an outcome is overdue, not upcoming (Văn Miếu 2020); no applicable unit is neither met nor missed (Đống Đa 2026)', async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const report = await call(app, { url: `/v1/coverage?councilId=${ids['dong-da']}&year=2020`, headers: admin })
  t.equal(report.status, 200)
  const vanMieu = report.body.units.find((u: { name: string }) => u.name === 'Phường Văn Miếu')
  t.match(vanMieu, { status: 'outcome_missing', scheduled: 0, overdue: 1, nextScheduledAt: null }, 'no "next hearing" six years later')
  t.match(vanMieu.overdueSince, /^2020-11-05T\d\d:\d\d:00\.000\+07:00$/, 'overdue since its time, in Hà Nội\'s zone')

  const csv = await app.inject({ url: `/v1/coverage.csv?councilId=${ids['dong-da']}&year=2020`, headers: admin })
  t.match(csv.body, /Phường Văn Miếu,Chưa ghi kết quả,0,0,1,0,,,2020-11-05,/, 'the CSV says so too')

  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const page = await (await fetch(`${address}/dashboard/coverage?councilId=${ids['dong-da']}&year=2020`, { headers: admin })).text()
  t.match(page, /data-status="outcome_missing"/)
  t.match(page, /quá hạn, chưa ghi kết quả: 05\/11\/2020/, 'and the dashboard')
  t.notMatch(page, /<td>05\/11\/2020<\/td>/, 'not as the next hearing')

  // No applicable unit (Đống Đa 2026, its wards ended): neither met nor missed, in the report, the history and the dashboard.
  const notApplicable = await call(app, { url: `/v1/coverage?councilId=${ids['dong-da']}&year=2026`, headers: admin })
  t.match(notApplicable.body.totals, { applicable: 0, covered: 0, ratio: null, met: null })
  const history = await call(app, { url: `/v1/coverage/history?councilId=${ids['dong-da']}&fromYear=2014&toYear=2026`, headers: admin })
  const byYear = Object.fromEntries(history.body.items.map((i: { year: number, met: boolean | null }) => [i.year, i.met]))
  t.equal(byYear[2014], null, 'before its wards\' councils existed: not applicable')
  t.equal(byYear[2019], true)
  t.equal(byYear[2018], false)
  t.equal(byYear[2026], null, 'after they ended: not applicable')
  const naPage = await (await fetch(`${address}/dashboard/coverage?councilId=${ids['dong-da']}&year=2026`, { headers: admin })).text()
  t.match(naPage, /data-testid="met">Không áp dụng/)
  t.notMatch(naPage, /Chưa đạt chỉ tiêu/, 'not a red "target not met"')
})

t.test('coverage counts scheduled hearings ahead and overdue ones apart, at the app\'s clock', async (t) => {
  const { app, clock, h } = await (async () => { const built = await build(t); return { ...built, h: await seedHierarchy(built.app) } })()
  const ahead = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-10') })
  await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', ...slotAt('2026-12-11') })
  const report = async () => (await call(app, { url: `/v1/coverage?councilId=${h.district.id}&year=2026`, headers: admin })).body
  let units = (await report()).units
  t.match(units.find((u: { councilId: string }) => u.councilId === h.wardA.id), { status: 'scheduled', scheduled: 1, overdue: 0, nextScheduledAt: '2026-12-10T08:00:00.000+07:00' })
  clock.current = new Date('2026-12-10T02:30:00Z') // 09:30 in Hà Nội: under way, still counted ahead
  units = (await report()).units
  t.match(units.find((u: { councilId: string }) => u.councilId === h.wardA.id), { status: 'scheduled', scheduled: 1, overdue: 0 })
  clock.current = new Date('2026-12-12T02:00:00Z')
  const after = await report()
  t.match(after.units.find((u: { councilId: string }) => u.councilId === h.wardA.id), { status: 'outcome_missing', scheduled: 0, overdue: 1, nextScheduledAt: null, overdueSince: '2026-12-10T08:00:00.000+07:00' })
  t.match(after.units.find((u: { councilId: string }) => u.councilId === h.wardB.id), { status: 'outcome_missing', overdue: 1 })
  t.equal(after.totals.covered, 0, 'an overdue hearing covers nothing')
  const tag = (await call(app, { url: `/v1/hearings/${ahead.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${ahead.id}/outcome`, headers: { ...admin, 'if-match': tag }, payload: { summary: 'Đã giải trình.' } })).status, 200)
  t.match((await report()).units.find((u: { councilId: string }) => u.councilId === h.wardA.id), { status: 'covered', held: 1, overdue: 0, lastHeldAt: '2026-12-10T08:00:00.000+07:00' }, 'recorded: covered')
})

t.test('scheduling a time that has passed says so plainly; a strict council refuses it', async (t) => {
  const { app, h } = await (async () => { const built = await build(t); return { ...built, h: await seedHierarchy(built.app) } })()
  const past = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-09-01') })
  const warning = past.warnings.find((w) => w.code === 'in_the_past') as unknown as { message: string, startsAt: string }
  t.ok(warning, 'warned')
  t.match(warning.message, /already passed \(2026-09-01 08:00, Asia\/Ho_Chi_Minh\).*create it as held with its outcome/)
  t.equal(warning.startsAt, '2026-09-01T08:00:00.000+07:00')
  t.notOk(past.warnings.some((w) => w.code === 'notice_too_short'), 'no "actual -87 days"')
  t.notMatch(JSON.stringify(past.warnings), /actual -/)
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardB.id}`, headers: admin, payload: { strictNotice: true } })).status, 200)
  const refused = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardB.id, title: 'Phiên', status: 'scheduled', ...slotAt('2026-09-02') } })
  t.equal(refused.status, 422)
  t.match(refused.body.detail, /already passed/)
})

t.test('councils by code, in the API and in feeds; the council\'s JSON carries its feed links; the hearing list takes dates', async (t) => {
  const built = await build(t)
  const { app } = built
  const h = await seedHierarchy(app)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${address}${path}`, { headers })
  const byCode = await get('/v1/councils/dong-da')
  t.equal(byCode.status, 200)
  const council = await byCode.json() as { id: string, feeds: { url: string, webcalUrl: string, withDescendantsUrl: string } }
  t.equal(council.id, h.district.id)
  t.match(council.feeds, {
    url: new RegExp(`/feeds/councils/${h.district.id}\\.ics$`),
    webcalUrl: new RegExp(`^webcal://[^/]+/feeds/councils/${h.district.id}\\.ics$`),
    withDescendantsUrl: /\.ics\?descendants=true$/
  })
  t.equal((await get(council.feeds.url.replace(/^https?:\/\/[^/]+/, ''))).status, 200, 'the link works')
  t.equal((await get('/v1/councils/dong-da/subtree')).status, 200)
  t.equal((await get('/v1/councils/dong-da/members', admin)).status, 200)
  const missing = await get('/v1/councils/khong-co')
  t.equal(missing.status, 404)
  t.match(await missing.json(), { detail: 'No council with code khong-co.' })
  t.equal((await call(app, { method: 'POST', url: '/v1/councils', headers: admin, payload: { code: '5967c621-f11a-4831-a0e8-8749c9e78a80', name: 'X', level: 'ward', activeFrom: '2020-01-01' } })).status, 400, 'a code shaped like an id is refused')

  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên ngày 10', ...slotAt('2026-12-10') })
  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên ngày 11', ...slotAt('2026-12-11') })
  const byCodeFeed = await get('/feeds/councils/dong-da-cat-linh.ics')
  const byIdFeed = await get(`/feeds/councils/${h.wardA.id}.ics`)
  t.equal(byCodeFeed.status, 200)
  t.equal(await byCodeFeed.text(), await byIdFeed.text(), 'the same feed by code')
  t.equal((await get('/feeds/councils/khong-co.ics')).status, 404)

  const titles = async (query: string) => ((await (await get(`/v1/hearings?councilId=${h.wardA.id}&${query}`)).json()) as { items: Array<{ title: string }> }).items.map((i) => i.title)
  t.same(await titles('from=2026-12-10&to=2026-12-10'), ['Phiên ngày 10'], 'dates: to is the last day included, as in coverage')
  t.same(await titles('from=2026-12-11'), ['Phiên ngày 11'])
  t.same(await titles('from=2026-12-10T00:00:00%2B07:00&to=2026-12-11T00:00:00%2B07:00'), ['Phiên ngày 10'], 'date-times as before')
  t.equal((await get('/v1/hearings?from=2026-13-01')).status, 400)
})
