import { and, asc, count, eq, gte, inArray, lt, max, min } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils, hearings } from '../schema.js'

export async function childCouncils (db: Db, parentId: string) {
  return db.select({ id: councils.id, code: councils.code, name: councils.name, level: councils.level, activeFrom: councils.activeFrom, activeTo: councils.activeTo })
    .from(councils).where(eq(councils.parentId, parentId)).orderBy(asc(councils.code))
}

export interface CouncilCounts { held: number, scheduled: number, cancelled: number, lastHeldAt: Date | null, nextScheduledAt: Date | null }

/**
 * Hearings of these councils starting in [from, to), counted by status. One grouped query on
 * (council_id, starts_at): its cost follows the councils asked for, not the size of the table.
 */
export async function hearingCounts (db: Db, councilIds: string[], from: Date, to: Date): Promise<Map<string, CouncilCounts>> {
  const result = new Map<string, CouncilCounts>()
  for (const id of councilIds) result.set(id, { held: 0, scheduled: 0, cancelled: 0, lastHeldAt: null, nextScheduledAt: null })
  if (councilIds.length === 0) return result
  const rows = await db.select({
    councilId: hearings.councilId, status: hearings.status, n: count(), first: min(hearings.startsAt), last: max(hearings.startsAt)
  }).from(hearings)
    .where(and(inArray(hearings.councilId, councilIds), gte(hearings.startsAt, from), lt(hearings.startsAt, to), inArray(hearings.status, ['held', 'scheduled', 'cancelled'])))
    .groupBy(hearings.councilId, hearings.status)
  for (const row of rows) {
    const counts = result.get(row.councilId)!
    if (row.status === 'held') {
      counts.held = Number(row.n)
      counts.lastHeldAt = row.last
    } else if (row.status === 'scheduled') {
      counts.scheduled = Number(row.n)
      counts.nextScheduledAt = row.first
    } else {
      counts.cancelled = Number(row.n)
    }
  }
  return result
}
