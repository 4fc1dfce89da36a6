import t, { type Test } from 'tap'
import ICAL from 'ical.js'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'

// Issue "What clients read must be right", feed defects 6 and 8–12, over real HTTP.

async function serve (t: Test) {
  const built = await build(t)
  const base = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers })
  const h = await seedHierarchy(built.app)
  return { ...built, base, get, h }
}

function vevents (text: string) {
  return new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent')
}

function eventOf (text: string, hearingId: string) {
  const vevent = vevents(text).find((v) => String(v.getFirstPropertyValue('uid')).startsWith(hearingId))
  if (!vevent) throw new Error(`no event for ${hearingId}`)
  return vevent
}

const invite = async (app: Parameters<typeof call>[0], hearingId: string, personId: string, role: string) => {
  const response = await call(app, { method: 'POST', url: `/v1/hearings/${hearingId}/participants`, headers: admin, payload: { personId, role } })
  if (response.status !== 201) throw new Error(JSON.stringify(response.body))
  return response.body as { id: string, invitationToken: string }
}

const person = async (app: Parameters<typeof call>[0], councilId: string, fullName: string, extra: Record<string, unknown> = {}) => {
  const response = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: councilId, ...extra } })
  if (response.status !== 201) throw new Error(JSON.stringify(response.body))
  return response.body as { id: string }
}

const feedLink = async (app: Parameters<typeof call>[0], personId: string) =>
  new URL((await call(app, { method: 'POST', url: `/v1/people/${personId}/feed-link`, headers: admin })).body.url as string).pathname

