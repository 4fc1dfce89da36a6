import t from 'tap'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ICAL from 'ical.js'
import { simpleParser, type ParsedMail } from 'mailparser'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { settle, smtpSink } from './mail-helper.js'

// Issue "Reminders and notices reach people", the part built so far: invitations, changes,
// postponements, cancellations and withdrawn invitations by e-mail through the outbox, to a real
// SMTP server (smtp-server), parsed as a mail client would (mailparser, ical.js).

function calendarOf (mail: ParsedMail) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))
  if (!part) throw new Error(`no calendar part in "${mail.subject}"`)
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')))
  const vevent = calendar.getFirstSubcomponent('vevent')!
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(vevent.getFirstPropertyValue('uid')),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    status: String(vevent.getFirstPropertyValue('status')),
    attendees: vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase())
  }
}

const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0]!.address

t.test('invitation, change, cancellation by e-mail: Vietnamese and English, the feed\'s UID and SEQUENCE, the recipient as ATTENDEE, answers reset on a new time, nothing after a cancellation', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_POLL_MS: '600000', MAIL_FROM: 'HĐND phường <hdnd@catlinh.example>' } })
  const h = await seedHierarchy(app)
  const person = async (fullName: string, extra: Record<string, unknown>) =>
    (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: h.wardA.id, ...extra } })).body as { id: string }
  const lan = await person('Nguyễn Thị Lan', { email: 'lan@catlinh.example' })
  const john = await person('John Smith', { email: 'john@catlinh.example', locale: 'en' })
  const noMail = await person('Lê Văn Cường', {})
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về trật tự đô thị, vỉa hè', description: 'Việc lấn chiếm vỉa hè trên phố Cát Linh', location: 'Hội trường UBND phường', ...slotAt('2026-12-15') })
  const invite = async (personId: string, role: string) =>
    (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId, role } })).body as { invitationToken: string }
  const lanInvitation = await invite(lan.id, 'explainer')
  await invite(john.id, 'attendee')
  await invite(noMail.id, 'guest')
  await sink.received(2)
  t.equal(sink.mails.length, 2, 'two invitations')

  const vi = sink.mails.find((m) => to(m) === 'lan@catlinh.example')!
  t.equal(vi.subject, 'Thư mời dự phiên giải trình về trật tự đô thị, vỉa hè', 'Vietnamese subject, diacritics intact, the title\'s "Phiên giải trình" not repeated')
  t.match(vi.from?.text, /HĐND phường/)
  t.match(vi.text, /Kính gửi Ông\/Bà Nguyễn Thị Lan,/, 'addressed as a letter is, with Ông/Bà')
  t.match(vi.text, /08:00–10:00, thứ Ba, ngày 15\/12\/2026 \(giờ Hà Nội\)/, 'the time in the council\'s zone, with the weekday')
  t.match(vi.text, /Vai trò: Người giải trình/)
  t.match(vi.text, /Phiên: Phiên giải trình về trật tự đô thị, vỉa hè\nNội dung: Việc lấn chiếm vỉa hè trên phố Cát Linh/, 'the hearing and its topic')
  const link = /https:\/\/giaitrinh\.test\/invitations\/(gt_[A-Za-z0-9_-]+)/.exec(vi.text ?? '')
  t.ok(link, 'the answer link: the invitation page')
  const page = await app.inject({ url: `/invitations/${link![1]}`, headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 200, 'which opens')
  t.match(page.body, /Giấy mời dự phiên giải trình/)
  const viaMail = await call(app, { url: `/v1/invitations/${link![1]}` })
  t.equal(viaMail.status, 200, 'the link in the e-mail opens the invitation')
  t.equal((await call(app, { url: `/v1/invitations/${lanInvitation.invitationToken}` })).status, 200, 'and the one the secretariat was given still works')
  const viCalendar = calendarOf(vi)
  t.match(viCalendar, { method: 'REQUEST', uid: `${hearing.id}@giaitrinh`, sequence: hearing.sequence, status: 'CONFIRMED' })
  t.same(viCalendar.attendees, ['mailto:lan@catlinh.example'], 'the recipient, and only them, as ATTENDEE')
  const feed = await app.inject({ url: `/feeds/councils/${h.wardA.id}.ics` })
  t.match(feed.body, new RegExp(`UID:${hearing.id}@giaitrinh`), 'the same UID as the feed\'s')

  const en = sink.mails.find((m) => to(m) === 'john@catlinh.example')!
  t.equal(en.subject, 'Invitation to an accountability hearing: Phiên giải trình về trật tự đô thị, vỉa hè', 'English for locale en')
  t.match(en.text, /Dear John Smith,/)
  t.match(en.text, /on Tuesday 15 December 2026 \(Hà Nội time\)/)
  t.match(calendarOf(en), { method: 'REQUEST', sequence: hearing.sequence })

  // Lan accepts; the hearing moves: her answer goes back to pending, a REQUEST with the new SEQUENCE to both.
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${link![1]}/response`, payload: { response: 'accepted' } })).status, 200)
  const before = await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })
  const moved = await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': before.headers.etag }, payload: { ...slotAt('2026-12-17'), reason: 'Trùng lịch họp' } })
  t.equal(moved.status, 200)
  t.equal(moved.body.sequence, hearing.sequence + 1)
  await sink.received(4)
  t.equal(sink.mails.length, 4, 'two updates')
  const updates = sink.mails.slice(2)
  t.same(updates.map(to).sort(), ['john@catlinh.example', 'lan@catlinh.example'])
  for (const mail of updates) t.match(calendarOf(mail), { method: 'REQUEST', sequence: hearing.sequence + 1 })
  t.match(updates.find((m) => to(m) === 'lan@catlinh.example')!.subject, /^Thay đổi phiên giải trình về trật tự đô thị, vỉa hè$/)
  t.match(updates.find((m) => to(m) === 'lan@catlinh.example')!.text, /xác nhận lại.*08:00–10:00, thứ Năm, ngày 17\/12\/2026/s)
  t.match(updates.find((m) => to(m) === 'lan@catlinh.example')!.text, /Thời gian cũ \(đã thay đổi\): 08:00–10:00, thứ Ba, ngày 15\/12\/2026 \(giờ Hà Nội\)\nLý do: Trùng lịch họp/, 'the change names the old time and the reason')
  t.match(updates.find((m) => to(m) === 'john@catlinh.example')!.text, /Previously \(changed\): 08:00–10:00 on Tuesday 15 December 2026 \(Hà Nội time\)\nReason: Trùng lịch họp/, 'in English too')
  // Mail as clients expect: automatic, from the council, one thread per hearing and person.
  const lanInvitationMail = sink.mails.find((m) => to(m) === 'lan@catlinh.example')!
  const lanUpdate = updates.find((m) => to(m) === 'lan@catlinh.example')!
  for (const mail of [lanInvitationMail, lanUpdate]) {
    t.equal(mail.headers.get('auto-submitted'), 'auto-generated', 'Auto-Submitted: no out-of-office reply comes back')
    t.equal(mail.headers.get('x-auto-response-suppress'), 'All')
    t.match(mail.from?.text, /^"?HĐND phường Cát Linh"? <hdnd@catlinh\.example>$/, 'from the council, at the service\'s address')
  }
  t.match(lanInvitationMail.messageId, new RegExp(`^<hearing-${hearing.id}\\.person-${lan.id}@`), 'the invitation starts the thread')
  t.equal(lanUpdate.inReplyTo, lanInvitationMail.messageId, 'the change replies to it')
  t.match(lanUpdate.references, lanInvitationMail.messageId)
  const participants = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.participants as Array<{ personId: string, response: string }>
  t.equal(participants.find((p) => p.personId === lan.id)!.response, 'pending', 'the answer for the old time is back to pending')

  // A change that is not of time, place, title or status tells no one.
  const tag = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': tag }, payload: { description: 'Thêm nội dung' } })).status, 200)

  // Cancelled: a CANCEL to both, and nothing after it.
  const tag2 = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/cancel`, headers: { ...admin, 'if-match': tag2 }, payload: { reason: 'Nội dung đã được giải quyết' } })).status, 200)
  await sink.received(6)
  t.equal(sink.mails.length, 6, 'two cancellations')
  const cancellations = sink.mails.slice(4)
  for (const mail of cancellations) t.match(calendarOf(mail), { method: 'CANCEL', status: 'CANCELLED', uid: `${hearing.id}@giaitrinh` })
  t.match(cancellations.find((m) => to(m) === 'lan@catlinh.example')!.text, /Lý do: Nội dung đã được giải quyết/)
  await settle(app)
  t.equal(sink.mails.length, 6, 'nothing after the cancellation, and no duplicate')

  const list = await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })
  t.equal(list.status, 200)
  const notices = list.body.items.filter((n: { kind: string }) => n.kind !== 'reminder')
  t.ok(list.body.items.filter((n: { kind: string }) => n.kind === 'reminder').every((n: { status: string }) => n.status === 'superseded' || n.status === 'skipped'), 'every reminder stopped by the change or the cancellation')
  t.same(notices.map((n: { kind: string, status: string }) => `${n.kind}:${n.status}`).sort(), [
    'cancellation:sent', 'cancellation:sent', 'invitation:sent', 'invitation:sent', 'update:sent', 'update:sent'
  ])
  t.ok(notices.every((n: { sentAt: string }) => n.sentAt.endsWith('+07:00')), 'times in the council\'s zone')
  t.notOk(list.body.items.some((n: { personId: string }) => n.personId === noMail.id), 'no address, no e-mail')
  t.equal((await call(app, { url: `/v1/hearings/${hearing.id}/notifications` })).status, 401, 'not without a token')
})

