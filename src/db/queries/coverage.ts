import { and, asc, count, eq, gte, inArray, lt, max, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils, hearings } from '../schema.js'

export async function childCouncils (db: Db, parentId: string) {
  return db.select({ id: councils.id, code: councils.code, name: councils.name, level: councils.level, activeFrom: councils.activeFrom, activeTo: councils.activeTo })
    .from(councils).where(eq(councils.parentId, parentId)).orderBy(asc(councils.code))
}

export interface CouncilCounts {
  held: number
  /** Scheduled hearings still ahead or under way. */
  scheduled: number
  /** Scheduled hearings whose end has passed without an outcome: they need one recorded. */
  overdue: number
  cancelled: number
  lastHeldAt: Date | null
  nextScheduledAt: Date | null
  /** The start of the oldest overdue hearing. */
  overdueSince: Date | null
}

/**
 * Hearings of these councils starting in [from, to), counted by status, scheduled ones split at
 * `now` into those ahead and those overdue. One grouped query on (council_id, starts_at): its cost
 * follows the councils asked for, not the size of the table.
 */
export async function hearingCounts (db: Db, councilIds: string[], from: Date, to: Date, now: Date): Promise<Map<string, CouncilCounts>> {
  const result = new Map<string, CouncilCounts>()
  for (const id of councilIds) result.set(id, { held: 0, scheduled: 0, overdue: 0, cancelled: 0, lastHeldAt: null, nextScheduledAt: null, overdueSince: null })
  if (councilIds.length === 0) return result
  // Through drizzle's operators, which map a Date for every driver.
  const passed = lt(hearings.endsAt, now)
  const rows = await db.select({
    councilId: hearings.councilId,
    status: hearings.status,
    n: count(),
    passed: sql<string>`count(*) filter (where ${passed})`,
    last: max(hearings.startsAt),
    next: sql<Date | string | null>`min(${hearings.startsAt}) filter (where not (${passed}))`,
    oldestPassed: sql<Date | string | null>`min(${hearings.startsAt}) filter (where ${passed})`
  }).from(hearings)
    .where(and(inArray(hearings.councilId, councilIds), gte(hearings.startsAt, from), lt(hearings.startsAt, to), inArray(hearings.status, ['held', 'scheduled', 'cancelled'])))
    .groupBy(hearings.councilId, hearings.status)
  const date = (value: Date | string | null) => value === null ? null : new Date(value)
  for (const row of rows) {
    const counts = result.get(row.councilId)!
    if (row.status === 'held') {
      counts.held = Number(row.n)
      counts.lastHeldAt = row.last
    } else if (row.status === 'scheduled') {
      counts.overdue = Number(row.passed)
      counts.scheduled = Number(row.n) - counts.overdue
      counts.nextScheduledAt = date(row.next)
      counts.overdueSince = date(row.oldestPassed)
    } else {
      counts.cancelled = Number(row.n)
    }
  }
  return result
}
