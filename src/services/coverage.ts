import { DateTime } from 'luxon'
import type { Db } from '../db/client.js'
import { childCouncils, hearingCounts } from '../db/queries/coverage.js'
import type { Council } from '../db/queries/councils.js'
import { existence, totals, unitStatus, type Period } from '../domain/coverage.js'
import type { VisibleReport } from '../policy/index.js'
import type { Lang } from '../words/terms.js'
import { TERMS } from '../words/terms.js'
import { COVERAGE_CSV_HEADERS } from '../words/coverage.js'

type Child = Awaited<ReturnType<typeof childCouncils>>[number]

/**
 * The coverage report of a parent council's direct children over a period (dates inclusive).
 * `children` may be passed in when one caller reports several periods of the same parent.
 */
export async function coverageReport (db: Db, parent: Council, period: Period, now: Date, children?: Child[]) {
  const zone = parent.timezone
  const from = DateTime.fromISO(period.from, { zone }).startOf('day').toJSDate()
  const to = DateTime.fromISO(period.to, { zone }).plus({ days: 1 }).startOf('day').toJSDate()
  const unitCouncils = children ?? await childCouncils(db, parent.id)
  const counts = await hearingCounts(db, [parent.id, ...unitCouncils.map((c) => c.id)], from, to, now)
  const minimum = parent.coverageMinHearings
  const units = unitCouncils.map((child) => {
    const c = counts.get(child.id)!
    const status = unitStatus({ ...child, held: c.held, scheduled: c.scheduled, overdue: c.overdue }, period, minimum)
    return {
      councilId: child.id,
      code: child.code,
      name: child.name,
      level: child.level,
      activeFrom: child.activeFrom,
      activeTo: child.activeTo,
      status,
      partOfPeriod: existence(child, period) === 'part',
      held: c.held,
      scheduled: c.scheduled,
      overdue: c.overdue,
      cancelled: c.cancelled,
      lastHeldAt: c.lastHeldAt,
      nextScheduledAt: c.nextScheduledAt,
      overdueSince: c.overdueSince
    }
  })
  const own = counts.get(parent.id)!
  return {
    council: { id: parent.id, code: parent.code, name: parent.name, level: parent.level },
    period,
    minimumHearings: minimum,
    totals: totals(units.map((u) => u.status), units.map((u) => u.held), parent.coverageTarget),
    own,
    units
  }
}

export type CoverageReport = Awaited<ReturnType<typeof coverageReport>>

/** The ratio year by year: the children are read once, then one grouped count per year. */
export async function coverageHistory (db: Db, parent: Council, fromYear: number, toYear: number, now: Date) {
  const children = await childCouncils(db, parent.id)
  const items = []
  for (let year = fromYear; year <= toYear; year++) {
    const report = await coverageReport(db, parent, { from: `${year}-01-01`, to: `${year}-12-31` }, now, children)
    const { distribution: _distribution, ...totals } = report.totals
    items.push({ year, ...totals, ownHeld: report.own.held })
  }
  return items
}

function csvCell (value: string | number | boolean | null): string {
  // Text a spreadsheet would run as a formula (=, +, -, @, or a leading tab or CR) is kept as text.
  const text = value === null ? '' : typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value)
  return /[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** CSV that Excel opens with Vietnamese intact: UTF-8 with a byte-order mark, CRLF lines. */
export function coverageCsv (report: VisibleReport<CoverageReport>, lang: Lang, zone: string): string {
  const day = (date: Date | null) => date ? DateTime.fromJSDate(date, { zone }).toISODate() : null
  const rows = report.units.map((u) => [
    u.code, u.name, TERMS[lang].coverageStatus[u.status], u.held, u.scheduled, u.overdue, u.cancelled, day(u.lastHeldAt), day(u.nextScheduledAt), day(u.overdueSince),
    u.partOfPeriod ? TERMS[lang].yes : ''
  ])
  return `\uFEFF${[COVERAGE_CSV_HEADERS[lang], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}