t.test('a withdrawn invitation gets a CANCEL; a postponement a notice that says so; the same notice is planned once', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Phạm Văn Đức', kind: 'official', email: 'duc@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const other = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-16') })
  const invited = (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })).body as { participant: { id: string } }
  await call(app, { method: 'POST', url: `/v1/hearings/${other.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })
  await sink.received(2)
  t.equal(sink.mails.length, 2, 'two invitations')
  t.equal((await call(app, { method: 'DELETE', url: `/v1/hearings/${hearing.id}/participants/${invited.participant.id}`, headers: admin })).status, 204)
  await sink.received(3)
  t.equal(sink.mails.length, 3, 'the withdrawal')
  t.equal(sink.mails[2]!.subject, 'Rút thư mời dự phiên giải trình về trật tự đô thị')
  const invitation = calendarOf(sink.mails.find((m) => m.subject?.startsWith('Thư mời') && calendarOf(m).uid === `${hearing.id}@giaitrinh`)!)
  const withdrawal = calendarOf(sink.mails[2]!)
  t.match(withdrawal, { method: 'CANCEL', uid: `${hearing.id}@giaitrinh`, attendees: ['mailto:duc@catlinh.example'] }, 'a CANCEL to that attendee only')
  t.ok(withdrawal.sequence > invitation.sequence, `its SEQUENCE (${withdrawal.sequence}) is above the invitation's (${invitation.sequence}): clients apply it`)
  t.equal(withdrawal.status, 'null', 'no STATUS:CANCELLED: the hearing itself stands')
  t.notMatch(sink.mails[2]!.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8'), /SUMMARY:ĐÃ HỦY/, 'and its summary does not say cancelled')
  const tag = (await call(app, { url: `/v1/hearings/${other.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${other.id}/postpone`, headers: { ...admin, 'if-match': tag }, payload: { reason: 'Chờ số liệu quý IV' } })).status, 200)
  await sink.received(4)
  t.equal(sink.mails.length, 4, 'the postponement')
  t.equal(sink.mails[3]!.subject, 'Hoãn phiên giải trình về trật tự đô thị')
  t.match(sink.mails[3]!.text, /Lý do: Chờ số liệu quý IV/)
  t.match(calendarOf(sink.mails[3]!), { method: 'REQUEST', status: 'TENTATIVE' })

  // Planning the same notice again (a retried write, a second worker) adds no row.
  const { planContext, planNotices } = await import('../src/notifications/plan.js')
  const { findHearing } = await import('../src/db/queries/hearings.js')
  const row = (await findHearing(app.db, other.id))!
  t.equal(await planNotices(app.db, await planContext(app.db, row.councilId), row, 'postponement', new Date()), 0, 'the idempotency key holds')
})

