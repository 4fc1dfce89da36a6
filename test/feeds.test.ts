import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { parseFeed } from './feeds-helper.js'

async function fetchFeed (app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'GET', url, headers })
  return { status: response.statusCode, headers: response.headers, body: response.body, feed: response.statusCode === 200 ? parseFeed(response.body) : undefined }
}

async function etagOf (app: FastifyInstance, id: string) {
  return (await app.inject({ method: 'GET', url: `/v1/hearings/${id}`, headers: admin })).headers.etag as string
}

t.test('a council feed: correct events, field by field; no contact data; restricted hearings never shown', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const explainer = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Ngô Quang Huy', kind: 'official', position: 'Chủ tịch UBND phường', organization: 'UBND phường Cát Linh', email: 'huy@catlinh.example', phone: '+84 912 000 111', ownerCouncilId: h.wardA.id } })
  const hearing = await createHearing(app, {
    councilId: h.wardA.id,
    status: 'scheduled',
    title: 'Phiên giải trình về trật tự đô thị – lòng đường, hè phố',
    description: 'Nội dung: ổn định; "hè phố", lòng đường\\ và các vấn đề khác.\nDòng hai.',
    location: 'Hội trường UBND phường, số 1',
    ...slotAt('2026-12-15', 8)
  })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: explainer.body.id, role: 'explainer' } })
  const hidden = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', visibility: 'restricted', title: 'Phiên kín', ...slotAt('2026-12-16', 8) })
  await createHearing(app, { councilId: h.wardA.id, title: 'Dự thảo', ...slotAt('2026-12-17', 8) })

  const response = await fetchFeed(app, `/feeds/councils/${h.wardA.id}.ics`)
  t.equal(response.status, 200)
  t.equal(response.headers['content-type'], 'text/calendar; charset=utf-8')
  t.match(response.headers['content-disposition'], /^inline; filename=/)
  t.match(response.feed, { name: 'Phiên giải trình – HĐND phường Cát Linh', refresh: 'PT1H', ttl: 'PT1H' })
  t.equal(response.feed!.events.length, 1, 'the draft and the restricted hearing are not in a public feed')
  const event = response.feed!.events[0]!
  t.equal(event.uid, `${hearing.id}@giaitrinh`)
  t.equal(event.sequence, 0, 'created as scheduled; an invitation is not a calendar change')
  t.equal(event.status, 'CONFIRMED')
  t.equal(event.summary, 'Phiên giải trình về trật tự đô thị – lòng đường, hè phố')
  t.equal(event.location, 'Hội trường UBND phường, số 1')
  t.equal(event.start, '2026-12-15T01:00:00.000Z', '08:00 in Hà Nội')
  t.equal(event.end, '2026-12-15T03:00:00.000Z')
  t.match(event.dtstamp, /Z$/, 'DTSTAMP in UTC')
  t.equal(event.url, `https://giaitrinh.test/hearings/${hearing.id}`)
  t.same(event.organizer, { cn: 'HĐND phường Cát Linh', value: 'mailto:noreply@giaitrinh.test' })
  t.match(event.description, 'Nội dung: ổn định; "hè phố", lòng đường\\ và các vấn đề khác.\nDòng hai.', 'text with ; , \\ " and newlines survives')
  t.match(event.description, 'Người giải trình: Ngô Quang Huy – Chủ tịch UBND phường – UBND phường Cát Linh')
  t.match(event.description, `Chi tiết: https://giaitrinh.test/hearings/${hearing.id}`)
  t.same(event.attendees, [], 'no ATTENDEE lines in a public feed')
  t.notMatch(response.body, /huy@catlinh|912 000 111/, 'no e-mail address or phone number')
  t.notMatch(response.body, new RegExp(hidden.id), 'the restricted hearing is nowhere')
  t.ok(response.body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75), 'lines folded at 75 octets')

  t.equal(response.headers['x-content-type-options'], 'nosniff')
  const api = await app.inject({ method: 'GET', url: '/v1/councils' })
  t.equal(api.headers['x-content-type-options'], 'nosniff', 'the API keeps helmet\'s headers')
  t.match(api.headers['content-security-policy'], /default-src 'self'/)

  // The feed is assembled from events built one by one: it must be what one full ical-generator build gives.
  const { feedEvents, feedStamps } = await import('../src/db/queries/feeds.js')
  const { renderFullCalendar } = await import('../src/feeds/ical.js')
  const scope = { kind: 'council' as const, councilIds: [h.wardA.id] }
  const window = { from: new Date('2026-05-26T17:00:00Z'), to: null, retainSince: new Date('2026-10-27T17:00:00Z') }
  const all = await feedEvents((app as unknown as { db: never }).db, (await feedStamps((app as unknown as { db: never }).db, scope, window)).map((s) => s.id), false)
  const full = renderFullCalendar({ kind: 'council', name: 'Phường Cát Linh', zone: 'Asia/Ho_Chi_Minh' }, [...all.values()], { lang: 'vi', baseUrl: 'https://giaitrinh.test', organizerEmail: 'noreply@giaitrinh.test', ttlSeconds: 3600 })
  t.equal(response.body, full, 'byte for byte the same as building every event of the window at once')

  const english = await fetchFeed(app, `/feeds/councils/${h.wardA.id}.ics?lang=en`)
  t.match(english.feed!.events[0]!.description, /^Organised by: People's Council of Phường Cát Linh/)
  const district = await fetchFeed(app, `/feeds/councils/${h.district.id}.ics`)
  t.equal(district.feed!.events.length, 0)
  const withWards = await fetchFeed(app, `/feeds/councils/${h.district.id}.ics?descendants=true`)
  t.equal(withWards.feed!.events.length, 1, 'descendants=true adds the wards\' public hearings')
  t.equal((await fetchFeed(app, '/feeds/councils/00000000-0000-4000-8000-000000000000.ics')).status, 404)
})

