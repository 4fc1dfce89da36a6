/**
 * 10,000 notices due at once, delivered by the notification worker to a local SMTP sink, on PGlite
 * and on PostgreSQL (the local server, or DATABASE_URL): throughput against a bare nodemailer loop
 * that sends the same number of messages of the same size to the same sink with the same pool, in
 * the same run (goal ≥ 0.6×), and the p99 lateness of a notice after it fell due against the bare
 * loop's own p99 had all its messages been due when it started (goal ≤ 1.3×). With everything due at
 * once, the p99 lateness is close to the whole run's time, so ≤ 1.3× asks for about ≥ 0.77× throughput.
 *   npm run bench:reminders [-- --count 10000]
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { createDatabase, createPostgres, MEMORY, type Database } from '../src/db/client.js'
import { councils, hearingParticipants, hearings, notifications, people } from '../src/db/schema.js'
import { composeEmail } from '../src/notifications/compose.js'
import { createMailTransport, NotificationWorker, SEND_CONCURRENCY } from '../src/notifications/worker.js'
import { workerWrites } from '../src/services/notifications.js'
import { feedEvents } from '../src/db/queries/feeds.js'
import { benchDatabase } from './lib.js'
import { sealing } from '../src/domain/sealing.js'

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' } } })
const COUNT = Number(values.count)
const PER_HEARING = 100
const options = { lang: 'vi' as const, baseUrl: 'https://giaitrinh.example', organizerEmail: 'noreply@giaitrinh.example', ttlSeconds: 3600 }
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

/** The sink: counts messages and when each arrived, by recipient. */
async function startSink () {
  const arrivals: number[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, _session, callback) {
      stream.on('end', () => { arrivals.push(Date.now()); callback() })
      stream.resume()
    }
  })
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.server.address() as { port: number }).port, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** 10,000 invitations (100 hearings of 100 people), each with its notice due now. */
async function fillOutbox (database: Database) {
  const db = database.db
  const now = new Date()
  const stamp = { createdAt: now, updatedAt: now }
  const [council] = await db.insert(councils).values({ code: `bench-${randomUUID().slice(0, 8)}`, name: 'Phường Thử Nghiệm', level: 'ward', activeFrom: '2020-01-01', ...stamp }).returning()
  for (let k = 0; k < COUNT / PER_HEARING; k++) {
    const start = new Date(Date.UTC(2027, 0, 4 + k, 1))
    const [hearing] = await db.insert(hearings).values({
      councilId: council!.id, title: `Phiên giải trình số ${k + 1} về trật tự đô thị`, location: 'Hội trường UBND phường', status: 'scheduled', startsAt: start, endsAt: new Date(start.getTime() + 7_200_000), sequence: 1, ...stamp
    }).returning()
    const persons = await db.insert(people).values(Array.from({ length: PER_HEARING }, (_, i) => ({
      fullName: `Nguyễn Văn Thử ${k}-${i}`, email: `p${k}-${i}@sink.example`, kind: 'official' as const, ownerCouncilId: council!.id, ...stamp
    }))).returning({ id: people.id, email: people.email })
    const invitations = await db.insert(hearingParticipants).values(persons.map((p) => ({
      hearingId: hearing!.id, personId: p.id, role: 'attendee' as const, invitationHash: randomUUID(), ...stamp
    }))).returning({ id: hearingParticipants.id, personId: hearingParticipants.personId })
    await db.insert(notifications).values(invitations.map((inv, i) => ({
      hearingId: hearing!.id,
      councilId: council!.id,
      personId: inv.personId,
      participantId: inv.id,
      kind: 'reminder' as const,
      reminderOffset: 'P1D',
      sequence: 1,
      channel: 'email' as const,
      recipient: persons[i]!.email!,
      idempotencyKey: `${hearing!.id}:${inv.id}`,
      dueAt: now,
      status: 'pending' as const,
      ...stamp
    })))
  }
  return council!.id
}

async function run (engine: string, database: Database) {
  await database.migrate()
  await fillOutbox(database)
  const sink = await startSink()
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`

  // Baseline: nodemailer alone, the same pool (as many connections, as many at a time), the same message.
  const [sample] = (await database.db.select().from(notifications).limit(1))
  const event = (await feedEvents(database.db, [sample!.hearingId], true)).get(sample!.hearingId)!
  const email = composeEmail({ kind: 'reminder', lang: 'vi', event, recipient: { fullName: 'Nguyễn Văn Thử', email: sample!.recipient }, role: 'attendee', answerUrl: null }, options)
  const bare = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SEND_CONCURRENCY })
  const bareDue = Date.now()
  let t0 = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, async () => {
    while (next < COUNT) {
      next++
      await bare.sendMail({ ...email, from: 'giaitrinh <noreply@giaitrinh.example>' })
    }
  }))
  const bareSeconds = (performance.now() - t0) / 1000
  bare.close()
  // What the sink allows at best: the bare loop's own lateness, had all been due when it started.
  const bareP99 = percentile(sink.arrivals.map((at) => (at - bareDue) / 1000), 0.99)
  sink.arrivals.length = 0

  // The worker: every notice due at t0; lateness is arrival minus t0.
  const transport = createMailTransport(smtpUrl, MEMORY)
  const worker = new NotificationWorker({
    db: database.db, now: () => new Date(), writes: workerWrites(database.db, () => new Date(), sealing('bench-secret-key-0000000000000000000000000')), transport, feedOptions: () => options, from: () => 'giaitrinh <noreply@giaitrinh.example>', maxAttempts: 3, pollMs: 60_000, batch: 50
  })
  const due = Date.now()
  t0 = performance.now()
  await worker.drain()
  const workerSeconds = (performance.now() - t0) / 1000
  transport.close()
  await sink.close()
  const lateness = sink.arrivals.map((at) => (at - due) / 1000)
  const ratio = (COUNT / workerSeconds) / (COUNT / bareSeconds)
  console.log(`${engine.padEnd(10)} bare nodemailer ${bareSeconds.toFixed(1)} s (${(COUNT / bareSeconds).toFixed(0)}/s); worker ${workerSeconds.toFixed(1)} s (${(COUNT / workerSeconds).toFixed(0)}/s), ${sink.arrivals.length} delivered; ` +
    `ratio ${ratio.toFixed(2)} (goal ≥ 0.6); lateness p50 ${percentile(lateness, 0.5).toFixed(1)} s, p99 ${percentile(lateness, 0.99).toFixed(1)} s, ` +
    `${(percentile(lateness, 0.99) / bareP99).toFixed(2)}× the bare loop's own p99 of ${bareP99.toFixed(1)} s (goal ≤ 1.3×)`)
  if (sink.arrivals.length !== COUNT) throw new Error(`${sink.arrivals.length} delivered, not ${COUNT}`)
  await database.close()
}

console.log(`bench:reminders: ${COUNT} notices due at once, to a local SMTP sink (smtp-server, in this process)`)
await run('PGlite', await createDatabase({ DATA_DIR: MEMORY }))
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres'
const target = await benchDatabase()
try {
  await run('PostgreSQL', createPostgres(target.env.DATABASE_URL!, 10))
} finally {
  await target.drop()
}
