import type { Db } from '../db/client.js'
import { feedEvents, memberRole } from '../db/queries/feeds.js'
import {
  claimDueNotifications, markNotification, markNotificationsSent, notificationBatch, renewLease,
  type NewNotification, type Notification, type WebhookEndpoint
} from '../db/queries/notifications.js'
import { findPerson } from '../db/queries/people.js'
import type { Config } from '../config.js'
import { hearingUrl, type FeedEvent, type FeedOptions } from '../feeds/ical.js'
import { feedOptions } from '../feeds/http.js'
import { consoleHearingPath, invitationPath } from '../links/index.js'
import { emailChannel, webhookChannel, type Channel, type Delivery, type Message } from './channels.js'
import { composeEmail, composeSecretariatEmail, composeWebhookBody, type Email, type PersonNoticeKind } from './compose.js'
import { backoffMs, isStale } from './rules.js'
import { createMailTransport, mailFrom, SEND_CONCURRENCY, type MailTransport } from './transport.js'

export type { Notification }
export { backoffMs } from './rules.js'
export { createMailTransport, mailFrom, SEND_CONCURRENCY, type MailTransport } from './transport.js'

/** A notice whose recipient is no longer concerned (a member's reminder after their membership ended): skipped. */
class NoLongerConcerned extends Error {}

/**
 * The writes a delivery causes beyond the outbox row itself, made through the one write path (each
 * with its audit row) by the caller's services: a new answer link in an invitation e-mail; a
 * receiver's 410 Gone disabling its endpoint.
 */
export interface WorkerWrites {
  /** A link of its own for one e-mail to the invitation; returns its secret. */
  addInvitationLink (participantId: string, councilId: string): Promise<string>
  /** Disables an endpoint that answered 410 Gone, skips what was still to be posted to it, and marks the notice dead. */
  disableGoneEndpoint (endpointId: string, notification: { id: string, attempts: number, error: string }): Promise<string | undefined>
}

export interface WorkerOptions {
  db: Db
  now: () => Date
  transport: MailTransport
  writes: WorkerWrites
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

type Batch = Awaited<ReturnType<typeof notificationBatch>> & {
  /** The hearings' events, read once per batch. */
  events: Map<string, Promise<FeedEvent | undefined>>
  /** Rows sent, to be marked together. */
  sent: Array<{ id: string, messageId: string, attempts: number }>
}

/**
 * Delivers due notifications: claims rows (db/queries/notifications: one statement, FOR UPDATE SKIP
 * LOCKED, a lease), composes each message (compose.ts), sends it through its channel (channels.ts)
 * with no transaction open, and records what became of it. Any number of workers on PostgreSQL
 * share the outbox, each row going to one of them; a worker that dies mid-send leaves its rows to
 * be claimed again when their lease ends (so a row in flight at a crash may be sent twice; nothing
 * is lost).
 */
export class NotificationWorker {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  private readonly channels: Record<'email' | 'webhook', Channel>
  stats = { sent: 0, failed: 0, superseded: 0, dead: 0 }

