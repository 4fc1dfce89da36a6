import t, { type Test } from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { Webhook } from 'standardwebhooks'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { settle, smtpSink } from './mail-helper.js'
import { isPrivateAddress, ownAddresses } from '../src/notifications/webhooks.js'
import { readFile } from 'node:fs/promises'
import { Ajv2020 } from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import { openApiPath } from '../src/cli/openapi.js'

// Issue "Reminders and notices reach people": each council's notification settings over the
// admin's defaults; the secretariat told of declined and delegated answers and of overdue records;
// webhooks to a real HTTP receiver that verifies every delivery with the standardwebhooks library.

interface Delivery { headers: IncomingHttpHeaders, body: string, payload: any }

/** A real HTTP receiver; `answer` decides each response (status and headers) from the delivery's number. */
/** Every payload any receiver of this file got: checked against the contract at the end. */
const everyPayload: unknown[] = []

async function receiver (t: Test, answer: (n: number) => { status: number, headers?: Record<string, string> } = () => ({ status: 204 })) {
  const deliveries: Delivery[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      deliveries.push({ headers: req.headers, body, payload: JSON.parse(body) })
      everyPayload.push(JSON.parse(body))
      const { status, headers } = answer(deliveries.length)
      res.writeHead(status, headers).end(status >= 400 ? 'gateway says no' : '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`, deliveries }
}

/** Verifies a delivery as a receiver would: throws unless signed by this secret. */
function verify (secret: string, delivery: Delivery) {
  return new Webhook(secret).verify(delivery.body, {
    'webhook-id': String(delivery.headers['webhook-id']),
    'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
    'webhook-signature': String(delivery.headers['webhook-signature'])
  })
}

const HOUR = 3_600_000

t.test('notification settings: a council\'s own over the admin\'s defaults over the built-in ones; bad values are refused with a reason; only the council\'s secretariat or an admin changes them', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const url = `/v1/councils/${h.wardA.code}/notification-settings`
  const initial = await call(app, { url, headers: admin })
  t.equal(initial.status, 200)
  t.same(initial.body.effective.reminders, { explainer: ['P3D', 'P1D', 'PT2H'], participant: ['P1D', 'PT2H'], member: ['P1D', 'PT2H'] }, 'built-in reminders')
  t.same(initial.body.effective.outcomeOverdue, ['P1D', 'P3D'])
  t.equal(initial.body.effective.quietHours, '21:00-07:00')
  t.match(initial.body.effective.conclusionOverdueBasis, /^unverified/, 'the conclusion deadline is marked unverified')
  t.equal(initial.body.notificationEmail, null)

  const defaults = await call(app, { method: 'PUT', url: '/v1/notification-settings', headers: admin, payload: { overrides: { quietHours: '22:00-06:30', conclusionOverdue: 'P10D' } } })
  t.equal(defaults.status, 200)
  t.equal(defaults.body.effective.quietHours, '22:00-06:30')
  const put = await call(app, {
    method: 'PUT',
    url,
    headers: admin,
    payload: { notificationEmail: 'thuongtruc@catlinh.example', overrides: { reminders: { explainer: ['P7D', 'P1D'] }, outcomeOverdue: ['PT12H'] } }
  })
  t.equal(put.status, 200)
  t.same(put.body.effective.reminders, { explainer: ['P7D', 'P1D'], participant: ['P1D', 'PT2H'], member: ['P1D', 'PT2H'] }, 'the council\'s explainer offsets, the rest as before')
  t.equal(put.body.effective.quietHours, '22:00-06:30', 'the admin\'s default where the council sets nothing')
  t.equal(put.body.effective.conclusionOverdue, 'P10D')
  t.same(put.body.effective.outcomeOverdue, ['PT12H'])
  t.equal(put.body.notificationEmail, 'thuongtruc@catlinh.example')
  t.same((await call(app, { url: `/v1/councils/${h.wardB.code}/notification-settings`, headers: admin })).body.effective.outcomeOverdue, ['P1D', 'P3D'], 'another council keeps the defaults')

  for (const [overrides, message] of [
    [{ reminders: { explainer: ['P1M'] } }, /must match pattern|ISO 8601|days, hours/],
    [{ reminders: { explainer: ['PT1M'] } }, /between PT5M/],
    [{ conclusionOverdue: 'P999D' }, /between P1D and P365D/],
    [{ quietHours: '25:00-07:00' }, /quietHours/],
    [{ reminders: { explainer: ['P1D', 'P1D'] } }, /the same offset twice/],
    [{ remindersTypo: [] }, /remindersTypo|additional/]
  ] as const) {
    const bad = await call(app, { method: 'PUT', url, headers: admin, payload: { notificationEmail: null, overrides } })
    t.equal(bad.status, 400, `refused: ${JSON.stringify(overrides)}`)
    t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(JSON.stringify(bad.body), message)
  }
  t.same((await call(app, { url, headers: admin })).body.effective.outcomeOverdue, ['PT12H'], 'nothing changed by a refused request')

  const otherWard = (await tokenFor(app, 'secretariat', h.wardB.id)).headers
  const own = (await tokenFor(app, 'secretariat', h.wardA.id)).headers
  const supervisor = (await tokenFor(app, 'supervisor', h.district.id)).headers
  const body = { notificationEmail: null, overrides: {} }
  t.equal((await call(app, { method: 'PUT', url, headers: otherWard, payload: body })).status, 403, 'another ward\'s secretariat may not')
  t.equal((await call(app, { method: 'PUT', url, headers: supervisor, payload: body })).status, 403, 'a supervisor reads, does not change')
  t.equal((await call(app, { url, headers: supervisor })).status, 200)
  t.equal((await call(app, { method: 'PUT', url: '/v1/notification-settings', headers: own, payload: { overrides: {} } })).status, 403, 'the service defaults are the admin\'s')
  t.equal((await call(app, { method: 'PUT', url, headers: own, payload: { notificationEmail: 'tt@catlinh.example', overrides: { reminders: { explainer: ['P7D', 'P1D'] } } } })).status, 200, 'the ward\'s own secretariat may')

  // The council's offsets decide what is planned.
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Trần Văn Minh', kind: 'official', email: 'minh@catlinh.example', ownerCouncilId: h.wardA.id } })).body
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  const rows = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items as Array<{ kind: string, reminderOffset: string | null, personId: string | null, recipient: string }>
  t.same(rows.filter((r) => r.kind === 'reminder').map((r) => r.reminderOffset).sort(), ['P1D', 'P7D'], 'reminders at the council\'s offsets')
  t.same(rows.filter((r) => r.kind === 'outcome_overdue').map((r) => [r.reminderOffset, r.recipient, r.personId]).sort(), [['P1D', 'tt@catlinh.example', null], ['P3D', 'tt@catlinh.example', null]],
    'the outcome-overdue notices, to the secretariat\'s address')
})

t.test('the secretariat is told of declined and delegated answers, of a hearing that ended without an outcome (1 and 3 days after), and of a held one without a conclusion notice', async (t) => {
  const sink = await smtpSink(t)
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  t.equal((await call(app, { method: 'PUT', url: `/v1/councils/${h.wardA.code}/notification-settings`, headers: admin, payload: { notificationEmail: 'thuongtruc@catlinh.example', overrides: { reminders: { explainer: [], participant: [], member: [] } } } })).status, 200)
  const person = async (fullName: string) => (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về vệ sinh môi trường', ...slotAt('2026-12-15') })
  const invite = async (personId: string, role: string) =>
    (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId, role } })).body as { invitationToken: string }
  const lan = await invite((await person('Nguyễn Thị Lan')).id, 'explainer')
  const hung = await invite((await person('Phạm Văn Hùng')).id, 'attendee')
  const mai = await invite((await person('Đỗ Thị Mai')).id, 'attendee')
  await call(app, { method: 'POST', url: `/v1/invitations/${lan.invitationToken}/response`, payload: { response: 'declined' } })
  await call(app, { method: 'POST', url: `/v1/invitations/${hung.invitationToken}/response`, payload: { response: 'delegated', substituteName: 'Lê Thị Hoa', substitutePosition: 'Phó Chủ tịch UBND phường' } })
  await call(app, { method: 'POST', url: `/v1/invitations/${mai.invitationToken}/response`, payload: { response: 'accepted' } })
  await settle(app)
  t.same(sink.mails.map((m) => m.subject).sort(), [
    'Cử người dự thay: Phạm Văn Hùng — Phiên giải trình về vệ sinh môi trường',
    'Từ chối: Nguyễn Thị Lan — Phiên giải trình về vệ sinh môi trường'
  ], 'declined and delegated, not accepted; Vietnamese intact')
  const delegated = sink.mails.find((m) => m.subject!.startsWith('Cử'))!
  t.match(delegated.text, /Kính gửi Thường trực HĐND phường Cát Linh,/)
  t.match(delegated.text, /cử người dự thay: Lê Thị Hoa, Phó Chủ tịch UBND phường\./)
  t.equal((Array.isArray(delegated.to) ? delegated.to[0] : delegated.to)!.value[0]!.address, 'thuongtruc@catlinh.example')

  // The hearing ends 2026-12-15 10:00 (Hà Nội); a day later, no outcome: the secretariat is told.
  clock.current = new Date('2026-12-16T03:05:00Z')
  await settle(app)
  t.equal(sink.mails.length, 3)
  t.equal(sink.mails[2]!.subject, 'Chưa ghi kết quả phiên giải trình về vệ sinh môi trường')
  clock.current = new Date('2026-12-17T03:05:00Z')
  await settle(app)
  t.equal(sink.mails.length, 3, 'nothing more on the second day')
  // Recorded on day 2: the 3-day notice is not sent; the conclusion one is planned 15 days after the end.
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/outcome`, headers: admin, payload: { summary: 'Đã giải trình.' } })).status, 200)
  clock.current = new Date('2026-12-18T03:05:00Z')
  await settle(app)
  t.equal(sink.mails.length, 3, 'the outcome recorded: no 3-day notice')
  const rows = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items as Array<{ kind: string, status: string, reminderOffset: string, dueAt: string }>
  t.same(rows.filter((r) => r.kind === 'outcome_overdue').map((r) => [r.reminderOffset, r.status]).sort(), [['P1D', 'sent'], ['P3D', 'superseded']])
  const conclusion = rows.find((r) => r.kind === 'conclusion_overdue')!
  t.match(conclusion, { reminderOffset: 'P15D', status: 'pending', dueAt: '2026-12-30T10:00:00.000+07:00' }, 'due 15 days after the end')
  clock.current = new Date('2026-12-30T03:05:00Z')
  await settle(app)
  t.equal(sink.mails.length, 4)
  t.equal(sink.mails[3]!.subject, 'Chưa có thông báo kết luận phiên giải trình về vệ sinh môi trường')

  // Another hearing whose conclusion notice is recorded in time: no reminder to the secretariat.
  clock.current = new Date('2026-11-27T02:00:00Z')
  const other = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình thứ hai', ...slotAt('2026-12-10') })
  clock.current = new Date('2026-12-10T05:00:00Z')
  await call(app, { method: 'POST', url: `/v1/hearings/${other.id}/outcome`, headers: admin, payload: { summary: 'Đã giải trình.' } })
  await call(app, { method: 'POST', url: `/v1/hearings/${other.id}/outcome`, headers: admin, payload: { summary: 'Đã giải trình.', conclusionText: 'Kết luận', conclusionIssuedOn: '2026-12-12' } })
  clock.current = new Date('2026-12-31T03:00:00Z')
  await settle(app)
  t.notOk(sink.mails.some((m) => m.subject!.includes('Phiên giải trình thứ hai') && m.subject!.startsWith('Chưa có thông báo kết luận')), 'the conclusion was issued: nothing sent')
})

t.test('webhooks: signed by Standard Webhooks and verified by a real receiver; 3 failures then success; always failing ends dead with its error in the API; Retry-After; 410 disables; secrets shown once, rotation with two valid secrets', async (t) => {
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', NOTIFY_POLL_MS: '600000', NOTIFY_MAX_ATTEMPTS: '5', WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const h = await seedHierarchy(app)
  await call(app, { method: 'PUT', url: `/v1/councils/${h.wardA.code}/notification-settings`, headers: admin, payload: { notificationEmail: null, overrides: { reminders: { explainer: [], participant: [], member: [] }, outcomeOverdue: [] } } })
  const flaky = await receiver(t, (n) => ({ status: n <= 3 ? 500 : 200 }))
  const register = async (url: string) => {
    const response = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url, description: 'Cổng SMS tỉnh' } })
    t.equal(response.status, 201)
    t.match(response.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'a whsec_ secret')
    t.equal(response.headers['cache-control'], 'no-store')
    return response.body as { endpoint: { id: string }, secret: string }
  }
  const flakyEndpoint = await register(flaky.url)
  const listed = await call(app, { url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin })
  t.equal(listed.body.items.length, 1)
  t.notMatch(JSON.stringify(listed.body), /whsec_/, 'the secret is never shown again')
  const audit = await call(app, { url: '/v1/audit?entity=webhook_endpoint', headers: admin })
  t.notMatch(JSON.stringify(audit.body), /whsec_/, 'nor kept in the audit log')

  const official = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Nguyễn Thị Lan', kind: 'official', phone: '0912345678', ownerCouncilId: h.wardA.id } })).body
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về trật tự đô thị', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: official.id, role: 'explainer' } })
  await settle(app)
  t.equal(flaky.deliveries.length, 1, 'a person without e-mail still reaches the SMS gateway')
  for (let attempt = 2; attempt <= 4; attempt++) {
    clock.advance(HOUR) // past the backoff (at most 4 minutes for the first retries)
    await settle(app)
    t.equal(flaky.deliveries.length, attempt, `attempt ${attempt}`)
  }
  const ids = new Set(flaky.deliveries.map((d) => d.headers['webhook-id']))
  t.equal(ids.size, 1, 'the same webhook-id on every attempt (receivers drop duplicates by it)')
  for (const delivery of flaky.deliveries) t.ok(verify(flakyEndpoint.secret, delivery), 'every attempt verifies with the secret')
  t.equal(new Set(flaky.deliveries.map((d) => d.body)).size, 1, 'every attempt posts the same body (each attempt\'s time is in its signature)')
  const linkOf = (d: Delivery) => /\/invitations\/(gt_[A-Za-z0-9_-]+)/.exec(String(d.payload.data.text))?.[1]
  t.ok(linkOf(flaky.deliveries[0]!), 'with the answer link')
  const payload = flaky.deliveries[3]!.payload
  t.match(payload, {
    type: 'person.invitation',
    data: {
      kind: 'invitation',
      sequence: hearing.sequence,
      hearing: { id: hearing.id, uid: `${hearing.id}@giaitrinh`, title: 'Phiên giải trình về trật tự đô thị', startsAt: '2026-12-15T08:00:00.000+07:00' },
      recipient: { personId: official.id, fullName: 'Nguyễn Thị Lan', phone: '0912345678', role: 'explainer' },
      subject: 'Thư mời dự phiên giải trình về trật tự đô thị'
    }
  }, 'what the gateway needs, Vietnamese intact')
  t.throws(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, flaky.deliveries[3]!), 'another secret does not verify')
  let rows = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items
  t.match(rows.find((r: { channel: string }) => r.channel === 'webhook'), { status: 'sent', attempts: 4, recipient: flaky.url, endpointId: flakyEndpoint.endpoint.id })

  // Rotation: for a day both secrets sign; a receiver still on the old one keeps verifying.
  const rotated = (await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks/${flakyEndpoint.endpoint.id}/rotate-secret`, headers: admin })).body
  t.not(rotated.secret, flakyEndpoint.secret)
  t.equal(new Date(rotated.endpoint.previousSecretExpiresAt).getTime(), clock.current.getTime() + 24 * HOUR)
  const tag = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag
  await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': tag }, payload: { location: 'Hội trường tầng 2' } })
  await settle(app)
  const update = flaky.deliveries[4]!
  t.equal(update.payload.type, 'person.update')
  t.equal(linkOf(update), linkOf(flaky.deliveries[0]!), 'the change carries the invitation\'s same answer link')
  t.notMatch(update.payload.data.text, /Thời gian cũ/, 'a change of place does not speak of an old time')
  t.equal(String(update.headers['webhook-signature']).split(' ').length, 2, 'two signatures during the rotation')
  t.ok(verify(rotated.secret, update), 'verifies with the new secret')
  t.ok(verify(flakyEndpoint.secret, update), 'and with the old one')
  clock.advance(25 * HOUR)
  const tag2 = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag
  await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': tag2 }, payload: { location: 'Hội trường tầng 3' } })
  await settle(app)
  const later = flaky.deliveries[5]!
  t.ok(verify(rotated.secret, later))
  t.throws(() => verify(flakyEndpoint.secret, later), 'after a day the old secret no longer signs')

  // A receiver that always fails: retried, then dead, its error in the API; Retry-After sets the next try.
  const failing = await receiver(t, () => ({ status: 503, headers: { 'retry-after': '120' } }))
  await register(failing.url)
  const second = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên thứ hai', ...slotAt('2026-12-16') })
  await call(app, { method: 'POST', url: `/v1/hearings/${second.id}/participants`, headers: admin, payload: { personId: official.id, role: 'explainer' } })
  await settle(app)
  t.equal(failing.deliveries.length, 1)
  const failingRow = () => call(app, { url: `/v1/hearings/${second.id}/notifications`, headers: admin }).then((r) => r.body.items.find((n: { recipient: string }) => n.recipient === failing.url))
  t.equal(new Date((await failingRow()).dueAt).getTime(), clock.current.getTime() + 120_000, 'Retry-After: 120 honoured')
  for (let attempt = 2; attempt <= 5; attempt++) {
    clock.advance(121_000)
    await settle(app)
    t.equal(failing.deliveries.length, attempt)
  }
  const dead = await failingRow()
  t.match(dead, { status: 'dead', attempts: 5, lastError: `HTTP 503 from ${failing.url}` }, 'dead, with its error visible')
  t.notMatch(dead.lastError, /gateway says no/, 'the receiver\'s own words are not repeated in the API')
  clock.advance(HOUR)
  await settle(app)
  t.equal(failing.deliveries.length, 5, 'nothing after it is dead')

  // 410 Gone disables the endpoint: its other notices are skipped, nothing more is posted.
  const gone = await receiver(t, () => ({ status: 410 }))
  const goneEndpoint = await register(gone.url)
  const third = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên thứ ba', ...slotAt('2026-12-17') })
  const other = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Trần Văn Bình', kind: 'official', ownerCouncilId: h.wardA.id } })).body
  await call(app, { method: 'POST', url: `/v1/hearings/${third.id}/participants`, headers: admin, payload: { personId: official.id, role: 'explainer' } })
  await settle(app)
  t.equal(gone.deliveries.length, 1)
  const endpoints = (await call(app, { url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin })).body.items
  t.match(endpoints.find((e: { id: string }) => e.id === goneEndpoint.endpoint.id), { enabled: false, disabledReason: /^410 Gone/ }, 'disabled, and why')
  await call(app, { method: 'POST', url: `/v1/hearings/${third.id}/participants`, headers: admin, payload: { personId: other.id, role: 'attendee' } })
  await settle(app)
  t.equal(gone.deliveries.length, 1, 'nothing more goes to it')
  rows = (await call(app, { url: `/v1/hearings/${third.id}/notifications`, headers: admin })).body.items
  t.match(rows.find((r: { recipient: string }) => r.recipient === gone.url), { status: 'dead', lastError: /HTTP 410/ })
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.code}/webhooks/${goneEndpoint.endpoint.id}`, headers: admin, payload: { enabled: true } })).body.enabled, true, 'enabled again by hand once the receiver is back')
})

t.test('webhook URLs into private, loopback and link-local ranges are refused unless WEBHOOK_ALLOW_PRIVATE; another ward cannot see or change a council\'s endpoints', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  for (const url of ['http://127.0.0.1:8080/hook', 'http://10.1.2.3/hook', 'http://192.168.1.10/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://[fe80::1]/hook', 'http://localhost:3000/hook', 'http://[::ffff:10.0.0.1]/hook',
    // Not global unicast: IPv4-compatible, NAT64, 6to4, IPv4-translated and site-local forms of loopback, and documentation ranges.
    'http://[::127.0.0.1]/hook', 'http://[64:ff9b::7f00:1]/hook', 'http://[2002:7f00:1::]/hook', 'http://[::ffff:0:7f00:1]/hook', 'http://[fec0::1]/hook',
    'http://[2001:db8::1]/hook', 'http://192.0.2.10/hook',
    // This host's own addresses, whatever they look like (any port: its database too).
    ...[...ownAddresses()].filter((address) => !address.includes('%')).map((address) => `http://${address.includes(':') ? `[${address}]` : address}:5432/hook`)]) {
    const response = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url } })
    t.equal(response.status, 422, `${url} refused`)
    t.match(response.body.detail, /private, loopback or link-local/)
  }
  for (const url of ['ftp://example.org/hook', 'not a url', 'https://user:pass@example.org/hook']) {
    t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url } })).status, 422, `${url} refused`)
  }
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook', extra: 1 } })).status, 400, 'unknown fields are refused')
  const created = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook' } })
  t.equal(created.status, 201, 'a public address is accepted')
  const otherWard = (await tokenFor(app, 'secretariat', h.wardB.id)).headers
  const id = created.body.endpoint.id
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.code}/webhooks`, headers: otherWard })).status, 403)
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks/${id}/rotate-secret`, headers: otherWard })).status, 403)
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardB.code}/webhooks/${id}/rotate-secret`, headers: otherWard })).status, 404, 'through its own council, another\'s endpoint is not found')
  t.equal((await call(app, { method: 'DELETE', url: `/v1/councils/${h.wardB.code}/webhooks/${id}`, headers: otherWard })).status, 404)
  t.equal((await call(app, { method: 'DELETE', url: `/v1/councils/${h.wardA.code}/webhooks/${id}`, headers: admin })).status, 204)
})

t.test('with e-mail configured, an explainer\'s notice counts from the delivery of their invitation, and is warned of while it has not been delivered', async (t) => {
  // A mail server that refuses one mailbox until told otherwise.
  const sink = await smtpSink(t)
  sink.defer.add('late@catlinh.example')
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000', NOTIFY_MAX_ATTEMPTS: '20' } })
  const h = await seedHierarchy(app)
  const person = async (fullName: string, email?: string) => (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: h.wardA.id, ...(email ? { email } : {}) } })).body as { id: string }
  const onTime = await person('Nguyễn Thị Lan', 'lan@catlinh.example')
  const late = await person('Trần Văn Muộn', 'late@catlinh.example')
  const noMail = await person('Lê Văn Cường')
  // Clock: 2026-11-27 09:00 in Hà Nội; the hearing on 2026-12-15, 18 days ahead (10 calendar days required).
  const hearing = await createHearing(app, { councilId: h.wardA.id, title: 'Phiên giải trình về giải phóng mặt bằng' })
  for (const p of [onTime, late, noMail]) await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: p.id, role: 'explainer' } })
  const scheduled = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/schedule`, headers: admin, payload: slotAt('2026-12-15') })
  t.equal(scheduled.status, 200)
  const notDelivered = scheduled.body.warnings.filter((w: { code: string }) => w.code === 'invitation_not_delivered')
  t.same(notDelivered.map((w: { personId: string }) => w.personId).sort(), [onTime.id, late.id, noMail.id].sort(), 'at scheduling, nobody has been delivered to yet')
  t.match(notDelivered.find((w: { personId: string }) => w.personId === noMail.id).message, /has no e-mail address/)
  await settle(app)

  let notice = (await call(app, { url: `/v1/hearings/${hearing.id}/notice`, headers: admin })).body
  t.equal(notice.emailConfigured, true)
  const byPerson = (id: string) => notice.explainers.find((e: { personId: string }) => e.personId === id)
  t.match(byPerson(onTime.id), { status: 'sufficient', actualDays: 18, requiredDays: 10, dayKind: 'calendar', rule: 'law-121-2025', deliveredAt: '2026-11-27T09:00:00.000+07:00' })
  t.match(byPerson(late.id), { status: 'not_delivered', deliveredAt: null })
  t.match(byPerson(noMail.id), { status: 'no_email' })
  t.same(notice.warnings.map((w: { code: string, personId: string }) => [w.code, w.personId]).sort(), [['invitation_not_delivered', late.id], ['invitation_not_delivered', noMail.id]].sort())

  // Their server refuses for now (451) until 2026-12-08: 7 days before the hearing, too short.
  sink.defer.clear()
  clock.current = new Date('2026-12-08T02:00:00Z')
  await settle(app)
  notice = (await call(app, { url: `/v1/hearings/${hearing.id}/notice`, headers: admin })).body
  t.match(byPerson(late.id), { status: 'too_short', actualDays: 7, requiredDays: 10, deliveredAt: '2026-12-08T09:00:00.000+07:00' })
  t.match(notice.warnings.find((w: { personId: string }) => w.personId === late.id), { code: 'notice_too_short', countedFrom: 'delivery', actualDays: 7, message: /Trần Văn Muộn.*delivered 7 calendar days before/ })
})

