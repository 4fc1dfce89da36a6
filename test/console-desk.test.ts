import t from 'tap'
import { sql } from 'drizzle-orm'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { smtpSink } from './mail-helper.js'
import { getPage, postForm, signedInAs } from './pages-helper.js'

// Issue "Staff accounts and the office's desk", part 4 as far as built: people found without
// diacritics, an invitation withdrawn from the console, the e-mails sent about a hearing (and a
// resend), and a year list that shows what is ahead.

t.test('people are found without diacritics: "le thi mai" finds "Lê Thị Mai" in the console and the API; names kept before are found too', async (t) => {
  const { app, database } = await build(t)
  const h = await seedHierarchy(app)
  const mai = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Lê Thị Mai', kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
  await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Đặng Văn Đức', kind: 'official', ownerCouncilId: h.wardA.id } })
  const found = await call(app, { url: `/v1/people?q=${encodeURIComponent('le thi mai')}`, headers: admin })
  t.same(found.body.items.map((p: { id: string }) => p.id), [mai.id], 'the API')
  t.equal((await call(app, { url: `/v1/people?q=${encodeURIComponent('dang van duc')}`, headers: admin })).body.items.length, 1, '"đ" as "d"')
  t.equal((await call(app, { url: `/v1/people?q=${encodeURIComponent('Lê Thị')}`, headers: admin })).body.items.length, 1, 'with diacritics as before')
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const page = await getPage(app, `/console/hearings/${hearing.id}?q=${encodeURIComponent('le thi mai')}`, staff)
  t.match(page.response.body, /data-testid="found"[\s\S]*Lê Thị Mai/, 'the console\'s search')
  // A name stored before the column existed: the migration's backfill folds it in SQL the same way.
  await database.db.execute(sql`update people set search_name = null`)
  await database.db.execute(sql.raw(await (await import('node:fs/promises')).readFile(new URL('../drizzle/0017_people_search_name_backfill.sql', import.meta.url), 'utf8')))
  t.same((await call(app, { url: `/v1/people?q=${encodeURIComponent('dang van duc')}`, headers: admin })).body.items.map((p: { fullName: string }) => p.fullName), ['Đặng Văn Đức'], 'the backfill folds as the service does')
})

t.test('the console withdraws an invitation, lists the e-mails sent about the hearing with their state, and sends one again', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Phan Văn Tài', kind: 'official', email: 'tai@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const invited = (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'guest' } })).body as { participant: { id: string } }
  await sink.received(1)
  await app.notifier!.idle()
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const page = await getPage(app, `/console/hearings/${hearing.id}`, staff)
  t.match(page.response.body, /data-testid="notices"[\s\S]*Thư mời[\s\S]*Phan Văn Tài &lt;tai@catlinh\.example&gt;[\s\S]*đã gửi/, 'the invitation, to whom, sent')
  const notice = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items.find((n: { kind: string }) => n.kind === 'invitation') as { id: string }
  const resent = await postForm(app, `/console/hearings/${hearing.id}/notifications/${notice.id}/resend`, staff, {})
  t.equal(resent.statusCode, 303, 'sent again')
  await app.notifier!.idle()
  await sink.received(2)
  const withdrawn = await postForm(app, `/console/hearings/${hearing.id}/participants/${invited.participant.id}/withdraw`, staff, {})
  t.equal(withdrawn.statusCode, 303, 'withdrawn from the console')
  t.equal((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.participants.length, 0, 'the invitation is gone')
  await app.notifier!.idle()
  await sink.received(3)
  t.match(sink.mails[2]!.subject, /Rút|rút/, 'and the person is told')
  const after = await getPage(app, `/console/hearings/${hearing.id}`, staff)
  t.match(after.response.body, /Rút lời mời[\s\S]*đã gửi/, 'the withdrawal listed too')
  const other = await signedInAs(app, 'secretariat', h.wardB.id)
  const refused = await postForm(app, `/console/hearings/${hearing.id}/notifications/${notice.id}/resend`, other, {})
  t.equal(refused.statusCode, 403, 'another ward cannot resend it')
  t.match(refused.body, /không có quyền/)
})

t.test('the console\'s year list: in December, the coming January\'s hearings are listed; the years with hearings are offered', async (t) => {
  const { app, clock } = await build(t)
  const h = await seedHierarchy(app)
  clock.current = new Date('2026-12-20T02:00:00Z')
  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên tháng Giêng', ...slotAt('2027-01-12') })
  await createHearing(app, { councilId: h.wardA.id, status: 'held', title: 'Phiên năm 2019', ...slotAt('2019-05-14'), outcome: { summary: 'Đã giải trình.' } })
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const page = await getPage(app, '/console/councils/dong-da-cat-linh', staff)
  t.match(page.response.body, /Năm 2026 và sắp tới/)
  t.match(page.response.body, /Phiên tháng Giêng/, 'January 2027 is listed in December 2026')
  t.match(page.response.body, /<option value="2019">2019<\/option>/, '2019 is offered: it has a hearing')
  t.match(page.response.body, /<option value="2027">/)
  const only2019 = await getPage(app, '/console/councils/dong-da-cat-linh?year=2019', staff)
  t.match(only2019.response.body, /Phiên năm 2019/)
  t.notMatch(only2019.response.body, /Phiên tháng Giêng/)
})

