import { fail, type AppError } from './errors.js'
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
