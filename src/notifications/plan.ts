import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import { DateTime, Duration } from 'luxon'
import { afterQuietHours, DEFAULT_QUIET_HOURS_TEXT, parseQuietHours, type QuietHours } from '../domain/calendar.js'
import type { Db } from '../db/client.js'
import { hearingParticipants, memberships, notifications, people, webhookEndpoints, type NoticeKind } from '../db/schema.js'
import { councilNotificationSettings, type NotificationSettings } from './settings.js'
import type { Hearing } from '../db/queries/hearings.js'

export type { NoticeKind }

/** A hearing whose end has passed (one recorded after the fact, a past year back-filled): nobody is told of it. */
function isOver (hearing: Hearing, now: Date): boolean {
  return hearing.endsAt !== null && hearing.endsAt <= now
}

/** Who a notice goes to: a person (invited, or a member), or the council's secretariat (no person). */
interface Recipient {
  personId: string | null
  participantId: string | null
  /** What makes the notice one of its own in the idempotency key (the invitation, an answer, 'member'). */
  invitationId: string
  email: string | null
  offset?: string | undefined
  dueAt?: Date | undefined
  skipped?: boolean | undefined
}

/** What planning needs of the council: its settings as they apply, zone, secretariat address, webhook endpoints. */
export interface PlanContext {
  settings: NotificationSettings
  quiet: QuietHours
  zone: string
  notificationEmail: string | null
  endpoints: Array<{ id: string, url: string }>
}

/** Reads the council's notification settings once per write (QUIET_HOURS text is the built-in default). */
export async function planContext (tx: Db, councilId: string, quietHours: string = DEFAULT_QUIET_HOURS_TEXT): Promise<PlanContext> {
  const [{ settings, notificationEmail, timezone }, endpoints] = await Promise.all([
    councilNotificationSettings(tx, councilId, quietHours),
    tx.select({ id: webhookEndpoints.id, url: webhookEndpoints.url }).from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.councilId, councilId), eq(webhookEndpoints.enabled, true)))
  ])
  return { settings, quiet: parseQuietHours(settings.quietHours), zone: timezone!, notificationEmail, endpoints }
}

/**
 * Plans notices about a hearing, in the transaction of the change that causes them: one row per
 * (hearing, sequence, recipient, kind) and channel, whose idempotency key makes planning the same
 * notice twice a no-op. `participantIds` narrows it to some invitations (one newly invited person);
 * by default every invited person: by e-mail to those with an address, and to each of the council's
 * webhook endpoints (an SMS or Zalo gateway) for everyone. Due at once: invitations, changes and
 * cancellations are the legal notice and go out whatever the hour.
 */
export async function planNotices (tx: Db, plan: PlanContext, hearing: Hearing, kind: NoticeKind, now: Date, participantIds?: string[]): Promise<number> {
  if (isOver(hearing, now)) return 0
  const recipients = await tx.select({ participantId: hearingParticipants.id, personId: people.id, email: people.email })
    .from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(
      eq(hearingParticipants.hearingId, hearing.id),
      participantIds ? inArray(hearingParticipants.id, participantIds) : undefined
    ))
  return insertNotices(tx, plan, hearing, kind, now, recipients.map((r) => ({ ...r, invitationId: r.participantId })))
}

/** A notice to one person who is no longer invited (their invitation row is gone). */
export async function planRemoval (tx: Db, plan: PlanContext, hearing: Hearing, invitation: { id: string, personId: string, email: string | null }, now: Date): Promise<number> {
  if (isOver(hearing, now)) return 0
  return insertNotices(tx, plan, hearing, 'removal', now, [{ participantId: null, invitationId: invitation.id, personId: invitation.personId, email: invitation.email }])
}

