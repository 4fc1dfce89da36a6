import { and, asc, count, eq, gt, inArray, isNull, lt, lte, min, ne, or, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import {
  councils, hearingParticipants, hearings, memberships, notifications, people, serviceSettings, webhookEndpoints,
  type NoticeKind, type NotificationSettingsOverrides
} from '../schema.js'

/** The notifications outbox, webhook endpoints and notification settings: every query of the notifications feature. */

export type { NoticeKind }
export type Notification = typeof notifications.$inferSelect
export type NewNotification = typeof notifications.$inferInsert
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect

// Planning (inside the transaction of the change that causes the notices).

/** The council's endpoints that notices are posted to. */
export function enabledEndpoints (tx: Db, councilId: string) {
  return tx.select({ id: webhookEndpoints.id, url: webhookEndpoints.url }).from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.councilId, councilId), eq(webhookEndpoints.enabled, true)))
}

/** Everyone invited to a hearing (or some of them), with their address and role; `remindable` leaves out those who opted out of reminders. */
export function invitedPeople (tx: Db, hearingId: string, options: { participantIds?: string[] | undefined, remindable?: boolean } = {}) {
  return tx.select({ participantId: hearingParticipants.id, personId: people.id, email: people.email, role: hearingParticipants.role })
    .from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(
      eq(hearingParticipants.hearingId, hearingId),
      options.remindable ? eq(people.reminders, true) : undefined,
      options.participantIds ? inArray(hearingParticipants.id, options.participantIds) : undefined
    ))
}

/** Who is invited to a hearing, by person. */
export async function invitedPersonIds (tx: Db, hearingId: string): Promise<Set<string>> {
  const rows = await tx.select({ personId: hearingParticipants.personId }).from(hearingParticipants).where(eq(hearingParticipants.hearingId, hearingId))
  return new Set(rows.map((row) => row.personId))
}

/** The council's members on a day who take reminders (or some of them). */
export function remindableMembers (tx: Db, councilId: string, day: string, memberIds?: string[]) {
  return tx.selectDistinct({ personId: people.id, email: people.email }).from(memberships).innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.councilId, councilId), sql`${memberships.startsOn} <= ${day}`, sql`(${memberships.endsOn} is null or ${memberships.endsOn} >= ${day})`,
      eq(people.reminders, true), memberIds ? inArray(people.id, memberIds) : undefined))
}

/** The council's scheduled hearings ahead, soonest first (a member who joins gets their reminders). */
export function scheduledHearingsAhead (tx: Db, councilId: string, now: Date, limit: number) {
  return tx.select().from(hearings)
    .where(and(eq(hearings.councilId, councilId), eq(hearings.status, 'scheduled'), gt(hearings.startsAt, now)))
    .orderBy(asc(hearings.startsAt)).limit(limit)
}

/** Inserts planned notices; one already planned (same idempotency key) is left as it is. Returns how many are new. */
export async function insertNotifications (tx: Db, values: NewNotification[]): Promise<number> {
  if (values.length === 0) return 0
  const rows = await tx.insert(notifications).values(values).onConflictDoNothing({ target: notifications.idempotencyKey }).returning({ id: notifications.id })
  return rows.length
}

/** Pending notices of a hearing become superseded: all but some kinds, or those of some kinds about an older SEQUENCE. */
export async function supersedeHearingNotices (tx: Db, hearingId: string, which: { allBut: NoticeKind } | { kinds: readonly NoticeKind[], olderThan: number }, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'superseded', updatedAt: now, leaseUntil: null })
    .where(and(
      eq(notifications.hearingId, hearingId),
      eq(notifications.status, 'pending'),
      'allBut' in which
        ? ne(notifications.kind, which.allBut)
        : and(sql`${notifications.sequence} < ${which.olderThan}`, inArray(notifications.kind, [...which.kinds]))
    ))
}

