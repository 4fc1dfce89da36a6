import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import type { ChildProcess } from 'node:child_process'
import { SMTPServer } from 'smtp-server'
import { inArray, sql } from 'drizzle-orm'
import { admin, build, call, createTestPostgresDatabase, onPostgres, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { spawnServer } from './process.js'
import { createPostgres } from '../src/db/client.js'
import { hearingParticipants, notifications, people } from '../src/db/schema.js'

// Issue "Reminders and notices reach people", acceptance: several worker processes on PostgreSQL
// share the outbox (each notice delivered once), and a worker killed mid-batch loses nothing.
// They need several connections and processes on one database: PostgreSQL only.

const skip = onPostgres ? false : 'needs PostgreSQL (worker processes share the outbox): run with DATABASE_URL'

/** An SMTP sink that counts what each recipient received. */
async function sink (t: Test) {
  const received = new Map<string, number>()
  let total = 0
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo (address, _session, callback) {
      received.set(address.address, (received.get(address.address) ?? 0) + 1)
      total++
      callback()
    },
    onData (stream, _session, callback) {
      stream.on('end', () => callback())
      stream.resume()
    }
  })
  // A worker killed mid-conversation resets its connection: the sink carries on.
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { port: (server.server.address() as { port: number }).port, received, total: () => total }
}

/** A council, hearings and `count` invitations, each with its pending e-mail notice, loaded directly. */
async function outbox (t: Test, count: number) {
  const url = await createTestPostgresDatabase(t)
  const database = createPostgres(url, 4)
  await database.migrate()
  t.teardown(() => database.close())
  const { app } = await build(t, { database })
  const h = await seedHierarchy(app)
  const now = new Date()
  const perHearing = 100
  for (let k = 0; k < count / perHearing; k++) {
    const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: `Phiên ${k + 1}`, ...slotAt(`2026-12-${String(10 + (k % 18)).padStart(2, '0')}`, 8 + Math.floor(k / 18) * 2) })
    const persons = await database.db.insert(people).values(Array.from({ length: perHearing }, (_, i) => ({
      fullName: `Người ${k}-${i}`, email: `p${k}-${i}@sink.example`, kind: 'official' as const, ownerCouncilId: h.wardA.id, createdAt: now, updatedAt: now
    }))).returning({ id: people.id, email: people.email })
    const invitations = await database.db.insert(hearingParticipants).values(persons.map((p) => ({
      hearingId: hearing.id, personId: p.id, role: 'attendee' as const, invitationHash: randomUUID(), createdAt: now, updatedAt: now
    }))).returning({ id: hearingParticipants.id, personId: hearingParticipants.personId })
    await database.db.insert(notifications).values(invitations.map((inv, i) => ({
      hearingId: hearing.id,
      councilId: h.wardA.id,
      personId: inv.personId,
      participantId: inv.id,
      kind: 'invitation' as const,
      sequence: hearing.sequence,
      channel: 'email' as const,
      recipient: persons[i]!.email!,
      idempotencyKey: `${hearing.id}:${inv.id}`,
      dueAt: now,
      status: 'pending' as const,
      createdAt: now,
      updatedAt: now
    })))
  }
  await call(app, { method: 'GET', url: '/healthz', headers: admin })
  return { url, database }
}

function startWorker (env: Record<string, string>) {
  const child = spawnServer({ NOTIFY_POLL_MS: '200', NOTIFY_LEASE_MS: '2000', PUBLIC_BASE_URL: 'https://giaitrinh.test', LOG_LEVEL: 'warn', ...env }, 'src/cli/worker.ts')
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  return { child, output: () => output }
}