/** The secretariat is told of an invitation declined or delegated (each answer once). */
export async function planAnswerNotice (tx: Db, plan: PlanContext, hearing: Hearing, participant: { id: string, response: string, respondedAt: Date | null }, now: Date): Promise<number> {
  if (participant.response !== 'declined' && participant.response !== 'delegated') return 0
  return insertNotices(tx, plan, hearing, 'answer', now, [{
    personId: null, participantId: participant.id, invitationId: `${participant.id}:${participant.response}:${participant.respondedAt?.getTime() ?? now.getTime()}`, email: plan.notificationEmail
  }])
}

/**
 * The secretariat's notices about a hearing's record: after the end of a scheduled hearing, at each
 * `outcomeOverdue` offset (1 and 3 days), if no outcome was recorded by then; once held, at
 * `conclusionOverdue` after the end if the conclusion notice is still missing. The worker drops them
 * when what they warn of was done meanwhile. Quiet hours hold them, as reminders.
 */
export async function planRecordNotices (tx: Db, plan: PlanContext, hearing: Hearing, now: Date): Promise<void> {
  if (!hearing.endsAt) return
  let kind: NoticeKind
  let offsets: string[]
  if (hearing.status === 'scheduled') {
    kind = 'outcome_overdue'
    offsets = plan.settings.outcomeOverdue
  } else if (hearing.status === 'held' && !hearing.outcome?.conclusionIssuedOn) {
    kind = 'conclusion_overdue'
    offsets = [plan.settings.conclusionOverdue]
  } else {
    return
  }
  const rows = offsets.map((offset) => ({
    personId: null,
    participantId: null,
    invitationId: 'secretariat',
    email: plan.notificationEmail,
    offset,
    dueAt: afterQuietHours(new Date(hearing.endsAt!.getTime() + Duration.fromISO(offset).toMillis()), plan.zone, plan.quiet)
  })).filter((row) => row.dueAt > now)
  await insertNotices(tx, plan, hearing, kind, now, rows)
}

/**
 * The key is (hearing, sequence, person, kind, invitation, channel): the same notice is planned
 * once; a person uninvited and invited again is a new invitation, told again.
 */
async function insertNotices (tx: Db, plan: PlanContext, hearing: Hearing, kind: NoticeKind, now: Date, recipients: Recipient[]): Promise<number> {
  const channels = (r: Recipient) => [
    ...(r.email ? [{ channel: 'email' as const, recipient: r.email, endpointId: null, suffix: 'email' }] : []),
    ...plan.endpoints.map((e) => ({ channel: 'webhook' as const, recipient: e.url, endpointId: e.id, suffix: `webhook:${e.id}` }))
  ]
  const values = recipients.flatMap((r) => channels(r).map((c) => ({
    hearingId: hearing.id,
    councilId: hearing.councilId,
    personId: r.personId,
    participantId: r.participantId,
    kind,
    sequence: hearing.sequence,
    channel: c.channel,
    recipient: c.recipient,
    endpointId: c.endpointId,
    reminderOffset: r.offset ?? null,
    idempotencyKey: `${hearing.id}:${hearing.sequence}:${r.personId ?? 'secretariat'}:${kind}${r.offset ? `-${r.offset}` : ''}:${r.invitationId}:${c.suffix}`,
    dueAt: r.dueAt ?? now,
    status: r.skipped ? 'skipped' as const : 'pending' as const,
    createdAt: now,
    updatedAt: now
  })))
  if (values.length === 0) return 0
  const rows = await tx.insert(notifications).values(values).onConflictDoNothing({ target: notifications.idempotencyKey }).returning({ id: notifications.id })
  return rows.length
}

/**
 * A cancelled hearing stops everything but the cancellation; a new SEQUENCE makes notices about an
 * older one pointless (the worker checks too, for rows already claimed).
 */
export async function supersedeNotices (tx: Db, hearing: Hearing, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'superseded', updatedAt: now, leaseUntil: null })
    .where(and(
      eq(notifications.hearingId, hearing.id),
      eq(notifications.status, 'pending'),
      hearing.status === 'cancelled'
        ? ne(notifications.kind, 'cancellation')
        : and(sql`${notifications.sequence} < ${hearing.sequence}`, inArray(notifications.kind, ['invitation', 'update', 'postponement', 'reminder', 'outcome_overdue', 'conclusion_overdue']))
    ))
}