/** A person's pending notices about a hearing become superseded, but for their removal notice. */
export async function supersedePersonNotices (tx: Db, hearingId: string, personId: string, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'superseded', updatedAt: now, leaseUntil: null })
    .where(and(eq(notifications.hearingId, hearingId), eq(notifications.personId, personId), eq(notifications.status, 'pending'), ne(notifications.kind, 'removal')))
}

/** What was still to be posted to an endpoint is skipped, saying why. */
export async function skipEndpointNotifications (tx: Db, endpointId: string, why: string, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'skipped', lastError: why, leaseUntil: null, updatedAt: now })
    .where(and(eq(notifications.endpointId, endpointId), eq(notifications.status, 'pending')))
}

// Settings.

/** A service-wide setting's stored value. */
export async function serviceSetting (db: Db, key: string, lock = false): Promise<typeof serviceSettings.$inferSelect | undefined> {
  const query = db.select().from(serviceSettings).where(eq(serviceSettings.key, key))
  const [row] = lock ? await query.for('update') : await query
  return row
}

export async function saveServiceSetting (tx: Db, key: string, value: NotificationSettingsOverrides, now: Date, by: string): Promise<void> {
  await tx.insert(serviceSettings).values({ key, value, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({ target: serviceSettings.key, set: { value, updatedAt: now, updatedBy: by } })
}

/** A council's own notification settings, its secretariat's address and zone. */
export async function councilNotificationRow (db: Db, councilId: string, lock = false) {
  const query = db.select({ overrides: councils.notificationSettings, notificationEmail: councils.notificationEmail, timezone: councils.timezone, revision: councils.revision })
    .from(councils).where(eq(councils.id, councilId))
  const [row] = lock ? await query.for('update') : await query
  return row
}

export async function saveCouncilNotificationSettings (tx: Db, councilId: string, values: { notificationEmail: string | null, overrides: NotificationSettingsOverrides | null, revision: number }, now: Date): Promise<void> {
  await tx.update(councils).set({ notificationEmail: values.notificationEmail, notificationSettings: values.overrides, revision: values.revision, updatedAt: now })
    .where(eq(councils.id, councilId))
}

// Webhook endpoints.

/** How many endpoints a council has. */
export async function countWebhookEndpoints (db: Db, councilId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.councilId, councilId))
  return Number(row?.n ?? 0)
}

/** How many endpoints there are, every council's. */
export async function countAllWebhookEndpoints (db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookEndpoints)
  return Number(row?.n ?? 0)
}

/**
 * Seals the signing secrets an older version kept in clear (`seal` from SECRET_KEY); returns how
 * many endpoints it changed. Sealed values name themselves (`sealed:…`), so a second run changes nothing.
 */
export async function sealClearWebhookSecrets (db: Db, seal: (plain: string) => string, prefix: string): Promise<number> {
  const clear = await db.select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret, previousSecret: webhookEndpoints.previousSecret }).from(webhookEndpoints)
    .where(or(sql`${webhookEndpoints.secret} not like ${`${prefix}%`}`, sql`${webhookEndpoints.previousSecret} not like ${`${prefix}%`}`))
  for (const row of clear) {
    await db.update(webhookEndpoints).set({
      secret: row.secret.startsWith(prefix) ? row.secret : seal(row.secret),
      previousSecret: row.previousSecret === null || row.previousSecret.startsWith(prefix) ? row.previousSecret : seal(row.previousSecret)
    }).where(eq(webhookEndpoints.id, row.id))
  }
  return clear.length
}

export function listWebhookEndpoints (db: Db, councilId: string): Promise<WebhookEndpoint[]> {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.councilId, councilId)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
}

/** An endpoint of the council, locked for the change (undefined when there is none). */
export async function lockWebhookEndpoint (tx: Db, endpointId: string, councilId?: string): Promise<WebhookEndpoint | undefined> {
  const [endpoint] = await tx.select().from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), councilId ? eq(webhookEndpoints.councilId, councilId) : undefined)).for('update')
  return endpoint
}

