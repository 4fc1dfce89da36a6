import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import formbody from '@fastify/formbody'
import { DateTime } from 'luxon'
import { findCouncil, parentCouncils } from '../../db/queries/councils.js'
import { PAGE_FORM_LIMIT } from '../../plugins/pages.js'
import { LangParam, Uuid, type Lang } from '../../schemas/common.js'
import { coverageCsv, coverageReport } from '../../services/coverage.js'
import { periodOf } from '../../domain/coverage.js'
import { CoverageQuerySchema } from '../../schemas/coverage.js'
import { coverageAccess, readableCouncilIds, restrict } from '../../policy/index.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { formatDay } from '../../pages/format.js'
import { safeNext } from '../../pages/forms.js'
import { councilFeedPath, councilPagePath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

const LangField = Type.Optional(LangParam())
/** The years the pickers offer: from the first councils' data to a few years ahead. */
const FIRST_YEAR = 2016

/**
 * The supervisors' dashboard and the sign-in shared by every page that needs a token: server-rendered,
 * no scripts, no external resources. A token is entered once and kept in an HttpOnly, SameSite=Strict
 * cookie that only pages read (never the API, so no other site can use it through a form).
 */
const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: PAGE_FORM_LIMIT })
  app.setErrorHandler(app.pageErrorHandler)

  app.get('/coverage', {
    schema: {
      hide: true,
      querystring: Type.Object({
        councilId: Uuid,
        year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
        lang: LangField
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = request.query.lang ?? 'vi'
    let access: Awaited<ReturnType<typeof coverageAccess>>
    try {
      access = await coverageAccess(app.db, request.principal, request.query.councilId)
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      if (status !== 403) throw error
      return sendPage(reply.code(403), 'signin', { lang, title: words(lang).signIn, next: safeNext(request.url), failed: words(lang).errors[403], csrfToken: reply.generateCsrf() })
    }
    const parent = access.parent
    const thisYear = DateTime.fromJSDate(app.now(), { zone: parent.timezone }).year
    const year = request.query.year ?? thisYear
    const report = restrict(await coverageReport(app.db, parent, { from: `${year}-01-01`, to: `${year}-12-31` }, app.now()), access.onlyUnit)
    const scope = request.principal ? await readableCouncilIds(app.db, request.principal) : [parent.id]
    const councils = await parentCouncils(app.db, scope)
    if (!councils.some((c) => c.id === parent.id)) councils.unshift({ id: parent.id, code: parent.code, name: parent.name })
    const grandparent = parent.parentId && councils.some((c) => c.id === parent.parentId) ? await findCouncil(app.db, parent.parentId) : undefined
    const withChildren = new Set(councils.map((c) => c.id))
    const url = (councilId: string, y: number, l: Lang = lang) => `/dashboard/coverage?councilId=${councilId}&year=${y}&lang=${l}`
    const totals = report.totals
    const t = words(lang).dashboard
    const distribution = totals ? Object.entries(totals.distribution) as Array<[string, number]> : []
    const most = Math.max(1, ...distribution.map(([, n]) => n))
    return sendPage(reply, 'coverage', {
      lang,
      title: `${t.title} – ${parent.name} – ${year}`,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: request.principal !== undefined,
      csrfToken: request.principal ? reply.formToken() : undefined,
      report,
      year,
      // The picker's range, and the year shown when it lies outside it.
      years: [...new Set([...Array.from({ length: thisYear + 2 - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i), year])].sort((a, b) => a - b),
      councils: councils.map((c) => ({ id: c.id, title: councilTitle(c.name, lang) })),
      councilTitle: councilTitle(parent.name, lang),
      councilUrl: `${councilPagePath(parent.code)}?lang=${lang}`,
      parentUrl: grandparent ? url(grandparent.id, year) : undefined,
      parentTitle: grandparent ? councilTitle(grandparent.name, lang) : undefined,
      csvUrl: `/dashboard/coverage.csv?councilId=${parent.id}&year=${year}&lang=${lang}`,
      yearUrl: (y: number) => url(parent.id, y),
      // A unit with units of its own opens its own report; a ward opens its page of hearings.
      unitUrl: (unit: { councilId: string, code: string }) => withChildren.has(unit.councilId) ? url(unit.councilId, year) : `${councilPagePath(unit.code)}?lang=${lang}`,
      unitFeedUrl: (unit: { code: string }) => councilFeedPath(unit.code),
      day: (date: Date | null) => formatDay(date, parent.timezone),
      chart: totals
        ? {
            percent: Math.round((totals.ratio ?? 0) * 100),
            target: Math.round(totals.target * 100),
            label: `${t.ratio}: ${totals.covered}/${totals.applicable} (${Math.round((totals.ratio ?? 0) * 100)}%); ${t.target} ${Math.round(totals.target * 100)}%`,
            distribution: distribution.map(([key, count]) => ({ key, count, percent: Math.round((count / most) * 100) }))
          }
        : undefined
    })
  })

  /** The report as CSV, for the signed-in person who reads the dashboard (the API's /v1/coverage.csv takes a token). */
  app.get('/coverage.csv', {
    schema: { hide: true, querystring: CoverageQuerySchema }
  }, async (request, reply) => {
    const { parent, onlyUnit } = await coverageAccess(app.db, request.principal, request.query.councilId)
    const period = periodOf(request.query)
    const report = restrict(await coverageReport(app.db, parent, period, app.now()), onlyUnit)
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="coverage-${parent.code}-${period.from}-${period.to}.csv"`)
      .send(coverageCsv(report, request.query.lang ?? 'vi', parent.timezone))
  })

  // Where sign-in was before accounts: old links and bookmarks go to the sign-in page.
  app.get('/login', {
    schema: { hide: true, querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })), lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    return reply.redirect(`/signin?next=${encodeURIComponent(safeNext(request.query.next))}&lang=${request.query.lang ?? 'vi'}`, 303)
  })
}

export default dashboardRoutes