t.test('reschedule keeps the UID with SEQUENCE + 1; cancel keeps the event as CANCELLED with a visible prefix; postpone shows it tentative', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const url = `/feeds/councils/${h.wardA.id}.ics`
  const moved = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Dời lịch', ...slotAt('2026-12-15', 8) })
  const cancelled = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Sẽ hủy', ...slotAt('2026-12-16', 8) })
  const postponed = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Sẽ hoãn', ...slotAt('2026-12-17', 8) })
  const before = (await fetchFeed(app, url)).feed!.events
  const first = before.find((e) => e.uid.startsWith(moved.id))!

  await call(app, { method: 'PATCH', url: `/v1/hearings/${moved.id}`, headers: { ...admin, 'if-match': await etagOf(app, moved.id) }, payload: { ...slotAt('2026-12-18', 14), reason: 'Đổi lịch' } })
  await call(app, { method: 'POST', url: `/v1/hearings/${cancelled.id}/cancel`, headers: admin, payload: { reason: 'Hủy' } })
  await call(app, { method: 'POST', url: `/v1/hearings/${postponed.id}/postpone`, headers: admin, payload: { reason: 'Hoãn' } })
  const after = (await fetchFeed(app, url)).feed!.events
  const rescheduled = after.find((e) => e.uid === first.uid)!
  t.equal(rescheduled.sequence, first.sequence + 1, 'SEQUENCE + 1')
  t.equal(rescheduled.start, '2026-12-18T07:00:00.000Z', 'new times')
  const gone = after.find((e) => e.uid.startsWith(cancelled.id))!
  t.equal(gone.status, 'CANCELLED')
  t.equal(gone.summary, 'ĐÃ HỦY: Sẽ hủy')
  t.equal(gone.start, '2026-12-16T01:00:00.000Z', 'a cancelled event stays where it was')
  const english = (await fetchFeed(app, `${url}?lang=en`)).feed!.events.find((e) => e.uid.startsWith(cancelled.id))!
  t.equal(english.summary, 'CANCELLED: Sẽ hủy')
  const waiting = after.find((e) => e.uid.startsWith(postponed.id))!
  t.equal(waiting.status, 'TENTATIVE')
  t.equal(waiting.summary, 'HOÃN: Sẽ hoãn')
  t.equal(waiting.start, '2026-12-17T01:00:00.000Z', 'a postponed event stays at its former time')
  t.equal(after.length, 3)
})

