import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import { DateTime } from 'luxon'
import nodemailer from 'nodemailer'
import { MEMORY, type Db } from '../db/client.js'
import { feedEvents, memberRole } from '../db/queries/feeds.js'
import { insertInvitationLink } from '../db/queries/hearings.js'
import { councils, hearingParticipants, hearings, notifications, people, webhookEndpoints } from '../db/schema.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import type { Config } from '../config.js'
import { hearingUrl, type FeedEvent, type FeedOptions } from '../feeds/ical.js'
import { feedOptions } from '../feeds/http.js'
import { skipEndpointNotices } from './plan.js'
import { composeEmail, composeSecretariatEmail, type Email, type PersonNoticeKind } from './mail.js'
import { postWebhook, retryAfterMs, signatureHeaders } from './webhooks.js'
import { consoleHearingPath, invitationPath } from '../links/index.js'

export type Notification = typeof notifications.$inferSelect

/** A notice whose recipient is no longer concerned (a member's reminder after their membership ended): skipped. */
class NoLongerConcerned extends Error {}

/** Messages sent at once by one worker (the SMTP pool keeps as many connections). */
export const SEND_CONCURRENCY = 10

/** Where e-mail goes: SMTP (nodemailer), or .eml files when no SMTP server is configured. */
export interface MailTransport {
  send (email: Email & { from: string }): Promise<{ messageId: string }>
  close (): void
}

