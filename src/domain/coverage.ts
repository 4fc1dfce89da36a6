import { fail } from './errors.js'

/**
 * Coverage of the target that every child council holds at least N hearings in a period. Pure:
 * callers load each child's dates of existence and its hearing counts in the period.
 */
export type UnitStatus = 'covered' | 'scheduled' | 'outcome_missing' | 'uncovered' | 'not_applicable'

export interface UnitFacts {
  activeFrom: string
  activeTo: string | null
  held: number
  /** Scheduled and still ahead (or under way). */
  scheduled: number
  /** Scheduled, its end passed, no outcome recorded. */
  overdue: number
}

export interface Period { from: string, to: string }

/** Whether the council exists during the period: not at all, for all of it, or for part of it. */
export function existence (unit: Pick<UnitFacts, 'activeFrom' | 'activeTo'>, period: Period): 'none' | 'whole' | 'part' {
  const ends = unit.activeTo ?? '9999-12-31'
  if (unit.activeFrom > period.to || ends < period.from) return 'none'
  return unit.activeFrom <= period.from && ends >= period.to ? 'whole' : 'part'
}

/**
 * Only held hearings cover; scheduled ones ahead promise to; one whose time passed without an
 * outcome is neither: the unit waits for that outcome to be recorded. Cancelled ones never count.
 */
export function unitStatus (unit: UnitFacts, period: Period, minimum: number): UnitStatus {
  if (existence(unit, period) === 'none') return 'not_applicable'
  if (unit.held >= minimum) return 'covered'
  if (unit.held + unit.scheduled >= minimum) return 'scheduled'
  if (unit.held + unit.scheduled + unit.overdue >= minimum) return 'outcome_missing'
  return 'uncovered'
}

export function totals (statuses: UnitStatus[], helds: number[], target: number) {
  const applicable = statuses.filter((s) => s !== 'not_applicable').length
  const covered = statuses.filter((s) => s === 'covered').length
  const ratio = applicable === 0 ? null : covered / applicable
  const distribution = { 0: 0, 1: 0, 2: 0, '3+': 0 }
  statuses.forEach((status, i) => {
    if (status === 'not_applicable') return
    const held = helds[i]!
    distribution[held >= 3 ? '3+' : (held as 0 | 1 | 2)]++
  })
  // A small tolerance: 20 of 21 is 0.952…, never "equal" to a target typed as 0.952. With no unit
  // to count, the target is neither met nor missed: null.
  return { applicable, covered, ratio, target, met: ratio === null ? null : ratio + 1e-9 >= target, distribution }
}

/** The period a coverage query asks for: a calendar year, or from and to (both inclusive). */
export function periodOf (query: { year?: number | undefined, from?: string | undefined, to?: string | undefined }): Period {
  if (query.year !== undefined) {
    if (query.from || query.to) throw fail('COVERAGE_YEAR_OR_RANGE')
    return { from: `${query.year}-01-01`, to: `${query.year}-12-31` }
  }
  if (!query.from || !query.to) throw fail('COVERAGE_PERIOD_MISSING')
  if (query.to < query.from) throw fail('RANGE_REVERSED')
  return { from: query.from, to: query.to }
}
