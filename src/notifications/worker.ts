import type { Db } from '../db/client.js'
import { feedEvents, memberRole } from '../db/queries/feeds.js'
import {
  claimDueNotifications, markNotificationsSent, notificationBatch, releaseLease, renewLease, settleNotification,
  type NewNotification, type Notification, type WebhookEndpoint
} from '../db/queries/notifications.js'
import { findPerson } from '../db/queries/people.js'
import { timeBefore } from '../db/queries/hearings.js'
import type { Config } from '../config.js'
import { hearingUrl, type FeedEvent, type FeedOptions } from '../feeds/ical.js'
import { feedOptions } from '../feeds/http.js'
import { consoleHearingPath, invitationPath } from '../links/index.js'
import { emailChannel, webhookChannel, type Channel, type Delivery, type Message } from './channels.js'
import { composeEmail, composeSecretariatEmail, composeWebhookBody, type Email, type PersonNoticeKind } from './compose.js'
import { backoffMs, isStale, reminderRefused } from './rules.js'
import { sealing } from '../domain/sealing.js'
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
  /** The invitation's link for e-mails and webhooks (the same for every message about it, with SECRET_KEY); returns its secret. */
  invitationLink (participantId: string, councilId: string): Promise<string>
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
  /** Opens the endpoints' sealed signing secrets (SECRET_KEY). */
  unseal?: (secret: string) => string
  /** For tests: the jitter's randomness. */
  random?: () => number
}

type Batch = Awaited<ReturnType<typeof notificationBatch>>

/** A hearing's event is read again after this long even if the hearing has not changed (its council's name may have). */
const EVENT_TTL_MS = 10_000
/** Hearings whose events are kept at once. */
const EVENT_CACHE_SIZE = 200

/** Sent rows are recorded together, at most this long after the first of them was sent, or this many at once. */
const SENT_FLUSH_MS = 20
const SENT_FLUSH_ROWS = 50

/** Webhook posts at once to one endpoint: a gateway is one receiver, not a pool. */
const WEBHOOK_LANE_CONCURRENCY = 2

/**
 * One way out: the SMTP transport, or one webhook endpoint. A lane sends at most `limit` messages at
 * once and queues the rest; a slow or dead receiver holds only its own lane's messages.
 */
class Lane {
  private active = 0
  private readonly queue: Array<() => Promise<void>> = []
  constructor (private readonly limit: number) {}

  push (task: () => Promise<void>): void {
    this.queue.push(task)
    this.pump()
  }

  /** Drops what has not started (on stop). */
  clear (): Array<() => Promise<void>> {
    return this.queue.splice(0)
  }

  private pump (): void {
    while (this.active < this.limit && this.queue.length) {
      const task = this.queue.shift()!
      this.active++
      task().finally(() => {
        this.active--
        this.pump()
      })
    }
  }
}

/**
 * Delivers due notifications: claims rows (db/queries/notifications: one statement, FOR UPDATE SKIP
 * LOCKED, a lease), composes each message (compose.ts), sends it through its channel (channels.ts)
 * in its lane (the SMTP transport, or its webhook endpoint: a slow receiver delays only its own
 * lane, and claiming goes on meanwhile), with no transaction open, and records what became of it at
 * once, fenced by its lease (a worker whose lease ran out and was taken changes nothing). Any number
 * of workers on PostgreSQL share the outbox, each row going to one of them; a worker that dies
 * leaves its rows to be claimed again when their lease ends (so at most the messages in flight at a
 * crash are sent twice; nothing is lost).
 */
export class NotificationWorker {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  private readonly channels: Record<'email' | 'webhook', Channel>
  private readonly lanes = new Map<string, Lane>()
  /** Rows this worker holds (queued or sending), with the lease it holds each by: a row claimed again after its lease ran out takes the new one. */
  private readonly held = new Map<string, Notification>()
  /** Held rows whose send has begun (a stopping worker waits for them and gives back the rest). */
  private readonly sending = new Set<string>()
  /** Called whenever a held row is done with (idle() waits on them). */
  private readonly onSettled: Array<() => void> = []
  /** The claim loop stopped at the cap of rows held; a row done with starts it again. */
  private throttled = false
  private handled = 0
  /** Rows sent and not yet recorded: written together moments later (at most SENT_FLUSH_MS, or SENT_FLUSH_ROWS at once). */
  private sentBuffer: Array<{ id: string, messageId: string, attempts: number, lease: Date, sentAt: Date }> = []
  private flushTimer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  stats = { sent: 0, failed: 0, superseded: 0, dead: 0 }
  /** Hearings' events, read once for all their notices (keyed by the hearing's revision and SEQUENCE: any change to it or its invitations reads it again). */
  private readonly events = new Map<string, { key: string, until: number, event: Promise<FeedEvent | undefined> }>()