export async function insertWebhookEndpoint (tx: Db, values: typeof webhookEndpoints.$inferInsert): Promise<WebhookEndpoint> {
  const [endpoint] = await tx.insert(webhookEndpoints).values(values).returning()
  return endpoint!
}

export async function updateWebhookEndpointRow (tx: Db, endpointId: string, values: Partial<typeof webhookEndpoints.$inferInsert>): Promise<WebhookEndpoint> {
  const [endpoint] = await tx.update(webhookEndpoints).set(values).where(eq(webhookEndpoints.id, endpointId)).returning()
  return endpoint!
}

export async function deleteWebhookEndpointRow (tx: Db, endpointId: string): Promise<void> {
  await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))
}

// The outbox as the API shows it.

/** A hearing's notices, oldest first, with the recipient's name. */
export async function hearingNotifications (db: Db, hearingId: string) {
  const rows = await db.select({ notification: notifications, fullName: people.fullName })
    .from(notifications).leftJoin(people, eq(people.id, notifications.personId))
    .where(eq(notifications.hearingId, hearingId)).orderBy(asc(notifications.createdAt), asc(notifications.id))
  return rows.map((row) => ({ ...row.notification, fullName: row.fullName }))
}

/** One notice of a hearing, locked for a change. */
export async function lockHearingNotification (tx: Db, hearingId: string, notificationId: string): Promise<Notification | undefined> {
  const [row] = await tx.select().from(notifications)
    .where(and(eq(notifications.id, notificationId), eq(notifications.hearingId, hearingId))).for('update')
  return row
}

/** A hearing's explainers with their addresses, by name. */
export function hearingExplainers (db: Db, hearingId: string) {
  return db.select({ id: hearingParticipants.id, personId: people.id, fullName: people.fullName, email: people.email })
    .from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(eq(hearingParticipants.hearingId, hearingId), eq(hearingParticipants.role, 'explainer')))
    .orderBy(asc(people.fullName), asc(hearingParticipants.id))
}

/** When each invitation's first invitation or change e-mail was accepted by the recipient's mail server. */
export async function firstDeliveries (db: Db, participantIds: string[]): Promise<Map<string | null, Date | null>> {
  if (participantIds.length === 0) return new Map()
  const rows = await db.select({ participantId: notifications.participantId, at: min(notifications.sentAt) }).from(notifications)
    .where(and(inArray(notifications.participantId, participantIds), eq(notifications.channel, 'email'), eq(notifications.status, 'sent'),
      inArray(notifications.kind, ['invitation', 'update'])))
    .groupBy(notifications.participantId)
  return new Map(rows.map((row) => [row.participantId, row.at]))
}

// The worker.

/** Claims due rows for a worker: one statement, FOR UPDATE SKIP LOCKED, each row leased until `leaseUntil`. */
export async function claimDueNotifications (db: Db, now: Date, leaseUntil: Date, limit: number): Promise<Notification[]> {
  const due = db.select({ id: notifications.id }).from(notifications)
    .where(and(eq(notifications.status, 'pending'), lte(notifications.dueAt, now), or(isNull(notifications.leaseUntil), lt(notifications.leaseUntil, now))))
    .orderBy(asc(notifications.dueAt)).limit(limit)
    .for('update', { skipLocked: true })
  return db.update(notifications)
    .set({ leaseUntil, updatedAt: now })
    .where(inArray(notifications.id, due))
    .returning()
}

/** Takes a claimed row's lease again, unless another worker claimed it meanwhile (its lease changed). */
export async function renewLease (db: Db, row: Notification, leaseUntil: Date): Promise<Notification | undefined> {
  const [held] = await db.update(notifications)
    .set({ leaseUntil })
    .where(and(eq(notifications.id, row.id), eq(notifications.status, 'pending'), eq(notifications.leaseUntil, row.leaseUntil!)))
    .returning()
  return held
}

