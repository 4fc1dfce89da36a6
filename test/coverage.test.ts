import t from 'tap'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { demoCouncilIds, seedDemo } from '../src/demo/seed.js'

t.test('Đống Đa 2019 (demo): 21 of 21 wards covered, ratio 1.0, met; several held 2; the district held 2', async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const report = await call(app, { method: 'GET', url: `/v1/coverage?councilId=${ids['dong-da']}&year=2019`, headers: admin })
  t.equal(report.status, 200)
  t.match(report.body.totals, { applicable: 21, covered: 21, ratio: 1, target: 1, met: true })
  t.ok(report.body.totals.distribution[2] >= 5, 'several wards held 2')
  t.equal(report.body.totals.distribution[0], 0)
  t.equal(report.body.own.held, 2, 'the district council\'s own 2 hearings')
  t.ok(report.body.units.every((u: { status: string }) => u.status === 'covered'))
  t.equal(report.body.units.find((u: { name: string }) => u.name === 'Phường Ô Chợ Dừa').status, 'covered')

  const history = await call(app, { method: 'GET', url: `/v1/coverage/history?councilId=${ids['dong-da']}&fromYear=2018&toYear=2022`, headers: admin })
  t.same(history.body.items.map((i: { year: number, ratio: number | null, applicable: number }) => [i.year, i.ratio, i.applicable]), [
    [2018, 0, 21], [2019, 1, 21], [2020, 1 / 21, 21], [2021, 0, 21], [2022, null, 0]
  ], '2019 against 2018; wards had no council from mid-2021')
  t.equal(history.body.items[1].ownHeld, 2)

  const term = await call(app, { method: 'GET', url: `/v1/coverage?councilId=${ids['dong-da']}&from=2016-07-01&to=2021-06-30`, headers: admin })
  t.equal(term.body.totals.covered, 21, 'any period, e.g. the 2016–2021 term')

  const csv = await app.inject({ method: 'GET', url: `/v1/coverage.csv?councilId=${ids['dong-da']}&year=2019`, headers: admin })
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 with a byte-order mark')
  const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')
  t.equal(lines[0], 'Mã,Đơn vị,Trạng thái,Đã tổ chức,Đã lên lịch,Quá hạn chưa ghi kết quả,Đã hủy,Phiên gần nhất,Phiên sắp tới,Quá hạn từ,Tồn tại một phần kỳ')
  t.equal(lines.length, 22)
  for (const unit of report.body.units as Array<{ code: string, name: string, held: number, scheduled: number, overdue: number, cancelled: number }>) {
    const row = lines.find((line) => line.startsWith(`${unit.code},`))!.split(',')
    t.same([row[1], Number(row[3]), Number(row[4]), Number(row[5]), Number(row[6])], [unit.name, unit.held, unit.scheduled, unit.overdue, unit.cancelled], `${unit.name}: the CSV has the JSON's numbers`)
  }
  const english = await app.inject({ method: 'GET', url: `/v1/coverage.csv?councilId=${ids['dong-da']}&year=2019&lang=en`, headers: admin })
  t.match(english.body, /Code,Unit,Status,Held/)
})