t.test('a server refusing for now (4xx): retried with backoff, then dead with its error in the API; resend tries again', async (t) => {
  const sink = await smtpSink(t)
  sink.defer.add('nobody@catlinh.example')
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_POLL_MS: '600000', NOTIFY_MAX_ATTEMPTS: '3' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Người Không Nhận', kind: 'official', email: 'nobody@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })
  const list = async () => (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items
    .find((n: { kind: string }) => n.kind === 'invitation') as { id: string, status: string, attempts: number, lastError: string | null, dueAt: string }
  // The write woke the worker: its round is the thing to wait for.
  await app.notifier!.idle()
  t.equal(app.notifier!.stats.failed, 1, 'a first attempt')
  let row = await list()
  t.match(row, { status: 'pending', attempts: 1, lastError: /451/ })
  t.ok(new Date(row.dueAt).getTime() >= clock.current.getTime() + 15_000, 'retried later, not at once')
  await settle(app)
  t.equal((await list()).attempts, 1, 'not before it is due')
  clock.advance(3_600_000)
  await settle(app)
  t.equal((await list()).attempts, 2)
  clock.advance(3_600_000)
  await settle(app)
  row = await list()
  t.match(row, { status: 'dead', attempts: 3, lastError: /451 try again later/ }, 'dead after its last attempt, the error visible')
  t.equal(sink.mails.length, 0)

  sink.defer.clear()
  const resent = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/notifications/${row.id}/resend`, headers: admin })
  t.equal(resent.status, 200)
  t.match(resent.body, { status: 'pending', attempts: 0 })
  await sink.received(1)
  t.equal(sink.mails.length, 1, 'the resent e-mail')
  // Marked sent with the rest of its batch, just after the last of them went out.
  await app.notifier!.idle()
  t.match(await list(), { status: 'sent', attempts: 1 })
  const audit = await call(app, { url: `/v1/audit?entity=notification&entityId=${row.id}`, headers: admin })
  t.equal(audit.body.items[0].action, 'resend', 'the resend is audited')
})

t.test('a server refusing for good (5xx): dead at the first attempt, with its reason; nothing retried', async (t) => {
  const sink = await smtpSink(t)
  sink.refuse.add('gone@catlinh.example')
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_POLL_MS: '600000', NOTIFY_MAX_ATTEMPTS: '8' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Người Đã Chuyển Công Tác', kind: 'official', email: 'gone@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })
  await app.notifier!.idle()
  const row = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items.find((n: { kind: string }) => n.kind === 'invitation')
  t.match(row, { status: 'dead', attempts: 1, lastError: /550 mailbox unavailable/ }, 'dead at once, the server\'s reason kept')
  t.equal(app.notifier!.stats.failed, 0, 'no retry planned')
  t.equal(sink.mails.length, 0)
})

t.test('without SMTP_URL, e-mails are written as .eml files under the data directory', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-mail-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', DATA_DIR: dataDir, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Đặng Thu Trang', kind: 'official', email: 'trang@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên về quản lý chợ', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  const folder = join(dataDir, 'mail')
  await app.notifier!.idle()
  t.equal(app.notifier!.stats.sent, 1, 'an .eml file written')
  const files = (await readdir(folder)).filter((name) => name.endsWith('.eml'))
  t.equal(files.length, 1)
  const mail = await simpleParser(await readFile(join(folder, files[0]!)))
  t.equal(mail.subject, 'Thư mời dự phiên giải trình: Phiên về quản lý chợ')
  t.equal(to(mail), 'trang@catlinh.example')
  t.match(calendarOf(mail), { method: 'REQUEST', uid: `${hearing.id}@giaitrinh` })
})

t.test('reminders: explainers 3 days, 1 day and 2 hours before, others and the council\'s members 1 day and 2 hours; a reminder due at 23:00 arrives at 07:00; a new time supersedes the old ones; opting out stops them', async (t) => {
  const sink = await smtpSink(t)
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = async (fullName: string, email: string, extra: Record<string, unknown> = {}) =>
    (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', email, ownerCouncilId: h.wardA.id, ...extra } })).body as { id: string }
  const explainer = await person('Trần Văn Giải', 'giai@catlinh.example')
  const attendee = await person('Lê Thị Dự', 'du@catlinh.example')
  const member = await person('Đỗ Thành Viên', 'vien@catlinh.example', { kind: 'delegate' })
  const optedOut = await person('Ngô Không Nhắc', 'khong@catlinh.example', { reminders: false })
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId: member.id, role: 'delegate', startsOn: '2026-01-01' } })).status, 201)
  // The test clock is 2026-11-27 09:00 in Hà Nội. The hearing: 2026-12-10 23:00–24:00 (late, to put its 1-day reminder in the quiet hours).
  const hearing = await createHearing(app, { councilId: h.wardA.id, title: 'Phiên buổi tối', startsAt: '2026-12-10T23:00:00+07:00', endsAt: '2026-12-10T23:59:00+07:00' })
  for (const [p, role] of [[explainer, 'explainer'], [attendee, 'attendee'], [optedOut, 'attendee']] as const) {
    await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: p.id, role } })
  }
  const scheduled = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/schedule`, headers: admin, payload: {} })
  t.equal(scheduled.status, 200, JSON.stringify(scheduled.body))
  await sink.received(3)
  t.equal(sink.mails.length, 3, 'three invitations')
  const list = async () => (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items as Array<{ kind: string, reminderOffset: string | null, fullName: string, status: string, dueAt: string, sequence: number }>
  const reminders = (await list()).filter((n) => n.kind === 'reminder' && n.status === 'pending')
  t.same(reminders.map((n) => `${n.fullName} ${n.reminderOffset} ${n.dueAt}`).sort(), [
    'Lê Thị Dự P1D 2026-12-10T07:00:00.000+07:00',
    'Trần Văn Giải P1D 2026-12-10T07:00:00.000+07:00',
    'Trần Văn Giải P3D 2026-12-08T07:00:00.000+07:00',
    'Đỗ Thành Viên P1D 2026-12-10T07:00:00.000+07:00'
  ].sort(), 'explainer 3 days and 1 day, the others and the member 1 day; due at 23:00 (quiet hours), sent at 07:00')
  const skipped = (await list()).filter((n) => n.kind === 'reminder' && n.status === 'skipped')
  t.same(skipped.map((n) => `${n.fullName} ${n.reminderOffset}`).sort(), ['Lê Thị Dự PT2H', 'Trần Văn Giải PT2H', 'Đỗ Thành Viên PT2H'].sort(),
    '2 hours before is 21:00, in the quiet hours, and 07:00 is after the start: skipped and recorded')
  t.notOk((await list()).some((n) => n.fullName === 'Ngô Không Nhắc' && n.kind === 'reminder'), 'no reminder for whoever opted out')

  const reminderMails = () => sink.mails.filter((m) => m.subject?.startsWith('Nhắc lịch'))
  clock.current = new Date('2026-12-09T15:59:00Z') // 22:59 in Hà Nội: the 3-day reminder (due 12-08 07:00) is due; the 1-day one (23:00 → 07:00) is not
  await settle(app)
  t.same(reminderMails().map(to), ['giai@catlinh.example'])
  clock.current = new Date('2026-12-09T16:30:00Z') // 23:30: quiet
  await settle(app)
  clock.current = new Date('2026-12-09T23:59:00Z') // 06:59
  await settle(app)
  t.equal(reminderMails().length, 1, 'nothing during the quiet hours')
  clock.current = new Date('2026-12-10T00:00:00Z') // 07:00
  await settle(app)
  t.same(reminderMails().slice(1).map(to).sort(), ['du@catlinh.example', 'giai@catlinh.example', 'vien@catlinh.example'], 'at 07:00: the 1-day reminders, the council\'s member\'s too')
  const memberMail = reminderMails().find((m) => to(m) === 'vien@catlinh.example')!
  t.equal(memberMail.subject, 'Nhắc lịch phiên giải trình: Phiên buổi tối')
  t.match(memberMail.text, /23:00–23:59, thứ Năm, ngày 10\/12\/2026/)
  t.notOk(memberMail.attachments.some((a) => a.contentType.startsWith('text/calendar')), 'a reminder carries no calendar part: the invitation placed the event')

  // A new time: the reminders for the old one do nothing, new ones are planned; an opt-out after planning is honoured.
  const tag = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': tag }, payload: { ...slotAt('2026-12-17', 9), reason: 'Dời lịch' } })).status, 200)
  t.equal((await call(app, { method: 'PATCH', url: `/v1/people/${attendee.id}`, headers: admin, payload: { reminders: false } })).status, 200)
  const after = await list()
  const newSequence = Math.max(...after.map((n) => n.sequence))
  t.ok(after.filter((n) => n.kind === 'reminder' && n.sequence < newSequence).every((n) => n.status !== 'pending'), 'no reminder for the old time is left pending')
  t.same(after.filter((n) => n.kind === 'reminder' && n.sequence === newSequence && n.status === 'pending').map((n) => `${n.fullName} ${n.reminderOffset} ${n.dueAt}`).sort(), [
    'Lê Thị Dự P1D 2026-12-16T09:00:00.000+07:00',
    'Lê Thị Dự PT2H 2026-12-17T07:00:00.000+07:00',
    'Trần Văn Giải P1D 2026-12-16T09:00:00.000+07:00',
    'Trần Văn Giải P3D 2026-12-14T09:00:00.000+07:00',
    'Trần Văn Giải PT2H 2026-12-17T07:00:00.000+07:00',
    'Đỗ Thành Viên P1D 2026-12-16T09:00:00.000+07:00',
    'Đỗ Thành Viên PT2H 2026-12-17T07:00:00.000+07:00'
  ].sort())
  const before = reminderMails().length
  clock.current = new Date('2026-12-16T02:00:00Z') // 12-16 09:00
  await settle(app)
  t.same(reminderMails().slice(before).map(to).sort(), ['giai@catlinh.example', 'giai@catlinh.example', 'vien@catlinh.example'], 'the 3-day and 1-day reminders for the new time; none for whoever opted out meanwhile')
  t.ok((await list()).some((n) => n.fullName === 'Lê Thị Dự' && n.reminderOffset === 'P1D' && n.sequence === newSequence && n.status === 'skipped'), 'recorded as skipped')
})

