import { fail, type AppError } from './errors.js'
/** What makes a hearing one anyone may see: public, and out of draft. The one rule (db/queries/hearings.ts builds its SQL from it). */
export const PUBLIC_HEARING = { visibility: 'public', hiddenWhile: 'draft' } as const

export function isPublicHearing (hearing: { visibility: string, status: string }): boolean {
  return hearing.visibility === PUBLIC_HEARING.visibility && hearing.status !== PUBLIC_HEARING.hiddenWhile
}

/** The hearing lifecycle. Pure: which moves exist, from where, to where. */
export const HEARING_STATUSES = ['draft', 'scheduled', 'postponed', 'held', 'cancelled'] as const
export type HearingStatus = typeof HEARING_STATUSES[number]

export const HEARING_ACTIONS = ['schedule', 'postpone', 'cancel', 'outcome'] as const
export type HearingAction = typeof HEARING_ACTIONS[number]

const MOVES: Record<HearingAction, { from: readonly HearingStatus[], to: (from: HearingStatus) => HearingStatus }> = {
  schedule: { from: ['draft', 'postponed'], to: () => 'scheduled' },
  postpone: { from: ['scheduled'], to: () => 'postponed' },
  cancel: { from: ['draft', 'scheduled', 'postponed'], to: () => 'cancelled' },
  // On a held hearing, outcome amends the record (e.g. the conclusion notice issued later).
  outcome: { from: ['scheduled', 'held'], to: () => 'held' }
}

export function allowedActions (status: HearingStatus): HearingAction[] {
  return HEARING_ACTIONS.filter((action) => MOVES[action].from.includes(status))
}

/** The status after the action, or undefined when the move is not allowed. */
export function nextStatus (status: HearingStatus, action: HearingAction): HearingStatus | undefined {
  return MOVES[action].from.includes(status) ? MOVES[action].to(status) : undefined
}

/**
 * How a hearing's time may change in each status, outside the actions: a draft's freely; a
 * scheduled one's by a reschedule, with a reason; a postponed one's only by scheduling it again;
 * a held one's never (it is history); nothing of a cancelled one changes.
 */
export const TIME_CHANGE: Record<HearingStatus, 'free' | 'reschedule' | 'by_scheduling' | 'history' | 'frozen'> = {
  draft: 'free', scheduled: 'reschedule', postponed: 'by_scheduling', held: 'history', cancelled: 'frozen'
}

/** Whether a hearing's details (title, topic, place, visibility) can still change. */
export function isEditable (status: HearingStatus): boolean {
  return TIME_CHANGE[status] !== 'frozen'
}

/** Whether people can still be invited or withdrawn (also to a held hearing, recorded after the fact). */
export function invitationsOpen (status: HearingStatus): boolean {
  return status !== 'cancelled'
}

/** Whether the hearing is over, either way: answers are closed, and nobody is invited ahead any more. */
export function isSettled (status: HearingStatus): boolean {
  return status === 'held' || status === 'cancelled'
}

/** Whether the outcome can be recorded now: an allowed move, once the hearing has started. */
export function canRecordOutcome (hearing: { status: HearingStatus, startsAt: Date | null }, now: Date): boolean {
  return nextStatus(hearing.status, 'outcome') !== undefined && (hearing.status === 'held' || (hearing.startsAt !== null && hearing.startsAt <= now))
}

/** Statuses that occupy the council's and the explainers' time. */
export function blocksCalendar (status: HearingStatus): boolean {
  return status === 'scheduled' || status === 'held'
}

/** Fields whose change calendar clients must see: SEQUENCE rises with them. */
export const SIGNIFICANT_FIELDS = ['startsAt', 'endsAt', 'location', 'title', 'status'] as const

/** How far ahead a hearing may be planned, and how long one may last: bounds on the work a request can cause. */
export const MAX_YEARS_AHEAD = 5
export const MAX_HOURS = 72

/** Why a hearing's time is out of bounds, or undefined. */
export function timeBoundsProblem (times: { startsAt: Date, endsAt: Date }, now: Date): AppError | undefined {
  const latest = new Date(now)
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_YEARS_AHEAD)
  if (times.startsAt > latest) return fail('TOO_FAR_AHEAD', { years: MAX_YEARS_AHEAD, until: latest.toISOString().slice(0, 10) })
  if (times.endsAt.getTime() - times.startsAt.getTime() > MAX_HOURS * 3_600_000) return fail('TOO_LONG', { hours: MAX_HOURS })
  return undefined
}

/**
 * The 409 text for an explainer who is busy then. The other hearing is named only when the caller
 * may see it: another council's restricted hearing is not this caller's to read, not even its title.
 */
export function explainerConflict (conflict: { fullName: string, title: string, id: string }, visible: boolean): AppError {
  return visible
    ? fail('EXPLAINER_BUSY', { fullName: conflict.fullName, title: conflict.title, id: conflict.id })
    : fail('EXPLAINER_BUSY_ELSEWHERE', { fullName: conflict.fullName })
}