  constructor (private readonly options: WorkerOptions) {
    this.channels = {
      email: emailChannel(options.transport, options.from),
      webhook: webhookChannel(options.webhooks ?? { allowPrivate: false, timeoutMs: 10_000 }, options.unseal)
    }
  }

  start (): void {
    this.stopped = false
    this.timer = setInterval(() => this.wake(), this.options.pollMs)
    this.timer.unref()
    this.wake()
  }

  /** Looks for due rows now (a write planned some); runs once more if woken while claiming. */
  wake (): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.claimAll().then(() => undefined, (error: unknown) => {
      this.options.log?.error({ err: error }, 'notification worker: a round failed; retrying at the next poll')
    }).finally(() => {
      this.running = undefined
      if (this.again && !this.stopped) {
        this.again = false
        this.wake()
      }
    })
  }

  /** Resolves once nothing is being claimed or sent (tests and tools wait on it before reading the outbox). */
  async idle (): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running
        continue
      }
      if (this.held.size === 0) return
      await new Promise<void>((resolve) => this.onSettled.push(resolve))
    }
  }

  /** Sends nothing more: what has not started is left to be claimed again at once; waits for the sends under way (each has its deadline). */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    await this.running
    for (const lane of this.lanes.values()) lane.clear()
    const now = this.options.now()
    const recording = new Set(this.sentBuffer.map((entry) => entry.id))
    this.flushSent()
    await Promise.all([...this.held.values()].filter((row) => !this.sending.has(row.id) && !recording.has(row.id)).map(async (row) => {
      this.held.delete(row.id)
      await releaseLease(this.options.db, row, now)
    }))
    await this.idle()
  }

  /** Claims every row due now and hands each to its lane; returns how many were handled once they all are. */
  async drain (): Promise<number> {
    const before = this.handled
    if (this.running) await this.running
    this.running = this.claimAll().finally(() => { this.running = undefined })
    await this.idle()
    return this.handled - before
  }

  private get leaseMs (): number {
    return this.options.leaseMs ?? 120_000
  }

  private get batchSize (): number {
    return this.options.batch ?? 20
  }

  /** At most this many rows held at once (claiming stops there until some are done with). */
  private get cap (): number {
    return Math.max(100, this.batchSize * 5)
  }

  private async claimAll (): Promise<void> {
    while (!this.stopped) {
      const room = this.cap - this.held.size
      if (room < this.batchSize) {
        this.throttled = true
        return
      }
      const rows = await this.claim(this.batchSize)
      if (rows.length === 0) return
      const batch: Batch = await notificationBatch(this.options.db, rows)
      for (const row of rows) {
        const known = this.held.has(row.id)
        // Claimed again after its lease ran out while it waited in its lane: it goes with the new lease.
        this.held.set(row.id, row)
        if (!known) this.laneOf(row).push(() => this.run(row.id, batch))
      }
      if (rows.length < this.batchSize) return
    }
  }

  async claim (limit = this.batchSize): Promise<Notification[]> {
    const now = this.options.now()
    return claimDueNotifications(this.options.db, now, new Date(now.getTime() + this.leaseMs), limit)
  }

  private laneOf (row: Notification): Lane {
    const key = row.channel === 'webhook' ? `webhook:${row.endpointId}` : 'email'
    let lane = this.lanes.get(key)
    if (!lane) this.lanes.set(key, lane = new Lane(row.channel === 'webhook' ? WEBHOOK_LANE_CONCURRENCY : SEND_CONCURRENCY))
    return lane
  }

  private async run (id: string, batch: Batch): Promise<void> {
    const claimed = this.held.get(id)
    try {
      if (claimed && !this.stopped) {
        this.sending.add(id)
        await this.deliver(claimed, batch)
      }
    } catch (error) {
      this.options.log?.error({ err: error, notificationId: id }, 'notification worker: a delivery failed to record; its lease will end and it is tried again')
    } finally {
      this.sending.delete(id)
      // A sent row is let go once it is recorded (flushSent); any other now.
      if (!this.sentBuffer.some((entry) => entry.id === id)) this.release(id)
    }
  }

  private release (id: string): void {
    this.held.delete(id)
    this.handled++
    for (const resolve of this.onSettled.splice(0)) resolve()
    // Claiming starts again once a whole batch fits: a few rows at a time would cost as many reads each.
    if (this.throttled && !this.stopped && this.cap - this.held.size >= this.batchSize) {
      this.throttled = false
      this.wake()
    }
  }

  /** Records what was sent in one statement: moments after the sends, so a crash doubles at most those. */
  private queueSent (entry: { id: string, messageId: string, attempts: number, lease: Date, sentAt: Date }): void {
    this.sentBuffer.push(entry)
    if (this.sentBuffer.length >= SENT_FLUSH_ROWS) this.flushSent()
    else this.flushTimer ??= setTimeout(() => this.flushSent(), SENT_FLUSH_MS)
  }

  private flushSent (): void {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const entries = this.sentBuffer.splice(0)
    if (entries.length === 0) return
    this.flushing = this.flushing.then(() => markNotificationsSent(this.options.db, entries, this.options.now())).catch((error: unknown) => {
      this.options.log?.error({ err: error }, 'notification worker: sent notices could not be recorded; their lease will end and they may be sent again')
    }).finally(() => {
      for (const entry of entries) this.release(entry.id)
    })
  }

  private async deliver (claimed: Notification, batch: Batch): Promise<void> {
    // The lease is this worker's until it ends; a row that waited past half of it takes it again
    // first, and is left when another worker has claimed it meanwhile.
    const now = this.options.now()
    const row = now.getTime() < claimed.leaseUntil!.getTime() - this.leaseMs / 2 ? claimed : await renewLease(this.options.db, claimed, new Date(now.getTime() + this.leaseMs))
    if (!row) return
    if (isStale(row, batch.hearings.get(row.hearingId))) {
      if (await this.mark(row, { status: 'superseded' })) this.stats.superseded++
      return
    }
    if (row.kind === 'reminder' && row.personId && !batch.people.get(row.personId)?.reminders) {
      // Opted out after it was planned.
      await this.mark(row, { status: 'skipped' })
      return
    }
    const refused = reminderRefused(row, row.participantId ? batch.participants.get(row.participantId) : undefined)
    if (refused) {
      await this.mark(row, { status: 'skipped', lastError: `No reminder: the person ${refused}.` })
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
    await this.record(row, delivery, endpoint)
  }

  /** What became of a send, recorded at once: sent, retried, dead (refused for good, or after the last attempt), or gone. */
  private async record (row: Notification, delivery: Delivery, endpoint: WebhookEndpoint | undefined): Promise<void> {
    const attempts = row.attempts + 1
    if (delivery.outcome === 'sent') {
      this.queueSent({ id: row.id, messageId: delivery.messageId, attempts, lease: row.leaseUntil!, sentAt: this.options.now() })
      this.stats.sent++
      return
    }
    if (delivery.outcome === 'gone' && endpoint) {
      const reason = await this.options.writes.disableGoneEndpoint(endpoint.id, { id: row.id, attempts, error: delivery.error })
      // The other rows for it are skipped, not posted.
      endpoint.enabled = false
      endpoint.disabledReason = reason ?? 'deleted'
      this.stats.dead++
      this.options.log?.warn({ endpointId: endpoint.id }, 'webhook endpoint answered 410 Gone: disabled')
      return
    }
    const message = delivery.error.slice(0, 1000)
    if (delivery.outcome === 'rejected' || attempts >= this.options.maxAttempts) {
      if (await this.mark(row, { status: 'dead', lastError: message, attempts })) this.stats.dead++
      this.options.log?.error({ notificationId: row.id, attempts, err: message }, delivery.outcome === 'rejected' ? 'notification refused for good: dead' : 'notification dead after its last attempt')
    } else {
      const retryAfter = delivery.outcome === 'failed' ? delivery.retryAfterMs : undefined
      const dueAt = new Date(this.options.now().getTime() + (retryAfter ?? backoffMs(attempts, this.options.random)))
      if (await this.mark(row, { status: 'pending', lastError: message, attempts, dueAt })) this.stats.failed++
      this.options.log?.warn({ notificationId: row.id, attempts, dueAt, err: message }, 'notification not delivered; will retry')
    }
  }

  /** The hearing's event, read once while the hearing is unchanged (a hearing with many invitations is read once, not for each, nor for each batch). */
  private event (row: Notification, batch: Batch): Promise<FeedEvent | undefined> {
    const hearing = batch.hearings.get(row.hearingId)
    const key = `${hearing?.revision ?? ''}:${hearing?.sequence ?? ''}:${hearing?.updatedAt.getTime() ?? ''}`
    const now = Date.now()
    const cached = this.events.get(row.hearingId)
    if (cached && cached.key === key && cached.until > now) return cached.event
    const event = feedEvents(this.options.db, [row.hearingId], true).then((found) => found.get(row.hearingId))
    // A read that fails is not kept.
    event.catch(() => this.events.delete(row.hearingId))
    this.events.delete(row.hearingId)
    this.events.set(row.hearingId, { key, until: now + EVENT_TTL_MS, event })
    if (this.events.size > EVENT_CACHE_SIZE) this.events.delete(this.events.keys().next().value!)
    return event
  }

  private async compose (row: Notification, batch: Batch, endpoint: WebhookEndpoint | undefined): Promise<Message> {
    const email = await this.composeEmail(row, batch)
    if (!endpoint) return { id: row.id, email }
    const hearing = batch.hearings.get(row.hearingId)!
    const person = row.personId ? batch.people.get(row.personId) : undefined
    const participant = row.participantId ? batch.participants.get(row.participantId) : undefined
    const secretariat = batch.secretariats.get(hearing.councilId)
    // The signature's time is the wall clock's, not the app's: receivers compare it with theirs to refuse replays.
    const sentAt = new Date()
    const body = composeWebhookBody({
      notification: row,
      council: { id: hearing.councilId, code: secretariat?.code ?? null },
      hearing: { ...hearing, url: hearingUrl(hearing.id, this.options.feedOptions().baseUrl) },
      zone: (await this.event(row, batch))?.council.timezone,
      recipient: person
        ? { personId: person.id, fullName: person.fullName, phone: person.phone, email: person.email, locale: person.locale, role: participant?.role ?? null }
        : { secretariat: true, email: secretariat?.email ?? null },
      occurredAt: row.createdAt
    }, email)
    return { id: row.id, email, webhook: { body, sentAt } }
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
      // The invitation's e-mail link (every message and retry carries the same one); the link the secretariat was given keeps working.
      answerUrl = `${baseUrl}${invitationPath(await this.options.writes.invitationLink(participant.id, row.councilId))}`
    }
    return composeEmail({
      kind: row.kind as PersonNoticeKind,
      lang: person.locale === 'en' ? 'en' : 'vi',
      event: { ...event, attendees: [{ ...attendee, email: address }], viewerId: row.personId },
      recipient: { fullName: person.fullName, email: address ?? '' },
      role: participant?.role ?? null,
      answerUrl,
      replyTo: batch.secretariats.get(row.councilId)?.email,
      // A change of time names the old one and why (the notice was planned by the change itself).
      previous: row.kind === 'update' ? await timeBefore(this.options.db, row.hearingId, row.createdAt) : undefined
    }, this.options.feedOptions())
  }

  /** The row's new state, if the row is still this worker's (fenced by the lease it holds). */
  private async mark (row: Notification, values: Partial<NewNotification>): Promise<boolean> {
    return settleNotification(this.options.db, row.id, row.leaseUntil!, values, this.options.now())
  }
}

/** A worker and its transport as the settings say, for the server's plugin and `npm run worker` alike. */
export function workerFromConfig (config: Config, deps: Pick<WorkerOptions, 'db' | 'now' | 'log' | 'writes'> & { baseUrl: () => string }) {
  const keys = config.SECRET_KEY ? sealing(config.SECRET_KEY, config.SECRET_KEY_PREVIOUS) : undefined
  const transport = createMailTransport(config.SMTP_URL, config.DATA_DIR, config.SMTP_TIMEOUT_MS)
  const options = feedOptions(config, deps.baseUrl)
  const worker = new NotificationWorker({
    db: deps.db,
    now: deps.now,
    log: deps.log,
    writes: deps.writes,
    ...(keys ? { unseal: keys.unseal } : {}),
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
