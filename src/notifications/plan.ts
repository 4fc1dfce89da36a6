import { DateTime, Duration } from 'luxon'
import { afterQuietHours, DEFAULT_QUIET_HOURS_TEXT, parseQuietHours, type QuietHours } from '../domain/calendar.js'
import type { Db } from '../db/client.js'
import type { Hearing } from '../db/queries/hearings.js'
import {
  enabledEndpoints, insertNotifications, invitedPeople, invitedPersonIds, remindableMembers, scheduledHearingsAhead,
  skipEndpointNotifications, supersedeHearingNotices, supersedePersonNotices as supersedePersonRows, type NoticeKind
} from '../db/queries/notifications.js'
import { councilNotificationSettings, type NotificationSettings } from './settings.js'
import { isOver, supersededBy } from './rules.js'

export type { NoticeKind }

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
    enabledEndpoints(tx, councilId)
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
  const recipients = await invitedPeople(tx, hearing.id, { participantIds })
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
  return insertNotifications(tx, values)
}

/**
 * A cancelled hearing stops everything but the cancellation; a new SEQUENCE makes notices about an
 * older one pointless (the worker checks too, for rows already claimed).
 */
export async function supersedeNotices (tx: Db, hearing: Hearing, now: Date): Promise<void> {
  await supersedeHearingNotices(tx, hearing.id, supersededBy(hearing), now)
}

/** An endpoint disabled (410 Gone) or deleted: what was still to be posted to it is skipped, saying why. */
export async function skipEndpointNotices (tx: Db, endpointId: string, why: string, now: Date): Promise<void> {
  await skipEndpointNotifications(tx, endpointId, why, now)
}

/** An uninvited person is told so, and nothing else about the hearing. */
export async function supersedePersonNotices (tx: Db, hearingId: string, personId: string, now: Date): Promise<void> {
  await supersedePersonRows(tx, hearingId, personId, now)
}

/**
 * A member who joins gets the reminders of the council's scheduled hearings ahead (those on days
 * their membership covers; planReminders checks). At most the next 200: a council holds a few a year.
 */
export async function planMemberReminders (tx: Db, councilId: string, personId: string, now: Date, quietHours: string | undefined): Promise<void> {
  const ahead = await scheduledHearingsAhead(tx, councilId, now, 200)
  if (ahead.length === 0) return
  const plan = await planContext(tx, councilId, quietHours)
  for (const hearing of ahead) await planReminders(tx, plan, hearing, now, { memberIds: [personId] })
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
    : await invitedPeople(tx, hearing.id, { participantIds: narrow?.participantIds, remindable: true })
  const recipients: Array<Recipient & { offsets: readonly string[] }> =
    invited.map((p) => ({ participantId: p.participantId, invitationId: p.participantId, personId: p.personId, email: p.email, offsets: p.role === 'explainer' ? settings.reminders.explainer : settings.reminders.participant }))
  if (!narrow?.participantIds) {
    const day = DateTime.fromJSDate(hearing.startsAt, { zone }).toISODate()!
    const members = await remindableMembers(tx, hearing.councilId, day, narrow?.memberIds)
    const invitedIds = narrow?.memberIds ? await invitedPersonIds(tx, hearing.id) : new Set(invited.map((p) => p.personId))
    for (const member of members) {
      if (!invitedIds.has(member.personId)) recipients.push({ participantId: null, invitationId: 'member', personId: member.personId, email: member.email, offsets: settings.reminders.member })
    }
  }
  const rows = recipients.flatMap((r) => r.offsets.map((offset) => {
    const due = afterQuietHours(new Date(hearing.startsAt!.getTime() - Duration.fromISO(offset).toMillis()), zone, plan.quiet)
    return { ...r, offset, dueAt: due, skipped: due <= now || due >= hearing.startsAt! }
  }))
  await insertNotices(tx, plan, hearing, 'reminder', now, rows)
}
