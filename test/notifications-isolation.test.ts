import t, { type Test } from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTcpServer, type Socket } from 'node:net'
import { EventEmitter } from 'node:events'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { smtpSink } from './mail-helper.js'
import { claimDueNotifications, insertNotifications, renewLease, settleNotification } from '../src/db/queries/notifications.js'

// Issue "Notices that never wait on strangers": one council's slow receiver holds only its own
// notices; every send has a total deadline; a worker whose lease was taken changes nothing.

/** A webhook receiver that answers 200 at once, then sends one byte a second and never ends its answer. */
async function dripReceiver (t: Test) {
  const requests: number[] = []
  const open = new Set<ServerResponse>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    requests.push(Date.now())
    happened.emit('event')
    res.writeHead(200, { 'content-type': 'text/plain' })
    open.add(res)
    const drip = setInterval(() => res.write('.'), 1000)
    res.on('close', () => { clearInterval(drip); open.delete(res) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // Closed before the app (teardowns run last first): the worker's posts then end at once.
  const close = () => new Promise<void>((resolve) => {
    for (const res of open) res.destroy()
    server.close(() => resolve())
  })
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`, requests, close }
}

/** A webhook receiver that answers 204 at once. */
async function quickReceiver (t: Test) {
  const arrivals: number[] = []
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => { arrivals.push(Date.now()); happened.emit('event'); res.writeHead(204).end() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`, arrivals }
}

/** An SMTP server that takes the envelope and then says nothing after DATA. */
async function silentSmtp (t: Test) {
  const sockets = new Set<Socket>()
  let data = 0
  const server = createTcpServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.write('220 silent.test ESMTP\r\n')
    let buffer = ''
    let inData = false
    socket.on('data', (chunk) => {
      if (inData) return
      buffer += chunk.toString('latin1')
      let line: string | undefined
      while ((line = buffer.split('\r\n')[0]) !== undefined && buffer.includes('\r\n')) {
        buffer = buffer.slice(line.length + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 silent.test\r\n')
        else if (verb === 'DATA') { data++; inData = true; happened.emit('event'); socket.write('354 go ahead\r\n') } else if (verb === 'QUIT') socket.end('221 bye\r\n')
        else socket.write('250 ok\r\n')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  return { url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`, dataCommands: () => data }
}

/** What the test servers tell as it happens: a test waits on the event itself, not on a poll. */
const happened = new EventEmitter()

/** Resolves when `check` holds, looked at each time a test server tells of something; rejects after `ms`. */
function until (what: string, check: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const look = () => {
      if (!check()) return
      clearTimeout(timer)
      happened.off('event', look)
      resolve()
    }
    const timer = setTimeout(() => { happened.off('event', look); reject(new Error(`not within ${ms} ms: ${what}`)) }, ms)
    happened.on('event', look)
    look()
  })
}

t.test('a receiver that drips a byte a second holds only its own council\'s notices: another ward\'s e-mail goes out within 5 s', async (t) => {
  const sink = await smtpSink(t)
  const drip = await dripReceiver(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: sink.url, NOTIFY_POLL_MS: '600000', NOTIFY_BATCH: '5', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '30000' } })
  t.teardown(drip.close)
  const h = await seedHierarchy(app)
  // Ward C (here ward A): its gateway drips; twelve invitations to it fill its lane and more.
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: drip.url } })).status, 201)
  const slow = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  for (let i = 0; i < 12; i++) {
    const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: `Đại biểu ${i + 1}`, kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
    await call(app, { method: 'POST', url: `/v1/hearings/${slow.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })
  }
  await until('the dripping receiver is being posted to', () => drip.requests.length >= 2, 10_000)

  // Ward B invites while ward A's gateway holds its posts.
  const started = Date.now()
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Phạm Văn Bình', kind: 'official', email: 'binh@hangbot.example', ownerCouncilId: h.wardB.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', ...slotAt('2026-12-16') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  await sink.received(1, 5000)
  const took = Date.now() - started
  t.ok(took < 5000, `ward B's invitation delivered in ${took} ms while ward A's receiver drips`)
  t.match(JSON.stringify(sink.mails[0]!.to), 'binh@hangbot.example', 'to ward B\'s explainer')
  t.ok(drip.requests.length <= 2 + 2, `ward A's lane posts at most two at once (${drip.requests.length} posts begun)`)
})

t.test('an SMTP server silent after DATA: other councils\' webhooks go on, and the e-mail fails at its deadline, to be tried again', async (t) => {
  const smtp = await silentSmtp(t)
  const gateway = await quickReceiver(t)
  const { app } = await build(t, { config: { NOTIFY_WORKER: 'on', SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '1500', NOTIFY_POLL_MS: '600000', WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const h = await seedHierarchy(app)
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardB.code}/webhooks`, headers: admin, payload: { url: gateway.url } })).status, 201)
  // Ward A: an e-mail that the silent server will hold.
  const mailed = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Nguyễn Thị Lan', kind: 'official', email: 'lan@catlinh.example', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const held = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  await call(app, { method: 'POST', url: `/v1/hearings/${held.id}/participants`, headers: admin, payload: { personId: mailed.id, role: 'explainer' } })
  await until('the message reached DATA', () => smtp.dataCommands() >= 1, 5000)

  // Ward B: a notice to its gateway while the e-mail hangs.
  const started = Date.now()
  const texted = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Phạm Văn Bình', kind: 'official', phone: '0912345678', ownerCouncilId: h.wardB.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', ...slotAt('2026-12-16') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: texted.id, role: 'explainer' } })
  await until('ward B\'s gateway is posted to', () => gateway.arrivals.length >= 1, 1000)
  t.ok(gateway.arrivals[0]! - started < 1000, `ward B's webhook posted in ${gateway.arrivals[0]! - started} ms while the SMTP server is silent`)

  await app.notifier!.idle()
  const row = (await call(app, { url: `/v1/hearings/${held.id}/notifications`, headers: admin })).body.items.find((n: { kind: string, channel: string }) => n.kind === 'invitation' && n.channel === 'email')
  t.match(row, { status: 'pending', attempts: 1, lastError: /did not accept the message within 1500 ms/ }, 'failed at the deadline, to be tried again later')
})

t.test('a worker whose lease ran out and was taken by another changes nothing: the other\'s "sent" stands', async (t) => {
  const { app, database } = await build(t)
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const now = new Date('2026-11-27T02:00:00Z')
  await insertNotifications(database.db, [{
    hearingId: hearing.id,
    councilId: h.wardA.id,
    personId: null,
    participantId: null,
    kind: 'outcome_overdue',
    sequence: hearing.sequence,
    channel: 'email',
    recipient: 'office@catlinh.example',
    endpointId: null,
    reminderOffset: null,
    idempotencyKey: 'fence-test',
    dueAt: now,
    status: 'pending',
    createdAt: now,
    updatedAt: now
  }])
  const [first] = await claimDueNotifications(database.db, now, new Date(now.getTime() + 1000), 10)
  t.ok(first, 'worker 1 claims the row')
  // Its lease ends; worker 2 claims the row and sends it.
  const later = new Date(now.getTime() + 5000)
  const [second] = await claimDueNotifications(database.db, later, new Date(later.getTime() + 120_000), 10)
  t.equal(second?.id, first!.id, 'worker 2 claims it once the lease has ended')
  t.equal(await renewLease(database.db, first!, new Date(later.getTime() + 120_000)), undefined, 'worker 1 cannot take the lease back')
  t.equal(await settleNotification(database.db, second!.id, second!.leaseUntil!, { status: 'sent', sentAt: later, messageId: 'm2', attempts: 1 }, later), true, 'worker 2 records it sent')
  // Worker 1, late, records a failure: nothing changes.
  t.equal(await settleNotification(database.db, first!.id, first!.leaseUntil!, { status: 'pending', lastError: 'timeout', attempts: 1, dueAt: later }, later), false, 'worker 1\'s late failure is refused')
  const rows = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items
  t.match(rows.find((row: { id: string }) => row.id === first!.id), { status: 'sent', lastError: null }, 'the row stays sent')
})
