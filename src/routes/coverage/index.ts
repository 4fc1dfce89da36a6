import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { fail } from '../../domain/errors.js'
import { periodOf } from '../../domain/coverage.js'
import { coverageAccess, restrict, type VisibleReport } from '../../policy/index.js'
import { problems } from '../../schemas/common.js'
import { CoverageHistorySchema, CoverageQuerySchema, CoverageReportSchema, HistoryQuerySchema } from '../../schemas/coverage.js'
import { coverageCsv, coverageHistory, coverageReport, type CoverageReport } from '../../services/coverage.js'
import { zoned } from '../../views/hearing.js'

const secured: Array<Record<string, string[]>> = [{ bearer: [] }, {}]

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