t.test('a member who joins after the hearing was scheduled gets its reminders; one whose membership ends is not reminded', async (t) => {
  const sink = await smtpSink(t)
  const { app, clock } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000' } })
  const h = await seedHierarchy(app)
  const person = async (fullName: string, email: string) => (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'delegate', email, ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về chợ dân sinh', ...slotAt('2026-12-15') })
  const joiner = await person('Vũ Thị Hằng', 'hang@catlinh.example')
  const leaver = await person('Hoàng Văn Tú', 'tu@catlinh.example')
  const join = async (personId: string) => (await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId, role: 'delegate', startsOn: '2026-11-01' } })).body as { id: string }
  await join(joiner.id)
  const leaving = await join(leaver.id)
  const reminders = async () => ((await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items as Array<{ kind: string, personId: string, reminderOffset: string, status: string, lastError: string | null }>)
    .filter((r) => r.kind === 'reminder')
  t.same((await reminders()).filter((r) => r.personId === joiner.id).map((r) => r.reminderOffset).sort(), ['P1D', 'PT2H'], 'planned when they joined')
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}/members/${leaving.id}`, headers: admin, payload: { endsOn: '2026-12-01' } })).status, 200)
  clock.current = new Date('2026-12-14T01:30:00Z') // 08:30 the day before
  await settle(app)
  t.same(sink.mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address), ['hang@catlinh.example'], 'the member is reminded; the one who left is not')
  t.match((await reminders()).find((r) => r.personId === leaver.id && r.reminderOffset === 'P1D'), { status: 'skipped', lastError: /no longer a member/ })
})

t.test('only global unicast addresses are public: the address check itself', async (t) => {
  const own = new Set(['203.0.114.7'])
  for (const address of ['::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::', '::ffff:0:7f00:1', 'fec0::1', 'fe80::1', 'fc00::1', '::1', '::', '2001::1', '2001:db8::1', '100.64.0.1', '198.51.100.1', '203.0.113.9']) {
    t.ok(isPrivateAddress(address, own), `${address} refused`)
  }
  t.ok(isPrivateAddress('203.0.114.7', own), 'this host\'s own public-looking address refused')
  for (const address of ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:93.184.215.14']) {
    t.notOk(isPrivateAddress(address, own), `${address} is public`)
  }
})

t.test('a council has at most 10 webhook endpoints: the 11th is refused, and nothing is added', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  for (let i = 1; i <= 10; i++) {
    t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: `https://93.184.215.14/hook/${i}` } })).status, 201, `endpoint ${i}`)
  }
  const eleventh = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook/11' } })
  t.equal(eleventh.status, 409)
  t.match(eleventh.body, { code: 'WEBHOOK_LIMIT', detail: /at most 10 webhook endpoints/ })
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin })).body.items.length, 10)
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardB.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook/b' } })).status, 201, 'another council has its own ten')
})