  constructor (private readonly options: WorkerOptions) {
    this.channels = {
      email: emailChannel(options.transport, options.from),
      webhook: webhookChannel(options.webhooks ?? { allowPrivate: false, timeoutMs: 10_000 })
    }
  }

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
      const batch: Batch = { ...await notificationBatch(this.options.db, rows), events: new Map(), sent: [] }
      // A few at a time (the SMTP pool's connections).
      const queue = [...rows]
      await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, async () => {
        for (let row = queue.shift(); row; row = queue.shift()) await this.deliver(row, batch)
      }))
      // Marked together, in one statement (a crash before it sends these again: at most the rows
      // in flight, as the lease allows anyway).
      await markNotificationsSent(this.options.db, batch.sent, this.options.now())
      handled += rows.length
      if (rows.length < (this.options.batch ?? 20) || this.stopped) return handled
    }
  }

  private get leaseMs (): number {
    return this.options.leaseMs ?? 120_000
  }

  async claim (): Promise<Notification[]> {
    const now = this.options.now()
    return claimDueNotifications(this.options.db, now, new Date(now.getTime() + this.leaseMs), this.options.batch ?? 20)
  }

  private async deliver (claimed: Notification, batch: Batch): Promise<void> {
    // The lease is this worker's until it ends; a batch that ran past half of it takes it again
    // first, and leaves a row another worker has claimed meanwhile (so a slow batch does not send twice).
    const now = this.options.now()
    const row = now.getTime() < claimed.leaseUntil!.getTime() - this.leaseMs / 2 ? claimed : await renewLease(this.options.db, claimed, new Date(now.getTime() + this.leaseMs))
    if (!row) return
    if (isStale(row, batch.hearings.get(row.hearingId))) {
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
    let delivery: Delivery
    try {
      const message = await this.compose(row, batch, endpoint)
      delivery = await this.channels[endpoint ? 'webhook' : 'email'].send(message, { endpoint }, this.options.now())
    } catch (error) {
      if (error instanceof NoLongerConcerned) {
        await this.mark(row, { status: 'skipped', lastError: error.message })
        return
      }
      delivery = { outcome: 'failed', error: String((error as Error).message ?? error) }
    }
    await this.record(row, delivery, batch, endpoint)
  }

  /** What became of a send: sent (marked with the batch), retried, dead after the last attempt, or gone. */
  private async record (row: Notification, delivery: Delivery, batch: Batch, endpoint: WebhookEndpoint | undefined): Promise<void> {
    const attempts = row.attempts + 1
    if (delivery.outcome === 'sent') {
      batch.sent.push({ id: row.id, messageId: delivery.messageId, attempts })
      this.stats.sent++
      return
    }
    if (delivery.outcome === 'gone' && endpoint) {
      const reason = await this.options.writes.disableGoneEndpoint(endpoint.id, { id: row.id, attempts, error: delivery.error })
      // The batch's other rows for it are skipped, not posted.
      endpoint.enabled = false
      endpoint.disabledReason = reason ?? 'deleted'
      this.stats.dead++
      this.options.log?.warn({ endpointId: endpoint.id }, 'webhook endpoint answered 410 Gone: disabled')
      return
    }
    const message = delivery.error.slice(0, 1000)
    if (attempts >= this.options.maxAttempts) {
      await this.mark(row, { status: 'dead', lastError: message, attempts })
      this.stats.dead++
      this.options.log?.error({ notificationId: row.id, attempts, err: message }, 'notification dead after its last attempt')
    } else {
      const retryAfter = delivery.outcome === 'failed' ? delivery.retryAfterMs : undefined
      const dueAt = new Date(this.options.now().getTime() + (retryAfter ?? backoffMs(attempts, this.options.random)))
      await this.mark(row, { status: 'pending', lastError: message, attempts, dueAt })
      this.stats.failed++
      this.options.log?.warn({ notificationId: row.id, attempts, dueAt, err: message }, 'notification not delivered; will retry')
    }
  }

  /** The hearing's event, once per batch (a hearing with many invitations is read once, not for each). */
  private event (row: Notification, batch: Batch): Promise<FeedEvent | undefined> {
    let pending = batch.events.get(row.hearingId)
    if (!pending) {
      pending = feedEvents(this.options.db, [row.hearingId], true).then((found) => found.get(row.hearingId))
      batch.events.set(row.hearingId, pending)
    }
    return pending
  }

  private async compose (row: Notification, batch: Batch, endpoint: WebhookEndpoint | undefined): Promise<Message> {
    const email = await this.composeEmail(row, batch)
    if (!endpoint) return { id: row.id, email }
    const hearing = batch.hearings.get(row.hearingId)!
    const person = row.personId ? batch.people.get(row.personId) : undefined
    const participant = row.participantId ? batch.participants.get(row.participantId) : undefined
    const secretariat = batch.secretariats.get(hearing.councilId)
    const webhookBody = composeWebhookBody({
      notification: row,
      council: { id: hearing.councilId, code: secretariat?.code ?? null },
      hearing: { ...hearing, url: hearingUrl(hearing.id, this.options.feedOptions().baseUrl) },
      zone: (await this.event(row, batch))?.council.timezone,
      recipient: person
        ? { personId: person.id, fullName: person.fullName, phone: person.phone, email: person.email, locale: person.locale, role: participant?.role ?? null }
        : { secretariat: true, email: secretariat?.email ?? null },
      // The wall clock's time, not the app's: receivers compare it with theirs to refuse replays.
      sentAt: new Date()
    }, email)
    return { id: row.id, email, webhookBody }
  }

  private async composeEmail (row: Notification, batch: Batch): Promise<Email> {
    const base = await this.event(row, batch)
    if (!base) throw new Error(`hearing ${row.hearingId} has no time to tell of`)
    const participant = row.participantId ? batch.participants.get(row.participantId) : undefined
    const baseUrl = this.options.feedOptions().baseUrl
    if (!row.personId) {
      const answerer = participant && (batch.people.get(participant.personId) ?? await findPerson(this.options.db, participant.personId))
      return composeSecretariatEmail({
        kind: row.kind as 'answer' | 'outcome_overdue' | 'conclusion_overdue',
        event: base,
        to: row.channel === 'email' ? row.recipient : batch.secretariats.get(row.councilId)?.email ?? '',
        answer: participant && { fullName: answerer?.fullName ?? '', role: participant.role, response: participant.response, substituteName: participant.substituteName, substitutePosition: participant.substitutePosition, reason: participant.responseReason },
        // The secretariat acts on it in the console.
        hearingUrl: `${baseUrl}${consoleHearingPath(row.hearingId)}`
      })
    }
    const person = batch.people.get(row.personId)!
    const address = row.channel === 'email' ? row.recipient : person.email
    const membership = participant ? null : await memberRole(this.options.db, row.personId, base.id)
    // A member's reminder, after their membership ended or was removed: nothing to remind them of.
    if (!participant && !membership && row.kind === 'reminder') throw new NoLongerConcerned('no longer a member of the council on the hearing\'s day')
    const event: FeedEvent = { ...base, membership }
    const attendee = event.attendees?.find((a) => a.personId === row.personId) ?? {
      participantId: row.id, personId: row.personId, fullName: person.fullName, email: address, role: 'attendee' as const, response: 'pending' as const, substituteName: null, substitutePosition: null
    }
    let answerUrl: string | null = null
    if (participant && (row.kind === 'invitation' || row.kind === 'update')) {
      // A link of its own for this message; the one the secretariat was given keeps working.
      answerUrl = `${baseUrl}${invitationPath(await this.options.writes.addInvitationLink(participant.id, row.councilId))}`
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

  private async mark (row: Notification, values: Partial<NewNotification>): Promise<void> {
    await markNotification(this.options.db, row.id, values, this.options.now())
  }
}

/** A worker and its transport as the settings say, for the server's plugin and `npm run worker` alike. */
export function workerFromConfig (config: Config, deps: Pick<WorkerOptions, 'db' | 'now' | 'log' | 'writes'> & { baseUrl: () => string }) {
  const transport = createMailTransport(config.SMTP_URL, config.DATA_DIR)
  const options = feedOptions(config, deps.baseUrl)
  const worker = new NotificationWorker({
    db: deps.db,
    now: deps.now,
    log: deps.log,
    writes: deps.writes,
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