t.test('a hearing whose time has passed (back-filled, recorded after the fact) e-mails no one', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Vũ Văn Cũ', kind: 'official', email: 'cu@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const past = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-10-05') })
  await call(app, { method: 'POST', url: `/v1/hearings/${past.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  const tag = (await call(app, { url: `/v1/hearings/${past.id}`, headers: admin })).headers.etag
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${past.id}/cancel`, headers: { ...admin, 'if-match': tag }, payload: { reason: 'Ghi nhầm' } })).status, 200)
  await settle(app)
  t.equal(sink.mails.length, 0, 'no invitation, no cancellation for a time that has passed')
  t.same((await call(app, { url: `/v1/hearings/${past.id}/notifications`, headers: admin })).body.items, [], 'none planned')
})

t.test('no reminder to whoever declined or sent a substitute; one who accepted is reminded', async (t) => {
  const sink = await smtpSink(t)
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-10') })
  const answers = { 'decline@catlinh.example': { response: 'declined', reason: 'Đi công tác' }, 'delegate@catlinh.example': { response: 'delegated', substituteName: 'Phó Văn Thay', substitutePosition: 'Phó Chủ tịch UBND' }, 'accept@catlinh.example': { response: 'accepted' } }
  for (const [email, answer] of Object.entries(answers)) {
    const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: `Người ${email.split('@')[0]}`, kind: 'official', email, ownerCouncilId: h.wardA.id } })).body as { id: string }
    const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
    const answered = await call(app, { method: 'POST', url: `/v1/invitations/${invited.body.invitationToken}/response`, payload: answer })
    t.equal(answered.status, 200, `${email} answered ${answer.response}`)
  }
  await app.notifier!.idle()
  const invitations = sink.mails.length
  clock.current = new Date('2026-12-09T03:00:00Z') // 10:00 in Hà Nội, a day before: the 3-day and 1-day reminders are due
  await settle(app)
  const reminders = sink.mails.slice(invitations).filter((m) => m.subject?.startsWith('Nhắc lịch'))
  t.same([...new Set(reminders.map((m) => JSON.stringify(m.to)).map((to) => /[\w.]+@catlinh\.example/.exec(to)?.[0]))], ['accept@catlinh.example'], 'only the one who accepted is reminded')
  const rows = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items as Array<{ kind: string, status: string, recipient: string, lastError: string | null, dueAt: string }>
  const due = rows.filter((row) => row.kind === 'reminder' && new Date(row.dueAt) <= clock.current && row.recipient !== 'accept@catlinh.example')
  t.ok(due.length >= 2, `${due.length} reminders were due to the other two`)
  t.ok(due.every((row) => row.status === 'skipped' && /declined|substitute/.test(row.lastError ?? '')), 'each skipped, saying why')
})

