import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import formbody from '@fastify/formbody'
import { DateTime } from 'luxon'
import { COUNCIL_ZONE } from '../../domain/councils.js'
import { SESSION_COOKIE } from '../../plugins/auth.js'
import { LangParam, Uuid } from '../../schemas/common.js'
import { coverageReport } from '../../services/coverage.js'
import { coverageAccess, restrict } from '../../policy/index.js'
import { coveragePage, signInPage } from './page.js'

const Lang = Type.Optional(LangParam())
const SESSION_HOURS = 8

/** Where to go after signing in: only a dashboard page of this site. */
function safeNext (next: string | undefined): string {
  // Printable ASCII only: it goes into a Location header, where CR/LF or raw letters like "Đ" cannot stand.
  return next && /^\/dashboard\/[^/\\][\x21-\x7e]*$/.test(next) && !next.includes('//') ? next : '/dashboard/login'
}

/**
 * The supervisors' dashboard: server-rendered pages, no scripts, no external resources. A token is
 * entered once and kept in an HttpOnly, SameSite=Strict cookie limited to /dashboard.
 */
const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: 4096 })
  // Secure when the service says it is public over https (a TLS proxy in front), or the request came over https.
  const secureSite = app.config.PUBLIC_BASE_URL?.startsWith('https:') ?? false

  app.get('/coverage', {
    schema: {
      hide: true,
      querystring: Type.Object({
        councilId: Uuid,
        year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
        lang: Lang
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = request.query.lang ?? 'vi'
    const year = request.query.year ?? DateTime.fromJSDate(app.now(), { zone: COUNCIL_ZONE }).year
    reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-store')
    let access: Awaited<ReturnType<typeof coverageAccess>>
    try {
      access = await coverageAccess(app.db, request.principal, request.query.councilId)
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      if (status === 401) return reply.redirect(`/dashboard/login?next=${encodeURIComponent(request.url)}&lang=${lang}`, 303)
      if (status !== 403) throw error
      return reply.code(403).send(signInPage(lang, request.url, true))
    }
    const report = restrict(await coverageReport(app.db, access.parent, { from: `${year}-01-01`, to: `${year}-12-31` }, app.now()), access.onlyUnit)
    return coveragePage(report, lang, year, access.parent.timezone, `councilId=${access.parent.id}`)
  })

  app.get('/login', {
    schema: { hide: true, querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })), lang: Lang }, { additionalProperties: false }) }
  }, async (request, reply) => {
    return reply.type('text/html; charset=utf-8').send(signInPage(request.query.lang ?? 'vi', safeNext(request.query.next), false))
  })

  app.post('/login', {
    schema: {
      hide: true,
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), next: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    app.refuseBlocked(request)
    const principal = await app.principalOf(request.body.token.trim())
    await app.guardSecret(request, Boolean(principal))
    if (!principal) {
      return reply.code(401).type('text/html; charset=utf-8').send(signInPage('vi', safeNext(request.body.next), true))
    }
    reply.setCookie(SESSION_COOKIE, request.body.token.trim(), {
      path: '/dashboard/', httpOnly: true, sameSite: 'strict', secure: secureSite || request.protocol === 'https', maxAge: SESSION_HOURS * 3600
    })
    return reply.redirect(safeNext(request.body.next), 303)
  })

  app.post('/logout', { schema: { hide: true } }, async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/dashboard/' })
    return reply.redirect('/dashboard/login', 303)
  })
}

export default dashboardRoutes