/**
 * A claimed row's new state, fenced by its lease: `lease` is the lease this worker holds (the row's
 * leaseUntil as claimed or renewed); a row another worker has claimed since is left as it is.
 * Returns whether the row was this worker's to change.
 */
export async function settleNotification (db: Db, id: string, lease: Date, values: Partial<NewNotification>, now: Date): Promise<boolean> {
  const rows = await db.update(notifications).set({ ...values, leaseUntil: null, updatedAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.status, 'pending'), eq(notifications.leaseUntil, lease)))
    .returning({ id: notifications.id })
  return rows.length > 0
}

/** Gives a claimed row back, due as it was, for any worker to claim at once (a worker stopping before it sent it). */
export async function releaseLease (db: Db, row: Notification, now: Date): Promise<void> {
  await db.update(notifications).set({ leaseUntil: null, updatedAt: now })
    .where(and(eq(notifications.id, row.id), eq(notifications.status, 'pending'), eq(notifications.leaseUntil, row.leaseUntil!)))
}

/** Rows sent, marked in one statement, each fenced by the lease it was sent under (as settleNotification). */
export async function markNotificationsSent (db: Db, sent: Array<{ id: string, messageId: string, attempts: number, lease: Date, sentAt: Date }>, now: Date): Promise<void> {
  if (sent.length === 0) return
  const values = sql.join(sent.map((r) => sql`(${r.id}::uuid, ${r.messageId}::text, ${r.attempts}::int, ${r.lease.toISOString()}::timestamptz, ${r.sentAt.toISOString()}::timestamptz)`), sql`, `)
  await db.execute(sql`update ${notifications} set status = 'sent', sent_at = v.sent_at, updated_at = ${now.toISOString()}::timestamptz,
    message_id = v.message_id, attempts = v.attempts, last_error = null, lease_until = null
    from (values ${values}) as v(id, message_id, attempts, lease, sent_at)
    where ${notifications.id} = v.id and ${notifications.status} = 'pending' and ${notifications.leaseUntil} = v.lease`)
}

/** One row's new state (its lease released). */
export async function markNotification (db: Db, id: string, values: Partial<NewNotification>, now: Date): Promise<Notification | undefined> {
  const [row] = await db.update(notifications).set({ ...values, leaseUntil: null, updatedAt: now }).where(eq(notifications.id, id)).returning()
  return row
}

/** What a batch of rows needs, read at once: their hearings, people, invitations, endpoints and councils. */
export async function notificationBatch (db: Db, rows: Notification[]) {
  const ids = (pick: (row: Notification) => string | null) => [...new Set(rows.map(pick).filter((id): id is string => id !== null))]
  const some = <T>(list: string[], read: (list: string[]) => Promise<T[]>) => list.length ? read(list) : Promise.resolve([])
  const [hearingRows, personRows, participantRows, endpointRows, councilRows] = await Promise.all([
    some(ids((r) => r.hearingId), (list) => db.select().from(hearings).where(inArray(hearings.id, list))),
    some(ids((r) => r.personId), (list) => db.select().from(people).where(inArray(people.id, list))),
    some(ids((r) => r.participantId), (list) => db.select().from(hearingParticipants).where(inArray(hearingParticipants.id, list))),
    some(ids((r) => r.endpointId), (list) => db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, list))),
    some(ids((r) => r.councilId), (list) => db.select({ id: councils.id, code: councils.code, email: councils.notificationEmail }).from(councils).where(inArray(councils.id, list)))
  ])
  return {
    hearings: new Map(hearingRows.map((h) => [h.id, h])),
    people: new Map(personRows.map((p) => [p.id, p])),
    participants: new Map(participantRows.map((p) => [p.id, p])),
    endpoints: new Map(endpointRows.map((e) => [e.id, e])),
    /** The secretariats' addresses, by council. */
    secretariats: new Map(councilRows.map((c) => [c.id, { code: c.code, email: c.email }]))
  }
}