t.test('the warnings step says what the confirmation would refuse (the council\'s time taken, a council not in office), with nothing to confirm', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên đã xếp', ...slotAt('2026-12-15') })
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const { session } = await getPage(app, '/console/councils/dong-da-cat-linh', staff)
  const busy = await postForm(app, '/console/councils/dong-da-cat-linh/hearings', session, { title: 'Phiên mới', visibility: 'public', startsAt: '2026-12-15T09:00', endsAt: '2026-12-15T11:00', intent: 'check' })
  t.equal(busy.statusCode, 409)
  t.match(busy.body, /data-testid="refusals"[\s\S]*Phiên đã xếp/, 'the overlap is said at the warnings step, naming the hearing in the way')
  t.notMatch(busy.body, /name="intent" value="confirm"[\s\S]*<button type="submit">/, 'and there is nothing to confirm')
  const ended = await call(app, { method: 'POST', url: '/v1/councils', headers: admin, payload: { code: 'phuong-cu', name: 'Phường Cũ', level: 'ward', parentId: h.district.id, activeFrom: '2016-07-01', activeTo: '2021-06-30' } })
  t.equal(ended.status, 201)
  const admins = await signedInAs(app, 'admin')
  const { session: adminSession } = await getPage(app, '/console/councils/phuong-cu', admins)
  const inactive = await postForm(app, '/console/councils/phuong-cu/hearings', adminSession, { title: 'Phiên mới', visibility: 'public', startsAt: '2026-12-16T09:00', endsAt: '2026-12-16T11:00', intent: 'check' })
  t.equal(inactive.statusCode, 409)
  t.match(inactive.body, /data-testid="refusals"/, 'a council not in office that day is refused at the warnings step')
  const fine = await postForm(app, '/console/councils/dong-da-cat-linh/hearings', session, { title: 'Phiên khác', visibility: 'public', startsAt: '2026-12-17T09:00', endsAt: '2026-12-17T11:00', intent: 'check' })
  t.equal(fine.statusCode, 200)
  t.notMatch(fine.body, /data-testid="refusals"/)
  t.match(fine.body, /data-testid="confirm-form"[\s\S]*<button type="submit">/, 'a time that is free can be confirmed')
})

