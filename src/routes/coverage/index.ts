import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { fail } from '../../domain/errors.js'
import { periodOf } from '../../domain/coverage.js'
import { coverageAccess, restrict, type VisibleReport } from '../../policy/index.js'
import { problems, type Lang } from '../../schemas/common.js'
import { CoverageHistorySchema, CoverageQuerySchema, CoverageReportSchema, HistoryQuerySchema } from '../../schemas/coverage.js'
import { coverageHistory, coverageReport, type CoverageReport } from '../../services/coverage.js'
import { zoned } from '../../views/hearing.js'
import { TERMS } from '../../words/terms.js'
import { COVERAGE_CSV_HEADERS } from '../../words/coverage.js'

const secured: Array<Record<string, string[]>> = [{ bearer: [] }, {}]

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

/** The report's times as ISO 8601 in the council's zone (hearings are shown in it), not UTC. */
function zonedReport (report: VisibleReport<CoverageReport>, zone: string) {
  const times = <T extends { lastHeldAt: Date | null, nextScheduledAt: Date | null, overdueSince: Date | null }>(counts: T) => ({
    ...counts, lastHeldAt: zoned(counts.lastHeldAt, zone), nextScheduledAt: zoned(counts.nextScheduledAt, zone), overdueSince: zoned(counts.overdueSince, zone)
  })
  return { ...report, own: report.own && times(report.own), units: report.units.map(times) }
}

const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/coverage', {
    schema: {
      tags: ['coverage'],
      summary: 'Which child councils held their hearings in a year or period',
      security: secured,
      querystring: CoverageQuerySchema,
      response: { 200: Type.Ref(CoverageReportSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { parent, onlyUnit } = await coverageAccess(app.db, request.principal, request.query.councilId)
    return zonedReport(restrict(await coverageReport(app.db, parent, periodOf(request.query), app.now()), onlyUnit), parent.timezone)
  })

  app.get('/coverage.csv', {
    schema: {
      tags: ['coverage'],
      summary: 'The coverage report as CSV (UTF-8 with BOM, for Excel)',
      security: secured,
      querystring: CoverageQuerySchema,
      response: { 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { parent, onlyUnit } = await coverageAccess(app.db, request.principal, request.query.councilId)
    const period = periodOf(request.query)
    const report = restrict(await coverageReport(app.db, parent, period, app.now()), onlyUnit)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="coverage-${parent.code}-${period.from}-${period.to}.csv"`)
      .send(coverageCsv(report, request.query.lang ?? 'vi', parent.timezone))
  })

  app.get('/coverage/history', {
    schema: {
      tags: ['coverage'],
      summary: 'The coverage ratio year by year, e.g. 2019 against 2018',
      security: secured,
      querystring: HistoryQuerySchema,
      response: { 200: Type.Ref(CoverageHistorySchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { fromYear, toYear, councilId } = request.query
    if (toYear < fromYear || toYear - fromYear > 30) throw fail('COVERAGE_YEARS_RANGE')
    const { parent, onlyUnit } = await coverageAccess(app.db, request.principal, councilId)
    if (onlyUnit) throw fail('COVERAGE_HISTORY_FORBIDDEN')
    return { council: { id: parent.id, name: parent.name }, items: await coverageHistory(app.db, parent, fromYear, toYear, app.now()) }
  })
}

export default coverageRoutes