t.test('Last-Modified never goes back, moves with every change of what the feed shows, and If-Modified-Since never hides a change (defect 6)', async (t) => {
  const { app, clock, get, h } = await serve(t)
  const first = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  clock.advance(3_600_000)
  const second = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-16') })
  const path = `/feeds/councils/${h.wardA.id}.ics`
  const before = await get(path)
  const lastModified = before.headers.get('last-modified')!
  t.equal(new Date(lastModified).getTime(), Math.floor(clock.current.getTime() / 1000) * 1000, 'the newest change')
  const stampBefore = String(eventOf(await before.text(), first.id).getFirstPropertyValue('dtstamp'))

  // The newer hearing leaves the public feed (made restricted): the feed changed now, not earlier.
  clock.advance(3_600_000)
  const tag = (await call(app, { url: `/v1/hearings/${second.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'PATCH', url: `/v1/hearings/${second.id}`, headers: { ...admin, 'if-match': tag }, payload: { visibility: 'restricted' } })).status, 200)
  const left = await get(path, { 'if-modified-since': lastModified })
  t.equal(left.status, 200, 'If-Modified-Since with the old date gets the changed feed, not a 304')
  t.equal(new Date(left.headers.get('last-modified')!).getTime(), Math.floor(clock.current.getTime() / 1000) * 1000, 'Last-Modified moved forward to the change')
  t.equal(vevents(await left.text()).length, 1)

  // The council is renamed: every event's text changes, and so do DTSTAMP and Last-Modified.
  clock.advance(3_600_000)
  const renamedAt = clock.current.getTime()
  const lm2 = left.headers.get('last-modified')!
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}`, headers: admin, payload: { name: 'Phường Cát Linh mới' } })).status, 200)
  const renamed = await get(path, { 'if-modified-since': lm2 })
  t.equal(renamed.status, 200, 'a rename is a change')
  t.equal(new Date(renamed.headers.get('last-modified')!).getTime(), Math.floor(renamedAt / 1000) * 1000)
  const event = eventOf(await renamed.text(), first.id)
  t.not(String(event.getFirstPropertyValue('dtstamp')), stampBefore, 'DTSTAMP changed with the event\'s text')
  t.equal((event.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().getTime(), Math.floor(renamedAt / 1000) * 1000)
  t.equal((event.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().getTime(), Math.floor(renamedAt / 1000) * 1000, 'LAST-MODIFIED too')
  t.equal((await get(path, { 'if-modified-since': renamed.headers.get('last-modified')! })).status, 304, 'nothing changed since: 304')

  // A person edit changes the personal feed's events (their name is in them).
  const official = await person(app, h.wardA.id, 'Đỗ Văn Hùng', { email: 'hung@catlinh.example' })
  await invite(app, first.id, official.id, 'explainer')
  const own = await feedLink(app, official.id)
  const mine = await get(own)
  const mineStamp = String(eventOf(await mine.text(), first.id).getFirstPropertyValue('dtstamp'))
  clock.advance(3_600_000)
  t.equal((await call(app, { method: 'PATCH', url: `/v1/people/${official.id}`, headers: admin, payload: { fullName: 'Đỗ Văn Hùng (sửa)' } })).status, 200)
  const edited = await get(own, { 'if-modified-since': mine.headers.get('last-modified')! })
  t.equal(edited.status, 200)
  t.not(String(eventOf(await edited.text(), first.id).getFirstPropertyValue('dtstamp')), mineStamp, 'DTSTAMP moved with the person\'s name')

  // Uninvited: the hearing leaves their feed, and Last-Modified says so.
  clock.advance(3_600_000)
  const removedAt = clock.current.getTime()
  const participants = (await call(app, { url: `/v1/hearings/${first.id}`, headers: admin })).body.participants as Array<{ id: string }>
  t.equal((await call(app, { method: 'DELETE', url: `/v1/hearings/${first.id}/participants/${participants[0]!.id}`, headers: admin })).status, 204)
  const gone = await get(own, { 'if-modified-since': edited.headers.get('last-modified')! })
  t.equal(gone.status, 200, 'If-Modified-Since gets the feed without the hearing')
  t.equal(vevents(await gone.text()).length, 0)
  t.equal(new Date(gone.headers.get('last-modified')!).getTime(), Math.floor(removedAt / 1000) * 1000)
})

t.test('a hearing that leaves the window at midnight moves Last-Modified to that midnight', async (t) => {
  const { app, clock, get, h } = await serve(t)
  // Six months back from the test clock (2026-11-27 09:00 in Hà Nội) is 2026-05-27; one hearing a day before it.
  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-05-28') })
  const path = `/feeds/councils/${h.wardA.id}.ics`
  const before = await get(path)
  t.equal(vevents(await before.text()).length, 1)
  clock.current = new Date('2026-11-28T17:30:00Z') // 2026-11-29 00:30 in Hà Nội: the window starts 2026-05-29
  const after = await get(path, { 'if-modified-since': before.headers.get('last-modified')! })
  t.equal(after.status, 200)
  t.equal(vevents(await after.text()).length, 0)
  t.equal(after.headers.get('last-modified'), new Date('2026-11-28T17:00:00Z').toUTCString(), 'the midnight in Hà Nội when it left')
})

t.test('personal feeds: no other invitee\'s address, delegation in full, CLASS, CREATED, the council\'s hearings for its members (defects 8, 9, 11, 12)', async (t) => {
  const { app, get, h } = await serve(t)
  const viewer = await person(app, h.wardA.id, 'Nguyễn Thị Lan', { email: 'lan@catlinh.example', kind: 'delegate' })
  const colleague = await person(app, h.wardA.id, 'Trần Văn Bình', { email: 'binh@catlinh.example' })
  const noEmail = await person(app, h.wardA.id, 'Lê Văn Cường')
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên về trật tự đô thị', ...slotAt('2026-12-15') })
  const restricted = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', visibility: 'restricted', title: 'Phiên kín', ...slotAt('2026-12-16') })
  await invite(app, hearing.id, viewer.id, 'attendee')
  await invite(app, restricted.id, viewer.id, 'guest')
  const delegating = await invite(app, hearing.id, colleague.id, 'explainer')
  const declining = await invite(app, hearing.id, noEmail.id, 'explainer')
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${delegating.invitationToken}/response`, payload: { response: 'delegated', substituteName: 'Phạm "Thu" Hà', substitutePosition: 'Phó Chủ tịch UBND' } })).status, 200)
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${declining.invitationToken}/response`, payload: { response: 'declined' } })).status, 200)

  // A council hearing the viewer is not invited to, and a draft: the first joins their feed once they are a member.
  const councilOnly = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên của HĐND', ...slotAt('2026-12-17') })
  const draft = await createHearing(app, { councilId: h.wardA.id, title: 'Phiên dự kiến', ...slotAt('2026-12-18') })
  const otherCouncil = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', title: 'Phiên phường khác', ...slotAt('2026-12-17') })
  const own = await feedLink(app, viewer.id)
  const notMember = await (await get(own)).text()
  t.notOk(vevents(notMember).some((v) => String(v.getFirstPropertyValue('uid')).startsWith(councilOnly.id)), 'not a member yet: only invitations')
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId: viewer.id, role: 'delegate', startsOn: '2026-07-01' } })).status, 201)

  const response = await get(own)
  const text = await response.text()
  const uids = vevents(text).map((v) => String(v.getFirstPropertyValue('uid')).split('@')[0])
  t.same(uids.sort(), [hearing.id, restricted.id, councilOnly.id].sort(), 'invited hearings and the council\'s own, no draft, no other council')
  t.notOk(uids.includes(draft.id) || uids.includes(otherCouncil.id))
  const member = eventOf(text, councilOnly.id)
  t.match(String(member.getFirstPropertyValue('description')), /Vai trò của bạn: Đại biểu HĐND phường Cát Linh \(phiên của HĐND mà bạn là thành viên\)/, 'marked as their council\'s')

  const event = eventOf(text, hearing.id)
  const attendees = event.getAllProperties('attendee').map((p) => ({
    cn: String(p.getParameter('cn')),
    value: String(p.getFirstValue()),
    partstat: String(p.getParameter('partstat')),
    delegatedTo: p.getParameter('delegated-to'),
    delegatedFrom: p.getParameter('delegated-from')
  }))
  t.equal(attendees.find((a) => a.cn === 'Nguyễn Thị Lan')!.value.toLowerCase(), 'mailto:lan@catlinh.example', 'the viewer\'s own address')
  t.notMatch(text, /binh@|giaitrinh\.invalid/i, 'no other invitee\'s address, none invented')
  const delegator = attendees.find((a) => a.cn === 'Trần Văn Bình')!
  const substitute = attendees.find((a) => a.cn === 'Phạm “Thu” Hà – Phó Chủ tịch UBND')!
  t.ok(substitute, 'the substitute is an attendee')
  t.equal(delegator.partstat, 'DELEGATED')
  t.equal(String(delegator.delegatedTo), substitute.value, 'DELEGATED-TO names the substitute')
  t.equal(String(substitute.delegatedFrom), delegator.value, 'DELEGATED-FROM names who sent them')
  t.equal(attendees.find((a) => a.cn === 'Lê Văn Cường')!.partstat, 'DECLINED')

  t.equal(String(eventOf(text, restricted.id).getFirstPropertyValue('class')), 'CONFIDENTIAL', 'a restricted hearing is CONFIDENTIAL')
  t.equal(String(event.getFirstPropertyValue('class')), 'PUBLIC')
  t.ok(event.getFirstPropertyValue('created'), 'CREATED')
  t.ok(event.getFirstPropertyValue('last-modified'), 'LAST-MODIFIED')
  const calendar = new ICAL.Component(ICAL.parse(text))
  t.equal(calendar.getFirstPropertyValue('x-wr-timezone'), 'Asia/Ho_Chi_Minh')
  t.match(String(calendar.getFirstPropertyValue('x-wr-caldesc')), /Nguyễn Thị Lan được mời.*riêng/, 'a calendar description')

  // The public feed: whoever declined is not listed as explaining; the substitute is, in their place.
  const publicText = await (await get(`/feeds/councils/${h.wardA.id}.ics`)).text()
  const publicEvent = eventOf(publicText, hearing.id)
  const description = String(publicEvent.getFirstPropertyValue('description'))
  t.match(description, /Người giải trình: Phạm "Thu" Hà – Phó Chủ tịch UBND \(dự thay Trần Văn Bình\)/)
  t.notMatch(description, /Lê Văn Cường/, 'who declined is not listed as explaining')
  t.notOk(publicEvent.getFirstProperty('class'), 'no CLASS in the public feed: everything there is public')
  t.equal(publicEvent.getAllProperties('attendee').length, 0, 'and no attendees')
})

