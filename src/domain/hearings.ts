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