/** An endpoint disabled (410 Gone) or deleted: what was still to be posted to it is skipped, saying why. */
export async function skipEndpointNotices (tx: Db, endpointId: string, why: string, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'skipped', lastError: why, leaseUntil: null, updatedAt: now })
    .where(and(eq(notifications.endpointId, endpointId), eq(notifications.status, 'pending')))
}

/** An uninvited person is told so, and nothing else about the hearing. */
export async function supersedePersonNotices (tx: Db, hearingId: string, personId: string, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'superseded', updatedAt: now, leaseUntil: null })
    .where(and(eq(notifications.hearingId, hearingId), eq(notifications.personId, personId), eq(notifications.status, 'pending'), ne(notifications.kind, 'removal')))
}

/**
 * Plans the reminders of a scheduled hearing, at the council's offsets (by default explainers 3
 * days, 1 day and 2 hours before; every other participant and the council's members 1 day and 2
 * hours before); not for people who opted out. One due in the quiet hours goes when they end; one
 * whose time has passed, or that would go only after the start, is recorded as skipped.
 * `personIds` narrows it to some people (one newly invited, a member who joined).
 */
export async function planReminders (tx: Db, plan: PlanContext, hearing: Hearing, now: Date, narrow?: { participantIds?: string[], memberIds?: string[] }): Promise<void> {
  if (hearing.status !== 'scheduled' || !hearing.startsAt || hearing.startsAt <= now) return
  const { zone, settings } = plan
  const invited = narrow?.memberIds
    ? []
    : await tx.select({ participantId: hearingParticipants.id, personId: people.id, email: people.email, role: hearingParticipants.role })
      .from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
      .where(and(eq(hearingParticipants.hearingId, hearing.id), eq(people.reminders, true),
        narrow?.participantIds ? inArray(hearingParticipants.id, narrow.participantIds) : undefined))
  const recipients: Array<Recipient & { offsets: readonly string[] }> =
    invited.map((p) => ({ participantId: p.participantId, invitationId: p.participantId, personId: p.personId, email: p.email, offsets: p.role === 'explainer' ? settings.reminders.explainer : settings.reminders.participant }))
  if (!narrow?.participantIds) {
    const day = DateTime.fromJSDate(hearing.startsAt, { zone }).toISODate()!
    const members = await tx.selectDistinct({ personId: people.id, email: people.email }).from(memberships).innerJoin(people, eq(people.id, memberships.personId))
      .where(and(eq(memberships.councilId, hearing.councilId), sql`${memberships.startsOn} <= ${day}`, sql`(${memberships.endsOn} is null or ${memberships.endsOn} >= ${day})`,
        eq(people.reminders, true), narrow?.memberIds ? inArray(people.id, narrow.memberIds) : undefined))
    const invitedPeople = new Set((narrow?.memberIds
      ? await tx.select({ personId: hearingParticipants.personId }).from(hearingParticipants).where(eq(hearingParticipants.hearingId, hearing.id))
      : invited).map((p) => p.personId))
    for (const member of members) {
      if (!invitedPeople.has(member.personId)) recipients.push({ participantId: null, invitationId: 'member', personId: member.personId, email: member.email, offsets: settings.reminders.member })
    }
  }
  const rows = recipients.flatMap((r) => r.offsets.map((offset) => {
    const due = afterQuietHours(new Date(hearing.startsAt!.getTime() - Duration.fromISO(offset).toMillis()), zone, plan.quiet)
    return { ...r, offset, dueAt: due, skipped: due <= now || due >= hearing.startsAt! }
  }))
  await insertNotices(tx, plan, hearing, 'reminder', now, rows)
}