t.test('every payload delivered in this file is what the OpenAPI document\'s webhooks section says', async (t) => {
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { $ref: string } } } } } }>, components: { schemas: Record<string, object> } }
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  formats.default(ajv)
  for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`)
  // A notice to the secretariat too: an invitation declined, posted to the council's gateway.
  const gateway = await receiver(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', NOTIFY_POLL_MS: '600000', WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const h = await seedHierarchy(app)
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: gateway.url } })).status, 201)
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Hà Văn Từ', kind: 'official', phone: '0987654321', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${invited.body.invitationToken}/response`, payload: { response: 'declined', reason: 'Trùng lịch họp tỉnh' } })).status, 200)
  await app.notifier!.idle()
  const types = new Set(everyPayload.map((payload) => (payload as { type: string }).type))
  t.ok(everyPayload.length > 5, `${everyPayload.length} payloads delivered`)
  t.ok([...types].some((type) => type.startsWith('person.')) && [...types].some((type) => type.startsWith('secretariat.')), `of both kinds: ${[...types].sort().join(', ')}`)
  for (const payload of everyPayload) {
    const type = (payload as { type: string }).type
    const entry = document.webhooks[type]
    t.ok(entry, `${type} is documented`)
    const validate = ajv.getSchema(entry!.post.requestBody.content['application/json'].schema.$ref)!
    t.ok(validate(payload), `${type}: ${ajv.errorsText(validate.errors)}`)
  }
})
