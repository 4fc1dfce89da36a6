import fp from 'fastify-plugin'
import csrf from '@fastify/csrf-protection'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { asAppError, sendProblem } from './errors.js'
import { fail } from '../domain/errors.js'
import { secretsEqual } from '../domain/tokens.js'
import { errorSentence } from '../words/errors.js'
import { prefersJson, renderTemplate } from '../pages/render.js'
import { words } from '../words/pages.js'
import type { Lang } from '../schemas/common.js'

declare module 'fastify' {
  interface FastifyReply {
    /** The token a form carries: the session's own when signed in, else one bound to the CSRF cookie. */
    formToken(): string
  }
  interface FastifyInstance {
    /** preValidation hook of every form post (before its fields are read): same-origin (Origin / Sec-Fetch-Site) and a valid CSRF token. */
    checkForm(request: FastifyRequest, reply: FastifyReply): Promise<void>
    /** The error handler of page routes: an HTML page in the person's language, or problem+json for a client. */
    pageErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<unknown>
  }
}

function sameHost (origin: string, host: string): boolean {
  try {
    const url = new URL(origin)
    // Host as the request names it, default port dropped as URL does ("localhost:80" is "localhost").
    return url.host === new URL(`${url.protocol}//${host}`).host
  } catch {
    return false // anything unreadable
  }
}

/** The language a page request asked for (?lang=en, or the hidden field of a form). */
export function requestLang (request: FastifyRequest): Lang {
  const query = (request.query as { lang?: string } | undefined)?.lang
  const body = (request.body as { lang?: string } | undefined)?.lang
  return query === 'en' || body === 'en' ? 'en' : 'vi'
}

/** The path of a page to sign in from, returning to `next` afterwards. */
export function signInPath (next: string, lang: Lang): string {
  return `/signin?next=${encodeURIComponent(next)}&lang=${lang}`
}

/** Form bodies for page routes only (the API reads JSON alone): each page plugin registers this. */
export const PAGE_FORM_LIMIT = 16 * 1024

/**
 * What the pages share: CSRF tokens in a cookie-bound secret
 * (double submit, @fastify/csrf-protection), a same-origin check on every form post, and errors
 * shown as pages. Registered inside the API's context, after @fastify/cookie.
 */
export default fp(async (app) => {
  const secure = app.config.PUBLIC_BASE_URL?.startsWith('https:') ?? false
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'gt_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf
  })

  app.decorateReply('formToken', function (this: FastifyReply) {
    const signedIn = this.request.signedIn
    return signedIn ? signedIn.session.csrfToken : this.generateCsrf()
  })

  app.decorate('checkForm', async function (request: FastifyRequest, reply: FastifyReply) {
    // A browser says where a form came from; another site's form is refused before its token is read.
    const site = request.headers['sec-fetch-site']
    const origin = request.headers.origin
    if ((site !== undefined && site !== 'same-origin' && site !== 'none') ||
      // Under Referrer-Policy: no-referrer (helmet's), Chromium sends "Origin: null" even for its own
      // forms: that says nothing, and the CSRF token decides.
      (origin !== undefined && origin !== 'null' && !sameHost(origin, request.host))) {
      throw fail('CROSS_ORIGIN_FORM')
    }
    // A signed-in form carries its session's own token: random, kept on the server, so a CSRF cookie
    // set from another port of the host (cookies ignore ports) forges nothing.
    const signedIn = request.signedIn
    if (signedIn) {
      const sent = (request.body as { _csrf?: unknown } | undefined)?._csrf
      if (typeof sent !== 'string' || !secretsEqual(sent, signedIn.session.csrfToken)) throw fail('CROSS_ORIGIN_FORM')
      return
    }
    await new Promise<void>((resolve, reject) => {
      app.csrfProtection(request, reply, (error?: Error) => error ? reject(error) : resolve())
      // csrfProtection answers a failure through reply.send(error), which goes to the error handler.
      if (reply.sent) resolve()
    })
  })

  app.decorate('pageErrorHandler', async function (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const lang = requestLang(request)
    const t = words(lang)
    let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    // What is said of the error, from the catalogue by its code: never a database's own message
    // (it holds the query), and on a Vietnamese page never an English sentence.
    const known = asAppError(error, request)
    if (error.validation) status = 400
    else if (known) status = known.statusCode
    if (known?.code === 'DATABASE_UNAVAILABLE') reply.header('retry-after', '5')
    if (status >= 500) request.log.error({ err: error }, 'page failed')
    if (prefersJson(request)) return sendProblem(reply, request, status, known?.message ?? error.message, { code: known?.code })
    if (status === 401 && request.method === 'GET') return reply.redirect(signInPath(request.url, lang), 303)
    const csrfFailure = error.code?.startsWith('FST_CSRF') || error.code === 'CROSS_ORIGIN_FORM'
    const general = t.errors[status as 400] as string | undefined
    const message = csrfFailure ? t.errors.csrf : status === 404 ? t.notFoundHelp : general ?? (status >= 500 ? t.errors[500] : t.errors[400])
    // The service's own sentence says exactly what is wrong, in the page's language; shown under the general one.
    // A 503 of the service's own (the database or the mail server unavailable) says what to do too.
    const detail = known && (status < 500 || status === 503) && !csrfFailure && status !== 404 ? errorSentence(known.code, known.params, lang) : undefined
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'private, no-store')
    return reply.send(renderTemplate('error', {
      lang,
      title: status === 404 ? t.notFound : t.errorTitle,
      heading: status === 404 ? t.notFound : t.errorTitle,
      message,
      detail,
      requestId: status >= 500 ? request.id : undefined,
      backUrl: request.headers.referer && sameHost(request.headers.referer, request.host) ? request.headers.referer : '/'
    }))
  })
}, { name: 'pages', dependencies: ['@fastify/cookie'] })
