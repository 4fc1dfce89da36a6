import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm'
import { DateTime, Duration } from 'luxon'
import type { Db } from '../db/client.js'
import { councils, hearingParticipants, memberships, notifications, people } from '../db/schema.js'
import type { Hearing } from '../db/queries/hearings.js'

export type NoticeKind = typeof notifications.$inferSelect['kind']

/** A hearing whose end has passed (one recorded after the fact, a past year back-filled): nobody is told of it. */
function isOver (hearing: Hearing, now: Date): boolean {
  return hearing.endsAt !== null && hearing.endsAt <= now
}

/**
 * Plans e-mail notices about a hearing, in the transaction of the change that causes them: one row
 * per (hearing, sequence, recipient, kind), whose idempotency key makes planning the same notice
 * twice a no-op. `participantIds` narrows it to some invitations (one newly invited person); by
 * default every invited person with an e-mail address. Due at once: invitations, changes and
 * cancellations are the legal notice and go out whatever the hour.
 */
export async function planNotices (tx: Db, hearing: Hearing, kind: NoticeKind, now: Date, participantIds?: string[]): Promise<number> {
  if (isOver(hearing, now)) return 0
  const recipients = await tx.select({ participantId: hearingParticipants.id, personId: people.id, email: people.email })
    .from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(
      eq(hearingParticipants.hearingId, hearing.id),
      isNotNull(people.email),
      participantIds ? inArray(hearingParticipants.id, participantIds) : undefined
    ))
  return insertNotices(tx, hearing, kind, now, recipients.map((r) => ({ ...r, email: r.email!, invitationId: r.participantId })))
}

/** A notice to one person who is no longer invited (their invitation row is gone). */
export async function planRemoval (tx: Db, hearing: Hearing, invitation: { id: string, personId: string, email: string | null }, now: Date): Promise<number> {
  if (!invitation.email || isOver(hearing, now)) return 0
  return insertNotices(tx, hearing, 'removal', now, [{ participantId: null, invitationId: invitation.id, personId: invitation.personId, email: invitation.email }])
}

/**
 * The key is (hearing, sequence, person, kind, invitation): the same notice is planned once; a person
 * uninvited and invited again is a new invitation, told again.
 */
async function insertNotices (
  tx: Db, hearing: Hearing, kind: NoticeKind, now: Date,
  recipients: Array<{ participantId: string | null, invitationId: string, personId: string, email: string, offset?: string, dueAt?: Date, skipped?: boolean }>
): Promise<number> {
  if (recipients.length === 0) return 0
  const rows = await tx.insert(notifications).values(recipients.map((r) => ({
    hearingId: hearing.id,
    councilId: hearing.councilId,
    personId: r.personId,
    participantId: r.participantId,
    kind,
    sequence: hearing.sequence,
    channel: 'email' as const,
    recipient: r.email,
    reminderOffset: r.offset ?? null,
    idempotencyKey: `${hearing.id}:${hearing.sequence}:${r.personId}:${kind}${r.offset ? `-${r.offset}` : ''}:${r.invitationId}:email`,
    dueAt: r.dueAt ?? now,
    status: r.skipped ? 'skipped' as const : 'pending' as const,
    createdAt: now,
    updatedAt: now
  }))).onConflictDoNothing({ target: notifications.idempotencyKey }).returning({ id: notifications.id })
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
        : and(sql`${notifications.sequence} < ${hearing.sequence}`, inArray(notifications.kind, ['invitation', 'update', 'postponement', 'reminder']))
    ))
}

/** An uninvited person is told so, and nothing else about the hearing. */
export async function supersedePersonNotices (tx: Db, hearingId: string, personId: string, now: Date): Promise<void> {
  await tx.update(notifications).set({ status: 'superseded', updatedAt: now, leaseUntil: null })
    .where(and(eq(notifications.hearingId, hearingId), eq(notifications.personId, personId), eq(notifications.status, 'pending'), ne(notifications.kind, 'removal')))
}

