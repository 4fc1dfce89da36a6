import { DateTime } from 'luxon'
import type { Db } from '../db/client.js'
import { childCouncils, hearingCounts } from '../db/queries/coverage.js'
import type { Council } from '../db/queries/councils.js'
import { existence, totals, unitStatus, type Period } from '../domain/coverage.js'

/** The coverage report of a parent council's direct children over a period (dates inclusive). */
export async function coverageReport (db: Db, parent: Council, period: Period) {
  const zone = parent.timezone
  const from = DateTime.fromISO(period.from, { zone }).startOf('day').toJSDate()
  const to = DateTime.fromISO(period.to, { zone }).plus({ days: 1 }).startOf('day').toJSDate()
  const children = await childCouncils(db, parent.id)
  const counts = await hearingCounts(db, [parent.id, ...children.map((c) => c.id)], from, to)
  const minimum = parent.coverageMinHearings
  const units = children.map((child) => {
    const c = counts.get(child.id)!
    const status = unitStatus({ ...child, held: c.held, scheduled: c.scheduled }, period, minimum)
    return {
      councilId: child.id, code: child.code, name: child.name, level: child.level,
      activeFrom: child.activeFrom, activeTo: child.activeTo,
      status,
      partOfPeriod: existence(child, period) === 'part',
      held: c.held, scheduled: c.scheduled, cancelled: c.cancelled,
      lastHeldAt: c.lastHeldAt, nextScheduledAt: c.nextScheduledAt
    }
  })
  const own = counts.get(parent.id)!
  return {
    council: { id: parent.id, code: parent.code, name: parent.name, level: parent.level },
    period,
    minimumHearings: minimum,
    totals: totals(units.map((u) => u.status), units.map((u) => u.held), parent.coverageTarget),
    own: { held: own.held, scheduled: own.scheduled, cancelled: own.cancelled, lastHeldAt: own.lastHeldAt, nextScheduledAt: own.nextScheduledAt },
    units
  }
}

export type CoverageReport = Awaited<ReturnType<typeof coverageReport>>
