import t from 'tap'
import { readFile } from 'node:fs/promises'
import ICAL from 'ical.js'
import type { ParsedMail } from 'mailparser'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { smtpSink } from './mail-helper.js'
import { hasDovecot, startDovecot, DOVECOT } from './imap-helper.js'
import { isCalendarReply, readCalendarReply, type CalendarReply } from '../src/notifications/replies.js'

// Issue "Notices that never wait on strangers, and calendar answers that are recorded", part 6:
// the answers people give in their calendar (Yes / No / Delegate in Gmail, Outlook, Apple Mail,
// Thunderbird) reach the ORGANIZER's mailbox, which the service reads over IMAP — here a real
// Dovecot — and records as the invitation page would.

const FIXTURES = new URL('./fixtures/calendar-replies/', import.meta.url)
/** The hearing id the fixtures were written with; each test puts its own in its place. */
const SAMPLE_ID = '0b6d7c52-3c1e-4d8a-9f0e-2a4b6c8d0e1f'
const ORGANIZER = 'hoidong@catlinh.example'

/** A fixture as a mail server would hold it: the header comment dropped, the test's hearing as UID (in clear, quoted-printable and base64 parts alike), CRLF. */
async function fixture (name: string, hearingId = SAMPLE_ID, sequence?: number): Promise<string> {
  let text = (await readFile(new URL(name, FIXTURES), 'utf8')).replace(/^(#.*\n)+/, '')
  text = text.replace(/(Content-Transfer-Encoding: base64\n\n)([A-Za-z0-9+/=\n]+?)(\n--)/g, (_match, head: string, body: string, tail: string) => {
    const decoded = Buffer.from(body.replace(/\n/g, ''), 'base64').toString('utf8').replaceAll(SAMPLE_ID, hearingId)
    return head + (Buffer.from(decoded, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\n') + tail
  })
  text = text.replaceAll(SAMPLE_ID, hearingId)
  if (sequence !== undefined) text = text.replace(/^SEQUENCE:0$/m, `SEQUENCE:${sequence}`)
  return text.replace(/\r?\n/g, '\r\n')
}

async function reply (name: string): Promise<CalendarReply> {
  const read = await readCalendarReply(await fixture(name))
  if (!isCalendarReply(read)) throw new Error(`${name}: ${read.skip}`)
  return read
}

t.test('the fixtures read as their clients meant them: attendee, answer, the comment in Vietnamese, the delegate', async (t) => {
  const gmail = await reply('gmail-accepted.eml')
  t.match(gmail, { uid: `${SAMPLE_ID}@giaitrinh`, hearingId: SAMPLE_ID, sequence: 0, partstat: 'ACCEPTED', answer: 'accepted', attendee: { email: 'lan@catlinh.example', name: 'Nguyễn Thị Lan' }, comment: null, delegate: null })
  const outlook = await reply('outlook-declined.eml')
  t.match(outlook, { answer: 'declined', attendee: { email: 'binh@catlinh.example', name: 'Trần Văn Bình' } }, 'Outlook\'s upper-case address read in lower case')
  t.equal(outlook.comment, 'Tôi bận tiếp công dân định kỳ vào buổi sáng hôm đó.', 'the COMMENT, quoted-printable and escaped, with its diacritics')
  const apple = await reply('apple-accepted.eml')
  t.match(apple, { answer: 'accepted', attendee: { email: 'mai@catlinh.example', name: 'Lê Thị Mai' }, sequence: 0 })
  const thunderbird = await reply('thunderbird-delegated.eml')
  t.match(thunderbird, { answer: 'delegated', attendee: { email: 'hung@catlinh.example' }, delegate: { email: 'duc@catlinh.example', name: 'Phạm Minh Đức' } }, 'the delegator answers; the delegate is named by their own ATTENDEE line')
  const auto = await readCalendarReply(await fixture('auto-reply.eml'))
  t.match(auto, { skip: /automatic reply/ }, 'an out-of-office reply is not an answer')
  const human = await readCalendarReply(await fixture('human-reply.eml'))
  t.match(human, { skip: /no calendar reply/ }, 'nor is a person writing back')
  // Someone else's mailbox answering for the attendee (a forwarded invitation): not the attendee's answer.
  const forged = await readCalendarReply((await fixture('gmail-accepted.eml')).replace(/^From: .*$/m, 'From: someone@elsewhere.example'))
  t.match(forged, { skip: /not its sender/ })
})

t.test('calendar answers through a real IMAP server: recorded, audited, the secretariat told, the delegate invited, a stale SEQUENCE ignored, other mail left alone', { skip: hasDovecot ? false : `Dovecot is not installed (${DOVECOT}; .ci/run installs dovecot-imapd)` }, async (t) => {
  const imap = await startDovecot(t)
  const sink = await smtpSink(t)
  const { app } = await build(t, {
    config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000', MAIL_FROM: 'HĐND phường <hdnd@catlinh.example>', IMAP_URL: imap.url, IMAP_POLL_MS: '600000', FEED_ORGANIZER_EMAIL: ORGANIZER }
  })
  const h = await seedHierarchy(app)
  t.equal((await call(app, { method: 'PUT', url: `/v1/councils/${h.wardA.code}/notification-settings`, headers: admin, payload: { notificationEmail: 'thuongtruc@catlinh.example', overrides: {} } })).status, 200)
  const person = async (fullName: string, email: string) =>
    (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: h.wardA.id, email } })).body as { id: string }
  const lan = await person('Nguyễn Thị Lan', 'lan@catlinh.example')
  // Kept as typed: Outlook answers in upper case, the service matches any case.
  const binh = await person('Trần Văn Bình', 'Binh@CatLinh.example')
  const mai = await person('Lê Thị Mai', 'mai@catlinh.example')
  const hung = await person('Đỗ Văn Hùng', 'hung@catlinh.example')
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về trật tự đô thị', location: 'Hội trường UBND phường', ...slotAt('2026-12-15') })
  for (const [who, role] of [[lan, 'explainer'], [binh, 'attendee'], [mai, 'guest'], [hung, 'explainer']] as const) {
    t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: who.id, role } })).status, 201)
  }
  await sink.received(4)

  // The invitation names the read mailbox as ORGANIZER and asks its attendee to answer.
  const invitation = sink.mails.find((mail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address === 'lan@catlinh.example')!
  const part = invitation.attachments.find((a) => a.contentType.startsWith('text/calendar'))!
  const vevent = new ICAL.Component(ICAL.parse(part.content.toString('utf8'))).getFirstSubcomponent('vevent')!
  t.equal(String(vevent.getFirstPropertyValue('organizer')).toLowerCase(), `mailto:${ORGANIZER}`, 'the ORGANIZER is the mailbox the service reads')
  t.equal(vevent.getFirstProperty('attendee')!.getParameter('rsvp'), 'TRUE', 'RSVP=TRUE: calendars offer Yes / No / Maybe')

  for (const name of ['gmail-accepted.eml', 'outlook-declined.eml', 'thunderbird-delegated.eml', 'auto-reply.eml', 'human-reply.eml']) {
    await imap.deliver(await fixture(name, hearing.id))
  }
  const read = await app.answers!.poll()
  t.same(read.map((entry) => entry.outcome), ['recorded', 'recorded', 'recorded', 'not an answer', 'not an answer'], 'three answers recorded; the automatic and the human reply are not answers')

  type Participant = { personId: string, response: string, reason: string | null, substituteName: string | null, role: string }
  const participantsNow = async () => (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.participants as Participant[]
  const participants = await participantsNow()
  const of = (id: string) => participants.find((p) => p.personId === id)!
  t.equal(of(lan.id).response, 'accepted', 'Gmail\'s Yes')
  t.match(of(binh.id), { response: 'declined', reason: 'Tôi bận tiếp công dân định kỳ vào buổi sáng hôm đó.' }, 'Outlook\'s No, with the comment as the reason')
  t.match(of(hung.id), { response: 'delegated', substituteName: 'Phạm Minh Đức' }, 'Thunderbird\'s delegation')
  const duc = participants.find((p) => p.role === 'explainer' && p.personId !== lan.id && p.personId !== hung.id)
  t.ok(duc, 'the delegate is invited in the delegator\'s role')
  t.equal(of(mai.id).response, 'pending', 'nothing recorded for Mai, who only wrote a message')

  const audit = (await call(app, { url: `/v1/audit?entity=participant&councilId=${h.wardA.id}&limit=500`, headers: admin })).body.items as Array<{ action: string, actor: string, after: { via?: string, personId?: string } }>
  const answers = audit.filter((entry) => entry.action === 'answer')
  t.equal(answers.length, 3, 'each answer audited')
  t.ok(answers.every((entry) => /^calendar:/.test(entry.actor) && entry.after.via === 'calendar'), 'as given in a calendar')

  // As for an answer on the page: the secretariat is told of the decline and of the delegation; the delegate gets their invitation with their own link.
  await app.notifier!.idle()
  await app.notifier!.drain()
  await sink.received(7)
  const toSecretariat = sink.mails.filter((mail: ParsedMail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === 'thuongtruc@catlinh.example')
  t.equal(toSecretariat.length, 2, 'the secretariat told of the decline and the delegation')
  t.ok(toSecretariat.some((mail) => /Trần Văn Bình/.test(mail.subject ?? '') && /Tôi bận tiếp công dân/.test(mail.text ?? '')), 'with the reason')
  const toDuc = sink.mails.find((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === 'duc@catlinh.example')
  t.ok(toDuc, 'the delegate\'s own invitation')
  const ducLink = /https:\/\/giaitrinh\.test\/invitations\/(gt_[A-Za-z0-9_-]+)/.exec(toDuc?.text ?? '')
  t.ok(ducLink, 'with their own answer link')
  t.equal((await call(app, { url: `/v1/invitations/${ducLink![1]}` })).body.invitation.role, 'explainer', 'which opens their invitation')

  t.same((await imap.list('INBOX')).map((m) => m.subject).sort(), ['Re: Thư mời', 'Trả lời tự động: Thư mời'], 'the human and the automatic reply are left in the inbox')
  t.ok((await imap.list('INBOX')).every((m) => !m.seen), 'unread, for people to read')
  t.equal((await imap.list('giaitrinh-answers')).length, 3, 'the answers are moved to their folder')
  t.same(await app.answers!.poll(), [], 'and nothing is read twice')

  // The hearing moves: its SEQUENCE rises and the answers go back to pending. Mai's Yes to the old time is ignored; to the new one, recorded.
  const before = await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })
  const moved = await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': before.headers.etag }, payload: { ...slotAt('2026-12-17'), reason: 'Trùng lịch họp' } })
  t.equal(moved.status, 200)
  t.ok(moved.body.sequence > before.body.sequence)
  await imap.deliver(await fixture('apple-accepted.eml', hearing.id, before.body.sequence))
  const stale = await app.answers!.poll()
  t.match(stale, [{ outcome: 'ignored', reason: new RegExp(`SEQUENCE ${before.body.sequence}, older than the hearing's ${moved.body.sequence}`) }], 'an answer to the old time is ignored, with the reason')
  t.equal((await participantsNow()).find((p) => p.personId === mai.id)!.response, 'pending')
  await imap.deliver(await fixture('apple-accepted.eml', hearing.id, moved.body.sequence))
  t.match(await app.answers!.poll(), [{ outcome: 'recorded' }], 'Apple Mail\'s Accept to the current time is recorded')
  t.equal((await participantsNow()).find((p) => p.personId === mai.id)!.response, 'accepted')
  await imap.deliver(await fixture('apple-accepted.eml', hearing.id, moved.body.sequence))
  t.match(await app.answers!.poll(), [{ outcome: 'unchanged' }], 'the same answer again changes nothing')
})