/** Reminders before a hearing, by audience: ISO 8601 durations before the start. */
export const REMINDER_OFFSETS = {
  explainer: ['P3D', 'P1D', 'PT2H'],
  participant: ['P1D', 'PT2H'],
  member: ['P1D', 'PT2H']
} as const

/** Hours in which no reminder goes out, as minutes after midnight in the council's zone: [from, to), across midnight when from > to. */
export interface QuietHours { from: number, to: number }

export const DEFAULT_QUIET_HOURS: QuietHours = { from: 21 * 60, to: 7 * 60 }

export function parseQuietHours (text: string): QuietHours {
  const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text)
  if (!match) throw new Error(`"${text}" is not a range like 21:00-07:00`)
  const [from, to] = [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])]
  if (from > 24 * 60 || to > 24 * 60 || from === to) throw new Error(`"${text}" must be two different times of day`)
  return { from, to }
}

/** When a reminder due at `due` goes: at once, or at the end of the quiet hours it falls in. */
export function afterQuietHours (due: Date, zone: string, quiet: QuietHours): Date {
  const local = DateTime.fromJSDate(due, { zone })
  const minute = local.hour * 60 + local.minute
  const quietNow = quiet.from < quiet.to ? minute >= quiet.from && minute < quiet.to : minute >= quiet.from || minute < quiet.to
  if (!quietNow) return due
  const end = local.startOf('day').plus({ minutes: quiet.to })
  return (end <= local ? end.plus({ days: 1 }) : end).toJSDate()
}

/**
 * Plans the reminders of a scheduled hearing: explainers 3 days, 1 day and 2 hours before; every
 * other participant and the council's members 1 day and 2 hours before; not for people who opted
 * out or have no address. One due in the quiet hours goes when they end; one whose time has passed,
 * or that would go only after the start, is recorded as skipped.
 */
export async function planReminders (tx: Db, hearing: Hearing, now: Date, quiet: QuietHours, participantIds?: string[]): Promise<void> {
  if (hearing.status !== 'scheduled' || !hearing.startsAt || hearing.startsAt <= now) return
  const [council] = await tx.select({ timezone: councils.timezone }).from(councils).where(eq(councils.id, hearing.councilId))
  const zone = council!.timezone
  const invited = await tx.select({ participantId: hearingParticipants.id, personId: people.id, email: people.email, role: hearingParticipants.role })
    .from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(eq(hearingParticipants.hearingId, hearing.id), isNotNull(people.email), eq(people.reminders, true),
      participantIds ? inArray(hearingParticipants.id, participantIds) : undefined))
  const recipients: Array<{ participantId: string | null, invitationId: string, personId: string, email: string, offsets: readonly string[] }> =
    invited.map((p) => ({ participantId: p.participantId, invitationId: p.participantId, personId: p.personId, email: p.email!, offsets: p.role === 'explainer' ? REMINDER_OFFSETS.explainer : REMINDER_OFFSETS.participant }))
  if (!participantIds) {
    const day = DateTime.fromJSDate(hearing.startsAt, { zone }).toISODate()!
    const members = await tx.selectDistinct({ personId: people.id, email: people.email }).from(memberships).innerJoin(people, eq(people.id, memberships.personId))
      .where(and(eq(memberships.councilId, hearing.councilId), sql`${memberships.startsOn} <= ${day}`, sql`(${memberships.endsOn} is null or ${memberships.endsOn} >= ${day})`,
        isNotNull(people.email), eq(people.reminders, true)))
    const invitedPeople = new Set(invited.map((p) => p.personId))
    for (const member of members) {
      if (!invitedPeople.has(member.personId)) recipients.push({ participantId: null, invitationId: 'member', personId: member.personId, email: member.email!, offsets: REMINDER_OFFSETS.member })
    }
  }
  const rows = recipients.flatMap((r) => r.offsets.map((offset) => {
    const due = afterQuietHours(new Date(hearing.startsAt!.getTime() - Duration.fromISO(offset).toMillis()), zone, quiet)
    return { ...r, offset, dueAt: due, skipped: due <= now || due >= hearing.startsAt! }
  }))
  await insertNotices(tx, hearing, 'reminder', now, rows)
}
