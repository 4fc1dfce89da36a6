import type { Hearing } from '../db/queries/hearings.js'
import type { NoticeKind, Notification } from '../db/queries/notifications.js'

/**
 * The notifications' pure rules, in one place: which notices a change makes pointless (planning
 * supersedes them in bulk; the worker checks a claimed row again just before sending), and when a
 * failed one is tried again.
 */

/** A hearing whose end has passed (one recorded after the fact, a past year back-filled): nobody is told of it. */
export function isOver (hearing: Pick<Hearing, 'endsAt'>, now: Date): boolean {
  return hearing.endsAt !== null && hearing.endsAt <= now
}

/** Notices about one SEQUENCE of a hearing: a newer one makes them pointless. */
export const SEQUENCED_KINDS = ['invitation', 'update', 'postponement', 'reminder', 'outcome_overdue', 'conclusion_overdue'] as const satisfies readonly NoticeKind[]

/** What a hearing's change supersedes: a cancellation stops everything but itself; otherwise, notices about an older SEQUENCE. */
export function supersededBy (hearing: Pick<Hearing, 'status' | 'sequence'>): { allBut: NoticeKind } | { kinds: readonly NoticeKind[], olderThan: number } {
  return hearing.status === 'cancelled' ? { allBut: 'cancellation' } : { kinds: SEQUENCED_KINDS, olderThan: hearing.sequence }
}

/**
 * Whether a claimed notice is about a time or state the hearing no longer has: the same rules as
 * `supersededBy`, and what only a row can tell (a withdrawn invitation, a reminder of a hearing no
 * longer scheduled, a conclusion already issued).
 */
export function isStale (row: Pick<Notification, 'kind' | 'sequence' | 'participantId'>, hearing: Pick<Hearing, 'status' | 'sequence' | 'outcome'> | undefined): boolean {
  if (!hearing) return true
  if (hearing.status === 'cancelled') return row.kind !== 'cancellation'
  switch (row.kind) {
    case 'invitation': case 'update': case 'postponement':
      return hearing.sequence !== row.sequence || row.participantId === null
    case 'reminder': case 'outcome_overdue':
      return hearing.sequence !== row.sequence || hearing.status !== 'scheduled'
    case 'conclusion_overdue':
      return hearing.status !== 'held' || Boolean(hearing.outcome?.conclusionIssuedOn)
    default:
      return false
  }
}

/** Why a reminder goes to nobody: the invited person declined, or sent someone in their place (undefined when it goes). */
export function reminderRefused (row: Pick<Notification, 'kind'>, participant: { response: string } | undefined): string | undefined {
  if (row.kind !== 'reminder' || !participant) return undefined
  if (participant.response === 'declined') return 'declined the invitation'
  if (participant.response === 'delegated') return 'sent a substitute'
  return undefined
}

/** Delay before attempt `attempts + 1`: exponential from 30 s, at most an hour, with jitter (half to all of it). */
export function backoffMs (attempts: number, random: () => number = Math.random): number {
  const full = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1))
  return Math.round(full / 2 + (full / 2) * random())
}