t.test('IMAP_URL without FEED_ORGANIZER_EMAIL is refused at start: answers would go where nobody reads', async (t) => {
  const { loadConfig } = await import('../src/config.js')
  t.throws(() => loadConfig({ IMAP_URL: 'imap://a:b@127.0.0.1:143/INBOX' }), /FEED_ORGANIZER_EMAIL/)
})

t.test('a substitute named with an address on the invitation page or API becomes an invitee: their own invitation e-mail and link; once only', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const lan = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Nguyễn Thị Lan', kind: 'official', ownerCouncilId: h.wardA.id, email: 'lan@catlinh.example', organization: 'UBND phường Cát Linh' } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về trật tự đô thị', ...slotAt('2026-12-15') })
  const invited = (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: lan.id, role: 'explainer' } })).body as { invitationToken: string }
  await sink.received(1)
  const bad = await call(app, { method: 'POST', url: `/v1/invitations/${invited.invitationToken}/response`, payload: { response: 'accepted', substituteEmail: 'duc@catlinh.example' } })
  t.match(bad, { status: 400, body: { code: 'SUBSTITUTE_ONLY_WHEN_DELEGATED' } }, 'an address without a delegation is refused')
  const answer = { response: 'delegated', substituteName: 'Phạm Minh Đức', substitutePosition: 'Phó Chủ tịch UBND phường', substituteEmail: 'Duc@CatLinh.example' }
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${invited.invitationToken}/response`, payload: answer })).status, 200)
  await app.notifier!.idle()
  await sink.received(2)
  const participants = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.participants as Array<{ personId: string, fullName: string, position: string | null, organization: string | null, role: string, response: string }>
  const duc = participants.find((p) => p.fullName === 'Phạm Minh Đức')
  t.match(duc, { role: 'explainer', response: 'pending', position: 'Phó Chủ tịch UBND phường', organization: 'UBND phường Cát Linh' }, 'invited in the delegator\'s role, registered with their position and the delegator\'s organisation')
  const mail = sink.mails.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address?.toLowerCase() === 'duc@catlinh.example')
  t.match(mail?.text, /Kính gửi Ông\/Bà Phạm Minh Đức,/, 'their own invitation')
  const link = /https:\/\/giaitrinh\.test\/invitations\/(gt_[A-Za-z0-9_-]+)/.exec(mail?.text ?? '')
  t.equal((await call(app, { url: `/v1/invitations/${link?.[1]}` })).body.invitation.personId, duc?.personId, 'with their own link')
  // The same delegation again (a second click): nobody is invited twice.
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${invited.invitationToken}/response`, payload: answer })).status, 200)
  t.equal((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.participants.length, 2, 'still two invitations')
})