export function createMailTransport (smtpUrl: string | undefined, dataDir: string): MailTransport {
  if (smtpUrl) {
    // Pooled: a few connections kept open and reused, rather than a handshake for every message.
    const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SEND_CONCURRENCY })
    return {
      async send (email) {
        const info = await transport.sendMail(email)
        return { messageId: info.messageId }
      },
      close: () => transport.close()
    }
  }
  // Without SMTP_URL: each message as an .eml file (RFC 5322, CRLF) that a mail client opens.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  // An in-memory database (DATA_DIR=memory://) has no directory: its e-mails go to the system's temporary one.
  const folder = dataDir === MEMORY ? join(tmpdir(), `giaitrinh-mail-${process.pid}`) : join(dataDir, 'mail')
  return {
    async send (email) {
      const info = await transport.sendMail(email)
      await mkdir(folder, { recursive: true })
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9.-]/g, '')}.eml`
      await writeFile(join(folder, name), info.message as Buffer)
      return { messageId: info.messageId }
    },
    close: () => transport.close()
  }
}

export interface WorkerOptions {
  db: Db
  now: () => Date
  transport: MailTransport
  /** How links and calendar parts are written (base URL, organizer). */
  feedOptions: () => FeedOptions
  from: () => string
  maxAttempts: number
  pollMs: number
  /** How long a claimed row is this worker's before another may take it (a worker that died). */
  leaseMs?: number
  batch?: number
  log?: { warn: (object: object, message: string) => void, error: (object: object, message: string) => void }
  /** Webhooks: whether private addresses may be reached (WEBHOOK_ALLOW_PRIVATE), how long a receiver has to answer. */
  webhooks?: { allowPrivate: boolean, timeoutMs: number }
  /** For tests: the jitter's randomness. */
  random?: () => number
}

interface Batch {
  hearings: Map<string, typeof hearings.$inferSelect>
  people: Map<string, typeof people.$inferSelect>
  participants: Map<string, typeof hearingParticipants.$inferSelect>
  endpoints: Map<string, typeof webhookEndpoints.$inferSelect>
  /** The secretariats' addresses, by council. */
  secretariats: Map<string, { code: string, email: string | null }>
  /** The hearings' events, read once per batch. */
  events: Map<string, Promise<FeedEvent | undefined>>
  /** Rows sent, to be marked together. */
  sent: Array<{ id: string, messageId: string, attempts: number }>
}

/** Delay before attempt `attempts + 1`: exponential from 30 s, at most an hour, with jitter (half to all of it). */
export function backoffMs (attempts: number, random: () => number = Math.random): number {
  const full = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1))
  return Math.round(full / 2 + (full / 2) * random())
}

/**
 * Delivers due notifications. Rows are claimed in one statement (FOR UPDATE SKIP LOCKED, a lease),
 * then sent with no transaction open, then marked (attempts + 1): any number of workers on
 * PostgreSQL share the outbox, each row going to one of them; a worker that dies mid-send leaves
 * its rows to be claimed again when their lease ends (so a row in flight at a crash may be sent twice;
 * nothing is lost).
 */
export class NotificationWorker {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  stats = { sent: 0, failed: 0, superseded: 0, dead: 0 }

  constructor (private readonly options: WorkerOptions) {}

  start (): void {
    this.stopped = false
    this.timer = setInterval(() => this.wake(), this.options.pollMs)
    this.timer.unref()
    this.wake()
  }

  /** Looks for due rows now (a write planned some); runs once more if woken while running. */
  wake (): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.drain().then(() => undefined, (error: unknown) => {
      this.options.log?.error({ err: error }, 'notification worker: a round failed; retrying at the next poll')
    }).finally(() => {
      this.running = undefined
      if (this.again && !this.stopped) {
        this.again = false
        this.wake()
      }
    })
  }

  /** Resolves once no round is running (tests and tools wait on it before reading the outbox). */
  async idle (): Promise<void> {
    while (this.running) await this.running
  }

  /** Waits for the round in progress; sends nothing more. */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    await this.running
  }

  /** Delivers every row due now, batch by batch; returns how many were handled. */
  async drain (): Promise<number> {
    let handled = 0
    for (;;) {
      const rows = await this.claim()
      const batch = await this.loadBatch(rows)
      // A few at a time (the SMTP pool's connections).
      const queue = [...rows]
      await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, async () => {
        for (let row = queue.shift(); row; row = queue.shift()) await this.deliver(row, batch)
      }))
      await this.markSent(batch.sent)
      handled += rows.length
      if (rows.length < (this.options.batch ?? 20) || this.stopped) return handled
    }
  }

  /** What the batch's rows need, read once for all of them: hearings, people, invitations. */
  private async loadBatch (rows: Notification[]): Promise<Batch> {
    const { db } = this.options
    const ids = (pick: (row: Notification) => string | null) => [...new Set(rows.map(pick).filter((id): id is string => id !== null))]
    const some = <T>(list: string[], read: (list: string[]) => Promise<T[]>) => list.length ? read(list) : Promise.resolve([])
    const [hearingRows, personRows, participantRows, endpointRows, councilRows] = await Promise.all([
      some(ids((r) => r.hearingId), (list) => db.select().from(hearings).where(inArray(hearings.id, list))),
      some(ids((r) => r.personId), (list) => db.select().from(people).where(inArray(people.id, list))),
      some(ids((r) => r.participantId), (list) => db.select().from(hearingParticipants).where(inArray(hearingParticipants.id, list))),
      some(ids((r) => r.endpointId), (list) => db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, list))),
      some(ids((r) => (r.personId === null || r.channel === 'webhook' ? r.councilId : null)), (list) => db.select({ id: councils.id, code: councils.code, email: councils.notificationEmail }).from(councils).where(inArray(councils.id, list)))
    ])
    return {
      hearings: new Map(hearingRows.map((h) => [h.id, h])),
      people: new Map(personRows.map((p) => [p.id, p])),
      participants: new Map(participantRows.map((p) => [p.id, p])),
      endpoints: new Map(endpointRows.map((e) => [e.id, e])),
      secretariats: new Map(councilRows.map((c) => [c.id, { code: c.code, email: c.email }])),
      events: new Map(),
      sent: []
    }
  }

  async claim (): Promise<Notification[]> {
    const { db } = this.options
    const now = this.options.now()
    const due = db.select({ id: notifications.id }).from(notifications)
      .where(and(eq(notifications.status, 'pending'), lte(notifications.dueAt, now), or(isNull(notifications.leaseUntil), lt(notifications.leaseUntil, now))))
      .orderBy(asc(notifications.dueAt)).limit(this.options.batch ?? 20)
      .for('update', { skipLocked: true })
    return db.update(notifications)
      .set({ leaseUntil: new Date(now.getTime() + (this.options.leaseMs ?? 120_000)), updatedAt: now })
      .where(inArray(notifications.id, due))
      .returning()
  }

  /**
   * Takes the row's lease once more just before sending: if it ran out meanwhile and another worker
   * claimed the row, this one leaves it (so a slow batch does not send twice).
   */
  private async holdLease (row: Notification): Promise<Notification | undefined> {
    const now = this.options.now()
    const [held] = await this.options.db.update(notifications)
      .set({ leaseUntil: new Date(now.getTime() + (this.options.leaseMs ?? 120_000)) })
      .where(and(eq(notifications.id, row.id), eq(notifications.status, 'pending'), eq(notifications.leaseUntil, row.leaseUntil!)))
      .returning()
    return held
  }

  private async deliver (claimed: Notification, batch: Batch): Promise<void> {
    // The lease is this worker's until it ends; a batch that ran past half of it takes it again
    // first, and leaves a row another worker has claimed meanwhile.
    const row = this.options.now().getTime() < claimed.leaseUntil!.getTime() - (this.options.leaseMs ?? 120_000) / 2 ? claimed : await this.holdLease(claimed)
    if (!row) return
    const hearing = batch.hearings.get(row.hearingId)
    const stale = !hearing ||
      (hearing.status === 'cancelled' && row.kind !== 'cancellation') ||
      (['invitation', 'update', 'postponement'].includes(row.kind) && (hearing.sequence !== row.sequence || row.participantId === null)) ||
      ((row.kind === 'reminder' || row.kind === 'outcome_overdue') && (hearing.sequence !== row.sequence || hearing.status !== 'scheduled')) ||
      (row.kind === 'conclusion_overdue' && (hearing.status !== 'held' || Boolean(hearing.outcome?.conclusionIssuedOn)))
    if (stale) {
      await this.mark(row, { status: 'superseded' })
      this.stats.superseded++
      return
    }
    if (row.kind === 'reminder' && row.personId && !batch.people.get(row.personId)?.reminders) {
      // Opted out after it was planned.
      await this.mark(row, { status: 'skipped' })
      return
    }
    const endpoint = row.endpointId ? batch.endpoints.get(row.endpointId) : undefined
    if (row.channel === 'webhook' && !endpoint?.enabled) {
      await this.mark(row, { status: 'skipped', lastError: `The webhook endpoint is ${endpoint ? `disabled (${endpoint.disabledReason ?? 'by hand'})` : 'deleted'}.` })
      return
    }
    try {
      const email = await this.compose(row, batch)
      if (endpoint) {
        await this.post(row, endpoint, email, batch)
        return
      }
      const { messageId } = await this.options.transport.send({ ...email, from: this.options.from() })
      // Marked with the rest of the batch, in one statement (a crash before it sends these again:
      // at most the rows in flight, as the lease allows anyway).
      batch.sent.push({ id: row.id, messageId, attempts: row.attempts + 1 })
      this.stats.sent++
    } catch (error) {
      if (error instanceof NoLongerConcerned) {
        await this.mark(row, { status: 'skipped', lastError: error.message })
        return
      }
      await this.fail(row, String((error as Error).message ?? error))
    }
  }

  /** One more failed attempt: retried after the backoff (or the receiver's Retry-After), dead after the last. */
  private async fail (row: Notification, error: string, retryAfter?: number): Promise<void> {
    const attempts = row.attempts + 1
    const message = error.slice(0, 1000)
    if (attempts >= this.options.maxAttempts) {
      await this.mark(row, { status: 'dead', lastError: message, attempts })
      this.stats.dead++
      this.options.log?.error({ notificationId: row.id, attempts, err: message }, 'notification dead after its last attempt')
    } else {
      const dueAt = new Date(this.options.now().getTime() + (retryAfter ?? backoffMs(attempts, this.options.random)))
      await this.mark(row, { status: 'pending', lastError: message, attempts, dueAt })
      this.stats.failed++
      this.options.log?.warn({ notificationId: row.id, attempts, dueAt, err: message }, 'notification not delivered; will retry')
    }
  }

  /**
   * A webhook, signed by Standard Webhooks (by both secrets during a rotation): 2xx is delivered;
   * 410 Gone disables the endpoint (its other pending rows are skipped); anything else is retried,
   * after the receiver's Retry-After when it gives one.
   */
  private async post (row: Notification, endpoint: typeof webhookEndpoints.$inferSelect, email: Email, batch: Batch): Promise<void> {
    const now = this.options.now()
    // The signature's time is the wall clock's, not the app's: receivers compare it with theirs to refuse replays.
    const sentAt = new Date()
    const hearing = batch.hearings.get(row.hearingId)!
    const person = row.personId ? batch.people.get(row.personId) : undefined
    const participant = row.participantId ? batch.participants.get(row.participantId) : undefined
    const zone = (await batch.events.get(row.hearingId))?.council.timezone
    const body = JSON.stringify({
      type: `${row.personId ? 'person' : 'secretariat'}.${row.kind}`,
      timestamp: sentAt.toISOString(),
      data: {
        notificationId: row.id,
        kind: row.kind,
        reminderOffset: row.reminderOffset,
        sequence: row.sequence,
        council: { id: hearing.councilId, code: batch.secretariats.get(hearing.councilId)?.code ?? null },
        hearing: {
          id: hearing.id,
          uid: `${hearing.id}@giaitrinh`,
          url: hearingUrl(hearing.id, this.options.feedOptions().baseUrl),
          title: hearing.title,
          status: hearing.status,
          startsAt: hearing.startsAt && zone ? DateTime.fromJSDate(hearing.startsAt, { zone }).toISO() : null,
          endsAt: hearing.endsAt && zone ? DateTime.fromJSDate(hearing.endsAt, { zone }).toISO() : null,
          location: hearing.location
        },
        recipient: person
          ? { personId: person.id, fullName: person.fullName, phone: person.phone, email: person.email, locale: person.locale, role: participant?.role ?? null }
          : { secretariat: true, email: batch.secretariats.get(hearing.councilId)?.email ?? null },
        // What a gateway sends as the SMS or Zalo message, in the recipient's language.
        subject: email.subject,
        text: email.text
      }
    })
    const secrets = [endpoint.secret, ...(endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? [endpoint.previousSecret] : [])]
    let response
    try {
      response = await postWebhook(endpoint.url, body, signatureHeaders(secrets, row.id, sentAt, body), this.options.webhooks ?? { allowPrivate: false, timeoutMs: 10_000 })
    } catch (error) {
      await this.fail(row, `${endpoint.url}: ${(error as Error).message}`)
      return
    }
    if (response.status >= 200 && response.status < 300) {
      batch.sent.push({ id: row.id, messageId: row.id, attempts: row.attempts + 1 })
      this.stats.sent++
      return
    }
    const error = `HTTP ${response.status} from ${endpoint.url}${response.body ? `: ${response.body}` : ''}`
    if (response.status === 410) {
      const reason = `410 Gone from the receiver at ${now.toISOString()}`
      await this.options.db.transaction(async (tx) => {
        await tx.update(webhookEndpoints).set({ enabled: false, disabledReason: reason, updatedAt: now }).where(eq(webhookEndpoints.id, endpoint.id))
        await skipEndpointNotices(tx, endpoint.id, `The webhook endpoint is disabled (${reason}).`, now)
        await tx.update(notifications).set({ status: 'dead', lastError: `${error}: the endpoint is disabled`, attempts: row.attempts + 1, leaseUntil: null, updatedAt: now })
          .where(eq(notifications.id, row.id))
      })
      endpoint.enabled = false
      endpoint.disabledReason = reason
      this.stats.dead++
      this.options.log?.warn({ endpointId: endpoint.id }, 'webhook endpoint answered 410 Gone: disabled')
      return
    }
    await this.fail(row, error, retryAfterMs(response.retryAfter, now))
  }

  private async compose (row: Notification, batch: Batch): Promise<Email> {
    const { db } = this.options
    const { events } = batch
    // The hearing's event once per batch (a hearing with many invitations is read once, not for each).
    let pending = events.get(row.hearingId)
    if (!pending) {
      pending = feedEvents(db, [row.hearingId], true).then((found) => found.get(row.hearingId))
      events.set(row.hearingId, pending)
    }
    const base = await pending
    if (!base) throw new Error(`hearing ${row.hearingId} has no time to tell of`)
    const participant = row.participantId ? batch.participants.get(row.participantId) : undefined
    if (!row.personId) {
      const answerer = participant && (batch.people.get(participant.personId) ?? (await db.select().from(people).where(eq(people.id, participant.personId)))[0])
      return composeSecretariatEmail({
        kind: row.kind as 'answer' | 'outcome_overdue' | 'conclusion_overdue',
        event: base,
        to: row.channel === 'email' ? row.recipient : batch.secretariats.get(row.councilId)?.email ?? '',
        answer: participant && { fullName: answerer?.fullName ?? '', role: participant.role, response: participant.response, substituteName: participant.substituteName, substitutePosition: participant.substitutePosition, reason: participant.responseReason },
        // The secretariat acts on it in the console.
        hearingUrl: `${this.options.feedOptions().baseUrl}${consoleHearingPath(row.hearingId)}`
      })
    }
    const person = batch.people.get(row.personId)!
    const address = row.channel === 'email' ? row.recipient : person.email
    const membership = participant ? null : await memberRole(db, row.personId, base.id)
    // A member's reminder, after their membership ended or was removed: nothing to remind them of.
    if (!participant && !membership && row.kind === 'reminder') throw new NoLongerConcerned('no longer a member of the council on the hearing\'s day')
    const event: FeedEvent = { ...base, membership }
    const attendee = event.attendees?.find((a) => a.personId === row.personId) ?? {
      participantId: row.id, personId: row.personId, fullName: person.fullName, email: address, role: 'attendee' as const, response: 'pending' as const, substituteName: null, substitutePosition: null
    }
    let answerUrl: string | null = null
    if (participant && (row.kind === 'invitation' || row.kind === 'update')) {
      // A link of its own for this message; the one the secretariat was given keeps working.
      const secret = generateSecret()
      await insertInvitationLink(db, participant.id, hashSecret(secret), this.options.now())
      answerUrl = `${this.options.feedOptions().baseUrl}${invitationPath(secret)}`
    }
    return composeEmail({
      kind: row.kind as PersonNoticeKind,
      lang: person.locale === 'en' ? 'en' : 'vi',
      event: { ...event, attendees: [{ ...attendee, email: address }], viewerId: row.personId },
      recipient: { fullName: person.fullName, email: address ?? '' },
      role: participant?.role ?? null,
      answerUrl
    }, this.options.feedOptions())
  }

  private async markSent (sent: Batch['sent']): Promise<void> {
    if (sent.length === 0) return
    const now = this.options.now()
    const values = sql.join(sent.map((r) => sql`(${r.id}::uuid, ${r.messageId}::text, ${r.attempts}::int)`), sql`, `)
    await this.options.db.execute(sql`update ${notifications} set status = 'sent', sent_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz,
      message_id = v.message_id, attempts = v.attempts, last_error = null, lease_until = null
      from (values ${values}) as v(id, message_id, attempts) where ${notifications.id} = v.id`)
  }

  private async mark (row: Notification, values: Partial<typeof notifications.$inferInsert>): Promise<void> {
    await this.options.db.update(notifications).set({ ...values, leaseUntil: null, updatedAt: this.options.now() }).where(eq(notifications.id, row.id))
  }
}

/** The address e-mails come from: MAIL_FROM, or noreply at the public host. */
export function mailFrom (mailFromSetting: string | undefined, baseUrl: string): string {
  return mailFromSetting ?? `giaitrinh <noreply@${new URL(baseUrl).hostname}>`
}

/** A worker and its transport as the settings say, for the server's plugin and `npm run worker` alike. */
export function workerFromConfig (config: Config, deps: Pick<WorkerOptions, 'db' | 'now' | 'log'> & { baseUrl: () => string }) {
  const transport = createMailTransport(config.SMTP_URL, config.DATA_DIR)
  const options = feedOptions(config, deps.baseUrl)
  const worker = new NotificationWorker({
    db: deps.db,
    now: deps.now,
    log: deps.log,
    transport,
    feedOptions: () => options('vi'),
    from: () => mailFrom(config.MAIL_FROM, deps.baseUrl()),
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    pollMs: config.NOTIFY_POLL_MS,
    leaseMs: config.NOTIFY_LEASE_MS,
    batch: config.NOTIFY_BATCH,
    webhooks: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, timeoutMs: config.WEBHOOK_TIMEOUT_MS }
  })
  return { worker, transport }
}