t.test('cancelled events leave the feed after the retention period; the window is bounded and settable', async (t) => {
  const { app, clock } = await build(t, { config: { FEED_RETENTION_DAYS: '30' } })
  const h = await seedHierarchy(app)
  const url = `/feeds/councils/${h.wardA.id}.ics`
  const cancelled = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2027-03-16', 8) })
  await call(app, { method: 'POST', url: `/v1/hearings/${cancelled.id}/cancel`, headers: admin, payload: { reason: 'Hủy' } })
  await createHearing(app, { councilId: h.wardA.id, status: 'held', outcome: { summary: 's' }, ...slotAt('2026-03-10', 8) })
  await createHearing(app, { councilId: h.wardA.id, status: 'held', outcome: { summary: 's' }, ...slotAt('2026-09-10', 8) })
  t.same((await fetchFeed(app, url)).feed!.events.map((e) => e.start.slice(0, 10)), ['2026-09-10', '2027-03-16'], 'default: 6 months back (from 2026-05-27), everything ahead')
  t.same((await fetchFeed(app, `${url}?from=2026-01-01&to=2026-12-31`)).feed!.events.map((e) => e.start.slice(0, 10)), ['2026-03-10', '2026-09-10'])
  t.equal((await fetchFeed(app, `${url}?from=2019-01-01`)).status, 400, 'at most 5 years back')
  t.equal((await fetchFeed(app, `${url}?to=2040-01-01`)).status, 400, 'at most 5 years ahead')
  t.equal((await fetchFeed(app, `${url}?from=2026-06-01&to=2026-05-01`)).status, 400)
  clock.advance(31 * 86_400_000)
  t.same((await fetchFeed(app, url)).feed!.events.map((e) => e.start.slice(0, 10)), ['2026-09-10'], 'the cancellation has been announced for 30 days: gone')
})

t.test('the same data gives byte-identical output and ETag; a change gives a new ETag on the very next request; 304 and HEAD', async (t) => {
  const { app } = await build(t, { config: { FEED_REVALIDATE_MS: '3600000' } })
  const h = await seedHierarchy(app)
  const url = `/feeds/councils/${h.wardA.id}.ics`
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) })
  const a = await fetchFeed(app, url)
  const b = await fetchFeed(app, url)
  t.equal(a.body, b.body)
  t.equal(a.headers.etag, b.headers.etag)
  t.match(a.headers.etag, /^"[A-Za-z0-9_-]{32}"$/, 'a strong ETag')
  const notModified = await app.inject({ method: 'GET', url, headers: { 'if-none-match': a.headers.etag as string } })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.body, '')
  t.equal(notModified.headers.etag, a.headers.etag)
  const since = await app.inject({ method: 'GET', url, headers: { 'if-modified-since': a.headers['last-modified'] as string } })
  t.equal(since.statusCode, 304, 'If-Modified-Since with the Last-Modified given')
  const older = await app.inject({ method: 'GET', url, headers: { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })
  t.equal(older.statusCode, 200)
  const head = await app.inject({ method: 'HEAD', url })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.equal(head.headers.etag, a.headers.etag)
  t.equal(head.headers['content-type'], 'text/calendar; charset=utf-8')

  await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': await etagOf(app, hearing.id) }, payload: { location: 'Phòng họp 2' } })
  const changed = await app.inject({ method: 'GET', url, headers: { 'if-none-match': a.headers.etag as string } })
  t.equal(changed.statusCode, 200, 'the very next request after a change: not a 304, even with a long revalidation bound')
  t.not(changed.headers.etag, a.headers.etag)
  t.match(parseFeed(changed.body).events[0], { location: 'Phòng họp 2', sequence: 1 })
  const renamed = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}`, headers: admin, payload: { name: 'Phường Cát Linh mới' } })
  t.equal(renamed.status, 200)
  const afterRename = await fetchFeed(app, url)
  t.match(afterRename.feed!.events[0]!.organizer.cn, 'HĐND phường Cát Linh mới', 'a council\'s new name reaches its events')
})