t.test('reasons for cancelling and postponing, and a held hearing\'s outcome, are in the feed, in both languages (defect 10)', async (t) => {
  const { app, clock, get, h } = await serve(t)
  const cancelled = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const postponed = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-16') })
  const held = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-11-26') })
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${cancelled.id}/cancel`, headers: admin, payload: { reason: 'Trùng kỳ họp HĐND; sẽ bố trí lại' } })).status, 200)
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${postponed.id}/postpone`, headers: admin, payload: { reason: 'Người giải trình đi công tác' } })).status, 200)
  clock.advance(1000)
  t.equal((await call(app, {
    method: 'POST',
    url: `/v1/hearings/${held.id}/outcome`,
    headers: admin,
    payload: { summary: 'Đã giải trình về vỉa hè, lòng đường', delegatesPresent: 27, conclusionText: 'Yêu cầu UBND phường hoàn thành trước quý II', conclusionIssuedOn: '2026-11-27' }
  })).status, 200)
  const vi = await (await get(`/feeds/councils/${h.wardA.id}.ics`)).text()
  t.match(String(eventOf(vi, cancelled.id).getFirstPropertyValue('description')), /Lý do hủy: Trùng kỳ họp HĐND; sẽ bố trí lại/)
  t.match(String(eventOf(vi, postponed.id).getFirstPropertyValue('description')), /Lý do hoãn: Người giải trình đi công tác/)
  const outcome = String(eventOf(vi, held.id).getFirstPropertyValue('description'))
  t.match(outcome, /Kết quả: Đã giải trình về vỉa hè, lòng đường/)
  t.match(outcome, /Số đại biểu dự: 27/)
  t.match(outcome, /Thông báo kết luận \(ban hành ngày 27\/11\/2026\): Yêu cầu UBND phường hoàn thành trước quý II/)
  const en = await (await get(`/feeds/councils/${h.wardA.id}.ics?lang=en`)).text()
  t.match(String(eventOf(en, cancelled.id).getFirstPropertyValue('description')), /Reason for cancellation: Trùng kỳ họp/)
  t.match(String(eventOf(en, postponed.id).getFirstPropertyValue('description')), /Reason for postponement: /)
  t.match(String(eventOf(en, held.id).getFirstPropertyValue('description')), /Outcome: Đã giải trình/)
})