async function until (what: string, check: () => boolean | Promise<boolean>, ms = 120_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function stopAll (children: ChildProcess[]) {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}

t.test('three worker processes over 2,000 due notices: each delivered exactly once', { skip, timeout: 300_000 }, async (t) => {
  const smtp = await sink(t)
  const { url, database } = await outbox(t, 2000)
  const env = { DATABASE_URL: url, SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }
  const workers = [startWorker(env), startWorker(env), startWorker(env)]
  t.teardown(() => stopAll(workers.map((w) => w.child)))
  const started = Date.now()
  await until('every notice sent', async () => {
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(inArray(notifications.status, ['pending']))
    return row!.n === 0
  })
  const seconds = (Date.now() - started) / 1000
  t.equal(smtp.total(), 2000, 'the sink received 2,000 messages')
  t.equal(smtp.received.size, 2000, 'one for each of the 2,000 recipients')
  t.ok([...smtp.received.values()].every((n) => n === 1), 'none twice')
  const [sent] = await database.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(inArray(notifications.status, ['sent']))
  t.equal(sent!.n, 2000)
  t.comment(`3 workers delivered 2,000 notices in ${seconds.toFixed(1)} s (${(2000 / seconds).toFixed(0)}/s) to the local SMTP sink`)
})

t.test('kill -9 of a worker mid-batch, three times: every notice is delivered after a restart; duplicates at most the rows in flight', { skip, timeout: 300_000 }, async (t) => {
  const smtp = await sink(t)
  const { url, database } = await outbox(t, 600)
  const env = { DATABASE_URL: url, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, NOTIFY_BATCH: '25', NOTIFY_LEASE_MS: '3000' }
  const figures: string[] = []
  let inFlightTotal = 0
  for (let round = 1; round <= 3; round++) {
    const worker = startWorker(env)
    const before = smtp.total()
    await until(`round ${round}: mid-batch`, () => smtp.total() >= before + 60 + round * 7)
    worker.child.kill('SIGKILL')
    await once(worker.child, 'exit')
    const [flight] = await database.db.select({ n: sql<number>`count(*)::int` }).from(notifications)
      .where(sql`${notifications.status} = 'pending' and ${notifications.leaseUntil} > now()`)
    inFlightTotal += flight!.n
    figures.push(`round ${round}: killed after ${smtp.total() - before} messages, ${flight!.n} rows in flight`)
  }
  const last = startWorker(env)
  t.teardown(() => stopAll([last.child]))
  await until('every notice delivered after the restarts', async () => {
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(inArray(notifications.status, ['pending']))
    return row!.n === 0
  })
  const duplicates = smtp.total() - smtp.received.size
  t.equal(smtp.received.size, 600, 'every one of the 600 recipients got their notice')
  t.ok(duplicates <= inFlightTotal, `duplicates (${duplicates}) no more than the rows in flight at the kills (${inFlightTotal})`)
  const [dead] = await database.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(inArray(notifications.status, ['dead']))
  t.equal(dead!.n, 0)
  t.comment(`${figures.join('; ')}; then ${smtp.total()} messages in all, ${duplicates} duplicate(s)`)
})

t.test('kill -9 of a worker while a 40-recipient schedule is sent, three rounds: nobody is missed; duplicates at most the messages sent and not yet recorded at the kill', { skip, timeout: 300_000 }, async (t) => {
  // An SMTP server that takes 15 ms to accept each message, counting only messages it accepted whole.
  const delivered = new Map<string, number>()
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, session, callback) {
      stream.resume()
      stream.on('end', () => setTimeout(() => {
        for (const to of session.envelope.rcptTo) delivered.set(to.address, (delivered.get(to.address) ?? 0) + 1)
        callback()
      }, 15))
    }
  })
  smtp.on('error', () => {})
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  const total = () => [...delivered.values()].reduce((a, b) => a + b, 0)

  const url = await createTestPostgresDatabase(t)
  const database = createPostgres(url, 4)
  await database.migrate()
  t.teardown(() => database.close())
  const { app } = await build(t, { database })
  const h = await seedHierarchy(app)
  const env = { DATABASE_URL: url, SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, NOTIFY_LEASE_MS: '2000', NOTIFY_POLL_MS: '100' }
  const figures: string[] = []
  let unrecorded = 0
  let worker = startWorker(env)
  for (let round = 1; round <= 3; round++) {
    const hearing = await createHearing(app, { councilId: h.wardA.id, title: `Phiên giải trình ${round}` })
    for (let i = 0; i < 40; i++) {
      const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: `Đại biểu ${round}-${i}`, kind: 'delegate', email: `r${round}-${i}@sink.example`, ownerCouncilId: h.wardA.id } })).body as { id: string }
      await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'attendee' } })
    }
    const before = total()
    const scheduled = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/schedule`, headers: admin, payload: slotAt(`2026-12-${String(14 + round).padStart(2, '0')}`) })
    t.equal(scheduled.status, 200, `round ${round}: scheduled, 40 invitations planned`)
    await until(`round ${round}: part of the schedule sent`, () => total() >= before + 8 + round * 3)
    worker.child.kill('SIGKILL')
    await once(worker.child, 'exit')
    // Messages the server was still accepting when the connection died are counted as they end.
    await new Promise((resolve) => setTimeout(resolve, 100))
    // What the dead worker sent and had not recorded — of this round's schedule or an earlier one's
    // it was still finishing: the most that can be sent again.
    const rows = await database.db.select({ recipient: notifications.recipient, status: notifications.status }).from(notifications).where(sql`${notifications.kind} = 'invitation'`)
    const flight = rows.filter((row) => row.status !== 'sent' && (delivered.get(row.recipient) ?? 0) > 0).length
    unrecorded += flight
    figures.push(`round ${round}: killed after ${total() - before} of 40, ${flight} sent and not yet recorded`)
    worker = startWorker(env)
  }
  t.teardown(() => stopAll([worker.child]))
  await until('every invitation delivered after the restarts', async () => {
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(sql`${notifications.status} = 'pending' and ${notifications.kind} = 'invitation'`)
    return row!.n === 0
  })
  const duplicates = total() - delivered.size
  t.equal(delivered.size, 120, 'each of the 120 invited got their invitation: none lost')
  t.ok(duplicates <= unrecorded, `duplicates (${duplicates}) no more than the messages in flight at the kills (${unrecorded})`)
  t.ok(unrecorded <= 3 * 10, 'in flight: at most the SMTP lane\'s concurrency per kill')
  t.comment(`${figures.join('; ')}; ${duplicates} duplicate(s) in all`)
})
