import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { hearingParticipants, notifications, people } from '../db/schema.js'
import type { Hearing } from '../db/queries/hearings.js'

export type NoticeKind = typeof notifications.$inferSelect['kind']

/**
 * Plans e-mail notices about a hearing, in the transaction of the change that causes them: one row
 * per (hearing, sequence, recipient, kind), whose idempotency key makes planning the same notice
 * twice a no-op. `participantIds` narrows it to some invitations (one newly invited person); by
 * default every invited person with an e-mail address. Due at once: invitations, changes and
 * cancellations are the legal notice and go out whatever the hour.
 */
export async function planNotices (tx: Db, hearing: Hearing, kind: NoticeKind, now: Date, participantIds?: string[]): Promise<number> {
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
  if (!invitation.email) return 0
  return insertNotices(tx, hearing, 'removal', now, [{ participantId: null, invitationId: invitation.id, personId: invitation.personId, email: invitation.email }])
}

/**
 * The key is (hearing, sequence, person, kind, invitation): the same notice is planned once; a person
 * uninvited and invited again is a new invitation, told again.
 */
async function insertNotices (
  tx: Db, hearing: Hearing, kind: NoticeKind, now: Date,
  recipients: Array<{ participantId: string | null, invitationId: string, personId: string, email: string }>
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
    idempotencyKey: `${hearing.id}:${hearing.sequence}:${r.personId}:${kind}:${r.invitationId}:email`,
    dueAt: now,
    status: 'pending' as const,
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
        : and(sql`${notifications.sequence} < ${hearing.sequence}`, inArray(notifications.kind, ['invitation', 'update', 'postponement']))
    ))
}