t.test('an invitation\'s role changes, in the API and the console: an explainer\'s calendar is checked; the link and the answer stay; audited', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Vũ Thị Hằng', kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const first = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const second = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const invited = (await call(app, { method: 'POST', url: `/v1/hearings/${first.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })).body as { participant: { id: string }, invitationToken: string }
  await call(app, { method: 'POST', url: `/v1/invitations/${invited.invitationToken}/response`, payload: { response: 'accepted' } })
  await call(app, { method: 'POST', url: `/v1/hearings/${second.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  const busy = await call(app, { method: 'PATCH', url: `/v1/hearings/${first.id}/participants/${invited.participant.id}`, headers: admin, payload: { role: 'explainer' } })
  t.equal(busy.status, 409, 'an explainer elsewhere at that time cannot explain here too')
  const guest = await call(app, { method: 'PATCH', url: `/v1/hearings/${first.id}/participants/${invited.participant.id}`, headers: admin, payload: { role: 'guest' } })
  t.match(guest, { status: 200, body: { role: 'guest', response: 'accepted' } }, 'a guest now, the answer kept')
  t.equal((await call(app, { url: `/v1/invitations/${invited.invitationToken}` })).status, 200, 'the link kept')
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const changed = await postForm(app, `/console/hearings/${first.id}/participants/${invited.participant.id}/role`, staff, { role: 'attendee' })
  t.equal(changed.statusCode, 303)
  t.equal((await call(app, { url: `/v1/hearings/${first.id}`, headers: admin })).body.participants[0].role, 'attendee', 'changed from the console')
  const audit = await call(app, { url: `/v1/audit?entity=participant&entityId=${invited.participant.id}`, headers: admin })
  t.same(audit.body.items.filter((e: { action: string }) => e.action === 'change_role').length, 2, 'audited')
  t.match(await call(app, { method: 'PATCH', url: `/v1/hearings/${first.id}/participants/${invited.participant.id}`, headers: admin, payload: { role: 'chair' } }), { status: 400 }, 'an unknown role is refused')
})

t.test('a person\'s details are edited from the console by their council\'s secretariat, with the API\'s rules; another ward cannot', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Ngô Văn Sửa', kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const form = await getPage(app, `/console/people/${person.id}?back=${encodeURIComponent('/console/hearings/x')}`, staff)
  t.equal(form.response.statusCode, 200)
  t.match(form.response.body, /value="Ngô Văn Sửa"/)
  const saved = await postForm(app, `/console/people/${person.id}`, staff, { fullName: 'Ngô Văn Sửa', position: 'Trưởng Công an phường', organization: '', email: 'sua@catlinh.example', phone: '0912 345 678', locale: 'vi', reminders: 'on', back: '/console/hearings/x' })
  t.equal(saved.statusCode, 303)
  t.match((await call(app, { url: `/v1/people/${person.id}`, headers: admin })).body, { position: 'Trưởng Công an phường', email: 'sua@catlinh.example', phone: '0912 345 678', reminders: true, organization: null })
  const bad = await postForm(app, `/console/people/${person.id}`, staff, { fullName: 'Ngô Văn Sửa', email: 'sua@catlinh.example\r\nBcc: x@evil.example', locale: 'vi' })
  t.equal(bad.statusCode, 400, 'a broken address is refused')
  const other = await signedInAs(app, 'secretariat', h.wardB.id)
  t.equal((await getPage(app, `/console/people/${person.id}`, other)).response.statusCode, 404, 'another ward does not see them')
})

t.test('a council\'s members from the console: listed with their roles, one added (found without diacritics), one ended', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Đỗ Thị Thành', kind: 'delegate', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const council = await getPage(app, '/console/councils/dong-da-cat-linh', staff)
  t.match(council.response.body, /data-testid="members-link"/, 'the council\'s console links its members')
  const search = await getPage(app, `/console/councils/dong-da-cat-linh/members?q=${encodeURIComponent('do thi thanh')}`, staff)
  t.match(search.response.body, /data-testid="found"[\s\S]*Đỗ Thị Thành/)
  const added = await postForm(app, '/console/councils/dong-da-cat-linh/members', staff, { personId: person.id, role: 'standing_member', startsOn: '2026-07-01' })
  t.equal(added.statusCode, 303)
  const members = (await call(app, { url: `/v1/councils/${h.wardA.id}/members`, headers: admin })).body.items as Array<{ id: string, role: string, startsOn: string, endsOn: string | null }>
  t.match(members, [{ role: 'standing_member', startsOn: '2026-07-01', endsOn: null }])
  const page = await getPage(app, '/console/councils/dong-da-cat-linh/members', staff)
  t.match(page.response.body, /Đỗ Thị Thành[\s\S]*Ủy viên Thường trực/)
  const ended = await postForm(app, `/console/councils/dong-da-cat-linh/members/${members[0]!.id}/end`, staff, { endsOn: '2026-11-30' })
  t.equal(ended.statusCode, 303)
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.id}/members`, headers: admin })).body.items[0].endsOn, '2026-11-30', 'ended, not deleted')
  const supervisor = await signedInAs(app, 'supervisor', h.district.id)
  const read = await getPage(app, '/console/councils/dong-da-cat-linh/members', supervisor)
  t.equal(read.response.statusCode, 200, 'a supervisor reads them')
  t.notMatch(read.response.body, /data-testid="end-member"|Thêm thành viên<\/h2>/, 'without the forms')
  t.equal((await postForm(app, '/console/councils/dong-da-cat-linh/members', supervisor, { personId: person.id, role: 'delegate', startsOn: '2026-07-01' })).statusCode, 403, 'and cannot add')
})

t.test('the forms say when saving will e-mail people, and a tentative time is kept as a draft that sends nothing', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const page = await getPage(app, '/console/councils/dong-da-cat-linh', staff)
  t.match(page.response.body, /data-testid="mail-hint"[^<]*thư mời được gửi/, 'the create form says a time sends the invitations')
  const check = await postForm(app, '/console/councils/dong-da-cat-linh/hearings', staff, { title: 'Phiên có giờ', visibility: 'public', startsAt: '2026-12-18T09:00', endsAt: '2026-12-18T11:00', intent: 'check' })
  t.match(check.body, /data-testid="mail-hint"/, 'so does the confirmation')
  const tentative = await postForm(app, '/console/councils/dong-da-cat-linh/hearings', staff, { title: 'Phiên dự kiến', visibility: 'public', startsAt: '2026-12-22T09:00', endsAt: '2026-12-22T11:00', tentative: 'on' })
  t.equal(tentative.statusCode, 303, 'a tentative time needs no confirmation')
  const created = (await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: admin })).body.items.find((x: { title: string }) => x.title === 'Phiên dự kiến')
  t.match(created, { status: 'draft', startsAt: '2026-12-22T09:00:00.000+07:00' }, 'a draft with its tentative time')
  t.equal((await call(app, { url: `/v1/hearings/${created.id}/notifications`, headers: admin })).body.items.length, 0, 'nothing is sent')
})