t.test('a year still running: a future hearing is "scheduled", a cancelled one leaves the ward uncovered; existence and scope rules', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const mk = async (code: string, name: string, activeFrom: string, activeTo: string | null = null) =>
    (await call(app, { method: 'POST', url: '/v1/councils', headers: admin, payload: { code, name, level: 'ward', parentId: h.district.id, activeFrom, activeTo } })).body
  await mk('dong-da-trung-tu', 'Phường Trung Tự', '2016-07-01', '2025-06-30')
  const created = await mk('dong-da-moi', 'Phường Mới', '2026-03-15')
  // wardA: held in 2026. wardB: only a future scheduled one. created: only a cancelled one.
  await createHearing(app, { councilId: h.wardA.id, status: 'held', outcome: { summary: 's' }, ...slotAt('2026-05-12') })
  await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const doomed = await createHearing(app, { councilId: created.id, status: 'scheduled', ...slotAt('2026-06-16') })
  await call(app, { method: 'POST', url: `/v1/hearings/${doomed.id}/cancel`, headers: admin, payload: { reason: 'x' } })
  // Never counted for the district: another district's ward, the district's 2025 hearing, a hearing in 2027.
  await createHearing(app, { councilId: h.otherWard.id, status: 'held', outcome: { summary: 's' }, ...slotAt('2026-05-12') })
  await createHearing(app, { councilId: h.wardB.id, status: 'held', outcome: { summary: 's' }, ...slotAt('2025-12-30') })
  await createHearing(app, { councilId: h.district.id, status: 'held', outcome: { summary: 's' }, ...slotAt('2026-04-07') })

  const report = await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026`, headers: admin })
  const byName = Object.fromEntries(report.body.units.map((u: { name: string }) => [u.name, u]))
  t.match(byName['Phường Cát Linh'], { status: 'covered', held: 1, partOfPeriod: false })
  t.match(byName['Phường Hàng Bột'], { status: 'scheduled', held: 0, scheduled: 1 }, 'only a future hearing: scheduled, not covered')
  t.match(byName['Phường Mới'], { status: 'uncovered', cancelled: 1, partOfPeriod: true }, 'its only hearing was cancelled; created in mid-year: counted and flagged')
  t.match(byName['Phường Trung Tự'], { status: 'not_applicable' }, 'a ward that exists for none of 2026')
  t.match(report.body.totals, { applicable: 3, covered: 1, ratio: 1 / 3, met: false })
  t.equal(report.body.own.held, 1)
  t.notOk(report.body.units.some((u: { name: string }) => u.name === 'Phường Cống Vị'), 'another district\'s ward is not a unit')
  const city = await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.city.id}&year=2026`, headers: admin })
  const districts = Object.fromEntries(city.body.units.map((u: { name: string, status: string }) => [u.name, u.status]))
  t.same(districts, { 'Quận Ba Đình': 'uncovered', 'Quận Đống Đa': 'covered' }, 'a ward\'s hearing (a grandchild of the city) never covers its district')

  await call(app, { method: 'PATCH', url: `/v1/councils/${h.district.id}`, headers: admin, payload: { coverageTarget: 0.25, coverageMinHearings: 1 } })
  t.match((await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026`, headers: admin })).body.totals, { target: 0.25, met: true }, 'the target is set per parent')

  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const own = await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026`, headers: wardA.headers })
  t.equal(own.status, 200)
  t.same(own.body.units.map((u: { name: string }) => u.name), ['Phường Cát Linh'], 'a ward secretariat reads its own line only')
  t.equal(own.body.totals, null)
  t.equal((await call(app, { method: 'GET', url: `/v1/coverage/history?councilId=${h.district.id}&fromYear=2025&toYear=2026`, headers: wardA.headers })).status, 403)
  const otherSupervisor = await tokenFor(app, 'supervisor', h.otherDistrict.id)
  t.equal((await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026`, headers: otherSupervisor.headers })).status, 403, 'a supervisor outside the subtree')
  const citySupervisor = await tokenFor(app, 'supervisor', h.city.id)
  t.equal((await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026`, headers: citySupervisor.headers })).status, 200, 'a supervisor above reads it')
  t.equal((await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026` })).status, 401, 'not public by default')
  await call(app, { method: 'PATCH', url: `/v1/councils/${h.district.id}`, headers: admin, payload: { coveragePublic: true } })
  const anonymous = await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026` })
  t.equal(anonymous.status, 200, 'public once the council makes it so')
  t.notMatch(JSON.stringify(anonymous.body), /title/, 'numbers, no hearing titles')
  t.equal((await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}` })).status, 400)
  t.equal((await call(app, { method: 'GET', url: `/v1/coverage?councilId=${h.district.id}&year=2026&from=2026-01-01` })).status, 400)
  t.equal((await call(app, { method: 'GET', url: '/v1/coverage?councilId=00000000-0000-4000-8000-000000000000&year=2026' })).status, 404)
})