t.test('replies go to the council\'s secretariat where it has an address, not to the sending address', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const settings = await call(app, { method: 'PUT', url: `/v1/councils/${h.wardA.code}/notification-settings`, headers: admin, payload: { notificationEmail: 'vanphong@catlinh.example', overrides: {} } })
  t.equal(settings.status, 200)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Vũ Thị Hồng', kind: 'official', email: 'hong@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  await sink.received(1)
  t.match(sink.mails[0]!.replyTo?.text, 'vanphong@catlinh.example')
  t.match(sink.mails[0]!.from?.text, /noreply@giaitrinh\.test/, 'sent from the service\'s address')
})

t.test('a notice is sent again at most 3 times an hour; every copy carries the invitation\'s one answer link until it is renewed', async (t) => {
  const sink = await smtpSink(t)
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Đinh Văn Gửi', kind: 'official', email: 'gui@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  await app.notifier!.idle()
  const row = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items.find((n: { kind: string }) => n.kind === 'invitation') as { id: string }
  const resend = () => call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/notifications/${row.id}/resend`, headers: admin })
  for (let i = 1; i <= 3; i++) {
    t.equal((await resend()).status, 200, `resend ${i}`)
    await app.notifier!.idle()
  }
  const refused = await resend()
  t.equal(refused.status, 429)
  t.match(refused.body, { code: 'RESEND_LIMIT' })
  t.equal(refused.headers['retry-after'], '3600')
  t.equal(sink.mails.length, 4, 'the invitation and three resends, no more')
  const linkIn = (mail: ParsedMail) => /https:\/\/giaitrinh\.test\/invitations\/(gt_[A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1]
  const links = new Set(sink.mails.map(linkIn))
  t.equal(links.size, 1, 'one answer link in all four (no new live link per copy)')
  t.ok([...links][0], 'and there is one')
  // Renewed: the old links stop working, and the next copy carries a new one.
  const participant = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.participants[0] as { id: string }
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants/${participant.id}/invitation`, headers: admin })).status, 200)
  t.equal((await call(app, { url: `/v1/invitations/${[...links][0]}` })).status, 404, 'the e-mailed link ends with the renewal')
  clock.advance(3_600_001)
  t.equal((await resend()).status, 200, 'an hour later, it may be sent again')
  await app.notifier!.idle()
  const renewed = linkIn(sink.mails[4]!)
  t.ok(renewed && !links.has(renewed), 'with a new link')
  t.equal((await call(app, { url: `/v1/invitations/${renewed}` })).status, 200, 'which opens the invitation')
})
