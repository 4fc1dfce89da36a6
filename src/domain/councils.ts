import { fail, type AppError } from './errors.js'

/**
 * Every council is in Viet Nam: the zone a new council gets, and the service's zone where no one
 * council is at hand (a date filter across councils, a feed window counted before its council is read,
 * the audit log). Where a council is at hand, its own `timezone` is read.
 */
export const COUNCIL_ZONE = 'Asia/Ho_Chi_Minh'

export const COUNCIL_LEVELS = ['province', 'city', 'district', 'ward', 'commune', 'special_zone'] as const
export type CouncilLevel = typeof COUNCIL_LEVELS[number]

/** Tiers of Vietnam's local government: provinces and centrally-run cities, districts, then communes. */
const TIER: Record<CouncilLevel, number> = {
  province: 0, city: 0, district: 1, ward: 2, commune: 2, special_zone: 2
}

/** The error that says why a council cannot sit under that parent, or undefined when it can. */
export function parentRefusal (
  council: { id?: string, level: CouncilLevel },
  parent: { level: CouncilLevel },
  parentAncestry: readonly string[]
): AppError | undefined {
  if (council.id && parentAncestry.includes(council.id)) return fail('PARENT_CYCLE')
  if (TIER[parent.level] >= TIER[council.level]) return fail('PARENT_LEVEL', { level: council.level, parentLevel: parent.level })
  return undefined
}

/** Why a council cannot sit under that parent, in English, or undefined when it can. */
export function parentProblem (council: { id?: string, level: CouncilLevel }, parent: { level: CouncilLevel }, parentAncestry: readonly string[]): string | undefined {
  return parentRefusal(council, parent, parentAncestry)?.message
}
