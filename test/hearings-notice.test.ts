import t from 'tap'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { noticeDays, parseOfficeHours, scheduleWarnings, type CalendarFacts } from '../src/domain/calendar.js'
import { DateTime } from 'luxon'

t.test('legal notice: 9 days ahead warns "required 10, actual 9"; a strict council refuses; the rule follows the hearing\'s date', async (t) => {
  const { app, clock } = await build(t)
  const h = await seedHierarchy(app)
  clock.current = new Date('2026-12-01T03:00:00Z') // Tuesday 10:00 in Hà Nội
  const short = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-10', 8) })
  const notice = short.warnings.find((w) => w.code === 'notice_too_short') as Record<string, unknown>
  t.match(notice, { requiredDays: 10, actualDays: 9, dayKind: 'calendar', rule: 'law-121-2025' })
  t.match(notice.message, /required 10, actual 9/)
  const enough = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-11', 8) })
  t.notOk(enough.warnings.some((w) => w.code === 'notice_too_short'), '10 days is enough')
  const draft = await createHearing(app, { councilId: h.wardA.id, ...slotAt('2026-12-03', 8) })
  t.same(draft.warnings, [], 'a draft is not judged yet')

  const strict = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardB.id}`, headers: admin, payload: { strictNotice: true } })
  t.equal(strict.body.strictNotice, true)
  const refused = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardB.id, title: 'x', status: 'scheduled', ...slotAt('2026-12-10', 8) } })
  t.equal(refused.status, 422)
  t.match(refused.body.detail, /required 10, actual 9/)
  t.equal(refused.body.warnings[0].code, 'notice_too_short')
  const draftB = await createHearing(app, { councilId: h.wardB.id, ...slotAt('2026-12-10', 8) })
  const scheduleRefused = await call(app, { method: 'POST', url: `/v1/hearings/${draftB.id}/schedule`, headers: admin, payload: {} })
  t.equal(scheduleRefused.status, 422, 'the schedule action applies the same check')
  const fine = await call(app, { method: 'POST', url: `/v1/hearings/${draftB.id}/schedule`, headers: admin, payload: slotAt('2026-12-15', 8) })
  t.equal(fine.status, 200)

  const rules = await call(app, { method: 'GET', url: '/v1/notice-rules' })
  t.same(rules.body.items.map((r: { code: string }) => r.code), ['law-87-2015', 'law-121-2025'])
  t.match(rules.body.items[0], { effectiveFrom: '2016-07-01', effectiveTo: '2026-02-28', explainerNoticeDays: 10, dayKind: 'calendar', verified: true })
  t.match(rules.body.items[1], { effectiveFrom: '2026-03-01', effectiveTo: null, verified: false })
  const later = rules.body.items[1]
  const edited = await call(app, { method: 'PATCH', url: `/v1/notice-rules/${later.id}`, headers: admin, payload: { explainerNoticeDays: 15, dayKind: 'working' } })
  t.equal(edited.status, 200)
  t.equal((await call(app, { method: 'PATCH', url: `/v1/notice-rules/${later.id}`, payload: { explainerNoticeDays: 1 } })).status, 401, 'only admins edit rules')

  clock.current = new Date('2026-02-16T03:00:00Z')
  const before = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-02-27', 8) })
  t.same(before.warnings.filter((w) => w.code === 'notice_too_short'), [], '11 calendar days under Law 87/2015 is enough')
  const after = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-03-03', 8) })
  const afterNotice = after.warnings.find((w) => w.code === 'notice_too_short') as Record<string, unknown>
  t.match(afterNotice, { rule: 'law-121-2025', requiredDays: 15, dayKind: 'working' }, 'after 2026-03-01 the later rule set judges')
})

t.test('calendar warnings: public holidays, announced days off, make-up days, weekends, office hours', async (t) => {
  const { app, clock } = await build(t)
  const h = await seedHierarchy(app)
  clock.current = new Date('2026-01-02T03:00:00Z')
  const codes = async (day: string, hour = 8) => (await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt(day, hour) })).warnings.map((w) => w.code)
  t.same(await codes('2026-04-30'), ['public_holiday'], '30/4')
  t.same(await codes('2026-04-26'), ['public_holiday'], 'Hùng Kings\' day (10/3 lunar) falls on a Sunday in 2026: the holiday is named')
  t.same(await codes('2026-02-17'), ['public_holiday'], 'Tết (lunar) from date-holidays')
  t.same(await codes('2026-02-19'), [], 'the rest of Tết 2026 is announced by the government, not statutory')
  const announced = await call(app, { method: 'PUT', url: '/v1/calendar/days/2026-02-20', headers: admin, payload: { kind: 'day_off', name: 'Nghỉ Tết Nguyên đán (theo thông báo)' } })
  t.equal(announced.status, 200)
  t.same(await codes('2026-02-20'), ['day_off'])
  await call(app, { method: 'PUT', url: '/v1/calendar/days/2026-01-24', headers: admin, payload: { kind: 'working_day', name: 'Làm bù' } })
  t.same(await codes('2026-01-24'), [], 'a make-up Saturday is a working day')
  t.same(await codes('2026-01-31'), ['weekend'], 'an ordinary Saturday')
  t.same(await codes('2026-01-20', 16), ['outside_office_hours'], '16:00–18:00 runs past 17:00')
  t.same(await codes('2026-01-21', 6), ['outside_office_hours'], '06:00 is before office hours')
  const days = await call(app, { method: 'GET', url: '/v1/calendar/days?from=2026-01-01&to=2026-02-28' })
  t.match(days.body.items.map((d: { day: string, source: string }) => `${d.day}:${d.source}`), ['2026-01-01:statutory', '2026-01-24:announced', '2026-02-16:statutory', '2026-02-17:statutory', '2026-02-20:announced'])
  t.equal((await call(app, { method: 'DELETE', url: '/v1/calendar/days/2026-02-20', headers: admin })).status, 204)
  t.equal((await call(app, { method: 'DELETE', url: '/v1/calendar/days/2026-02-20', headers: admin })).status, 404)
  t.equal((await call(app, { method: 'PUT', url: '/v1/calendar/days/2026-02-21', payload: { kind: 'day_off', name: 'x' } })).status, 401)
  t.equal((await call(app, { method: 'GET', url: '/v1/calendar/days?from=2026-01-01&to=2030-01-01' })).status, 400)
})

t.test('notice in working days counts Monday–Friday less holidays and days off, plus make-up days', async (t) => {
  const zone = 'Asia/Ho_Chi_Minh'
  const facts: CalendarFacts = { holidays: new Map([['2026-04-30', '30/4'], ['2026-05-01', '1/5']]), announced: new Map([['2026-04-25', { kind: 'working_day', name: 'Làm bù' }]]) }
  const day = (iso: string) => DateTime.fromISO(iso, { zone })
  t.equal(noticeDays(day('2026-04-27'), day('2026-05-05'), 'working', facts), 3, 'Tue 28, Wed 29, Mon 4')
  t.equal(noticeDays(day('2026-04-24'), day('2026-04-27'), 'working', facts), 1, 'a make-up Saturday counts')
  t.equal(noticeDays(day('2026-04-27'), day('2026-05-05'), 'calendar', facts), 8)
  t.throws(() => parseOfficeHours('8-12'), /not a range/)
  t.throws(() => parseOfficeHours('12:00-08:00'), /start before it ends/)
  const warnings = scheduleWarnings({
    startsAt: new Date('2026-05-04T01:00:00Z'),
    endsAt: new Date('2026-05-04T03:00:00Z'),
    zone,
    now: new Date('2026-05-03T00:00:00Z'),
    rules: [],
    facts,
    officeHours: parseOfficeHours('07:30-11:30,13:30-17:00')
  })
  t.same(warnings, [], 'no rule in force: no notice warning; 08:00 is within 07:30–17:00')
})
