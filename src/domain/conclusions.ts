/**
 * The conclusion of a hearing and what it asks (Law 87/2015 Art. 72.4–72.5; Law 121/2025 keeps the
 * procedure): the Standing Committee adopts it when more than half of ALL its members vote for it
 * (not of those present), and the commitments it lists are followed until done.
 */

/** The membership roles that make up the Standing Committee (Thường trực HĐND): its chair, vice-chairs and standing members. */
export const STANDING_COMMITTEE_ROLES = ['chair', 'vice_chair', 'standing_member'] as const

export type Vote = 'for' | 'against' | 'abstain'

export interface Tally {
  committeeSize: number
  present: number
  for: number
  against: number
  abstain: number
  /** More than half of all members voted for: votes for × 2 > members. */
  passed: boolean
  /** How many votes for passing needs: ⌊members / 2⌋ + 1. */
  needed: number
}

/** Counts the votes of the members present against the rule "more than half of all members". */
export function tally (committeeSize: number, ballots: Array<{ present: boolean, vote: Vote | null }>): Tally {
  const present = ballots.filter((ballot) => ballot.present)
  const count = (vote: Vote) => present.filter((ballot) => ballot.vote === vote).length
  const votesFor = count('for')
  return {
    committeeSize,
    present: present.length,
    for: votesFor,
    against: count('against'),
    abstain: count('abstain'),
    passed: committeeSize > 0 && votesFor * 2 > committeeSize,
    needed: Math.floor(committeeSize / 2) + 1
  }
}

export const COMMITMENT_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const
export type CommitmentStatus = typeof COMMITMENT_STATUSES[number]
/** As people read it: a commitment not done nor dropped by its due date is overdue. */
export type CommitmentState = CommitmentStatus | 'overdue'

/** The state of a commitment on a day (the council's local date, YYYY-MM-DD). */
export function commitmentState (commitment: { status: CommitmentStatus, dueOn: string }, today: string): CommitmentState {
  if ((commitment.status === 'open' || commitment.status === 'in_progress') && commitment.dueOn < today) return 'overdue'
  return commitment.status
}
