import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import formbody from '@fastify/formbody'
import { listSessions } from '../../db/queries/accounts.js'
import { fail } from '../../domain/errors.js'
import { COUNCIL_ZONE } from '../../domain/councils.js'
import { PAGE_FORM_LIMIT, requestLang } from '../../plugins/pages.js'
import { sessionCookieName } from '../../plugins/auth.js'
import { OIDC_FLOW_COOKIE } from '../../plugins/oidc.js'
import { LangParam, Uuid, type Lang } from '../../schemas/common.js'
import {
  checkSignInLink, requestSignInLink, SESSION_HOURS, SIGN_IN_LINK_MINUTES, signInWithLink, signInWithOidc, signOut, signOutEverywhere, switchRole
} from '../../services/accounts.js'
import { findUser } from '../../db/queries/accounts.js'
import { listUserTokens } from '../../db/queries/tokens.js'
import { issueOwnToken, revokeOwnToken, USER_TOKEN_MAX_DAYS } from '../../services/tokens.js'
import { TEXT_PATTERN } from '../../schemas/common.js'
import { words } from '../../words/pages.js'
import { SIGN_IN_MAIL } from '../../words/mail.js'
import { councilTitle } from '../../words/terms.js'
import { formatWhen } from '../../pages/format.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'
import { safeNext } from '../../pages/forms.js'
import { secretPage } from '../../pages/console.js'

const LangField = Type.Optional(LangParam())
const Csrf = Type.String({ maxLength: 200 })
/** How long a user's own token may live: the choices the account page offers. */
const TOKEN_DAYS = [30, 90, 180, USER_TOKEN_MAX_DAYS]
const SignInToken = Type.Object({ token: Type.String({ pattern: '^gl_[A-Za-z0-9_-]{43}$' }) })

/**
 * Signing in and one's account: a one-time link by e-mail (POST /signin sends it; the link opens a
 * page whose button signs in, so a mail scanner that follows links uses nothing), a session on the
 * server (its random id in an HttpOnly cookie), signing out, the roles one acts in (the council
 * switcher) and the sessions one has, each of which can be ended.
 */
const accountPages: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: PAGE_FORM_LIMIT })
  app.setErrorHandler(app.pageErrorHandler)
  const secure = app.config.PUBLIC_BASE_URL?.startsWith('https:') ?? false
  const cookie = sessionCookieName(secure)
  const context = (request: FastifyRequest) => ({ db: app.db, now: app.now(), requestId: request.id, announce: (changes: Parameters<typeof app.changes.announce>[0]) => app.changes.announce(changes) })

  function signInPage (reply: FastifyReply, request: FastifyRequest, lang: Lang, data: { next: string, sent?: boolean, failed?: string }, status = 200) {
    return sendPage(reply.code(status), 'signin', {
      lang,
      title: words(lang).signIn,
      otherLangUrl: otherLangUrl(request, lang),
      csrfToken: reply.formToken(),
      oidcUrl: app.config.OIDC_ISSUER ? `/signin/oidc?next=${encodeURIComponent(data.next)}&lang=${lang}` : undefined,
      ...data
    })
  }

  function startSession (request: FastifyRequest, reply: FastifyReply, secret: string) {
    reply.setCookie(cookie, secret, { path: '/', httpOnly: true, sameSite: 'strict', secure: secure || request.protocol === 'https', maxAge: SESSION_HOURS * 3600 })
  }

  /** The home page: where each person goes (staff to sign in or their desk; the invited to their e-mail's link). */
  app.get('/', {
    schema: { hide: true, querystring: Type.Object({ lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = request.query.lang ?? 'vi'
    const signedIn = request.signedIn
    return sendPage(reply, 'home', {
      lang,
      title: words(lang).homeTitle,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: Boolean(signedIn),
      csrfToken: signedIn ? reply.formToken() : undefined,
      signedInAs: signedIn?.user.email
    })
  })

  app.get('/signin', {
    schema: { hide: true, querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })), lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = request.query.lang ?? 'vi'
    return signInPage(reply, request, lang, { next: safeNext(request.query.next) })
  })

  app.post('/signin', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      body: Type.Object({
        email: Type.String({ format: 'email', maxLength: 254 }),
        next: Type.Optional(Type.String({ maxLength: 500 })),
        lang: LangField,
        _csrf: Csrf
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const next = safeNext(request.body.next)
    app.refuseBlocked(request)
    const link = await requestSignInLink(context(request), request.body.email.trim(), next)
    if (link) {
      const t = SIGN_IN_MAIL[link.user.locale === 'en' ? 'en' : 'vi']
      const url = `${app.publicBaseUrl()}/signin/${link.secret}`
      try {
        await app.mailer.send({ to: { name: link.user.name, address: link.user.email }, subject: t.subject, text: t.text(link.user.name, url, SIGN_IN_LINK_MINUTES) })
      } catch (error) {
        request.log.error({ err: error }, 'the sign-in e-mail could not be sent')
        throw fail('MAIL_UNAVAILABLE')
      }
    }
    // The same answer whether the address has an account or not: addresses cannot be probed.
    return signInPage(reply, request, lang, { next, sent: true })
  })

  app.get('/signin/:token', {
    schema: { hide: true, params: SignInToken, querystring: Type.Object({ lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const link = await checkSignInLink(app.db, request.params.token, app.now())
    await app.guardSecret(request, Boolean(link))
    const user = link && await findUser(app.db, link.userId)
    const lang = request.query.lang ?? (user?.locale === 'en' ? 'en' : 'vi')
    return sendPage(reply.code(user ? 200 : 410), 'signin-confirm', {
      lang, title: words(lang).signIn, csrfToken: reply.formToken(), self: `/signin/${request.params.token}`, email: user?.email
    })
  })

  app.post('/signin/:token', {
    preValidation: app.checkForm,
    schema: { hide: true, params: SignInToken, body: Type.Object({ _csrf: Csrf, lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const signedIn = await signInWithLink(context(request), request.params.token, request.headers['user-agent'])
    await app.guardSecret(request, Boolean(signedIn))
    if (!signedIn) throw fail('SIGN_IN_LINK_INVALID')
    // A new id at every sign-in: a session id planted in the browser before (fixation) is never the one signed in.
    startSession(request, reply, signedIn.secret)
    return reply.redirect(signedIn.next, 303)
  })

  app.get('/signin/oidc', {
    schema: { hide: true, querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })), lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    if (!app.oidc) throw fail('OIDC_NOT_CONFIGURED')
    const { url, flow } = await app.oidc.start(safeNext(request.query.next), request.query.lang ?? 'vi')
    // Lax: the provider sends the browser back with a top-level GET from its own site.
    reply.setCookie(OIDC_FLOW_COOKIE, flow, { path: '/signin/oidc', httpOnly: true, sameSite: 'lax', secure: secure || request.protocol === 'https', maxAge: 600 })
    return reply.redirect(url, 303)
  })

  app.get('/signin/oidc/callback', {
    // What the provider sends back (code, state, iss, or an error) is checked by openid-client.
    schema: { hide: true, querystring: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 4000 })) }
  }, async (request, reply) => {
    if (!app.oidc) throw fail('OIDC_NOT_CONFIGURED')
    const done = await app.oidc.finish(`${app.publicBaseUrl()}${request.url}`, request.cookies[OIDC_FLOW_COOKIE])
    reply.clearCookie(OIDC_FLOW_COOKIE, { path: '/signin/oidc' })
    const signedIn = await signInWithOidc(context(request), done.email, request.headers['user-agent'])
    if (!signedIn) throw fail('OIDC_UNKNOWN_USER', { email: done.email })
    startSession(request, reply, signedIn.secret)
    return reply.redirect(done.next, 303)
  })

  app.post('/signout', {
    preValidation: app.checkForm,
    schema: { hide: true, body: Type.Object({ _csrf: Csrf, lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    if (request.signedIn) await signOut(context(request), request.signedIn.session)
    reply.clearCookie(cookie, { path: '/' })
    return reply.redirect(`/signin?lang=${requestLang(request)}`, 303)
  })

  /** The signed-in user, or the sign-in page (a GET) / 401 (a form). */
  function requireUser (request: FastifyRequest) {
    if (!request.signedIn) throw fail('TOKEN_MISSING')
    return request.signedIn
  }

  app.get('/account', {
    schema: { hide: true, querystring: Type.Object({ lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const signedIn = requireUser(request)
    const lang = request.query.lang ?? (signedIn.user.locale === 'en' ? 'en' : 'vi')
    const [sessions, tokens] = await Promise.all([listSessions(app.db, signedIn.user.id, app.now()), listUserTokens(app.db, signedIn.user.id, false)])
    const zone = COUNCIL_ZONE
    const t = words(lang)
    return sendPage(reply, 'account', {
      lang,
      title: words(lang).account,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      user: signedIn.user,
      roleId: signedIn.roleId,
      canManageUsers: signedIn.principal?.role === 'admin' || signedIn.principal?.role === 'secretariat',
      roles: signedIn.roles.map((role) => ({ ...role, councilTitle: role.councilName ? councilTitle(role.councilName, lang) : null })),
      tokenDays: TOKEN_DAYS,
      tokens: tokens.map((token) => ({
        id: token.id,
        name: token.name,
        role: `${t.roleNames[token.role]}${token.councilName ? ` — ${councilTitle(token.councilName, lang)}` : ''}`,
        created: formatWhen(token.createdAt, null, zone, lang),
        expires: token.expiresAt ? formatWhen(token.expiresAt, null, zone, lang) : '—',
        expired: token.expiresAt !== null && token.expiresAt <= app.now()
      })),
      sessions: sessions.map((session) => ({
        id: session.id,
        method: session.method,
        current: session.id === signedIn.session.id,
        started: formatWhen(session.createdAt, null, zone, lang),
        used: formatWhen(session.lastUsedAt, null, zone, lang),
        device: session.userAgent ?? '—'
      }))
    })
  })

  app.post('/account/role', {
    preValidation: app.checkForm,
    schema: { hide: true, body: Type.Object({ _csrf: Csrf, lang: LangField, roleId: Uuid }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const signedIn = requireUser(request)
    await switchRole(context(request), signedIn, request.body.roleId)
    return reply.redirect(`/console?lang=${requestLang(request)}`, 303)
  })

  app.post('/account/sessions/:id/end', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid }), body: Type.Object({ _csrf: Csrf, lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const signedIn = requireUser(request)
    // Only one's own sessions: another's (or one already ended) is not found.
    if (!await signOut(context(request), { id: request.params.id, userId: signedIn.user.id })) throw fail('SESSION_NOT_FOUND', { id: request.params.id })
    return reply.redirect(`/account?lang=${requestLang(request)}`, 303)
  })

  /** What a signed-in user's own writes are recorded as. */
  const asUser = (request: FastifyRequest, signedIn: NonNullable<FastifyRequest['signedIn']>) =>
    ({ ...context(request), principal: { tokenId: null, label: `user:${signedIn.user.id} (${signedIn.user.email})` } })

  app.post('/account/tokens', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      body: Type.Object({
        _csrf: Csrf,
        lang: LangField,
        name: Type.String({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERN }),
        roleId: Uuid,
        days: Type.Union(TOKEN_DAYS.map((days) => Type.Literal(String(days))))
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const signedIn = requireUser(request)
    const lang = requestLang(request)
    const { secret } = await issueOwnToken(asUser(request, signedIn), signedIn.user.id, { name: request.body.name.trim(), userRoleId: request.body.roleId, days: Number(request.body.days) })
    const t = words(lang)
    // Shown once: only its hash is kept.
    return secretPage(reply, lang, `/account?lang=${lang}`, t.newToken, secret, t.tokenShownOnce)
  })

  app.post('/account/tokens/:id/revoke', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid }, { additionalProperties: false }), body: Type.Object({ _csrf: Csrf, lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const signedIn = requireUser(request)
    await revokeOwnToken(asUser(request, signedIn), signedIn.user.id, request.params.id)
    return reply.redirect(`/account?lang=${requestLang(request)}`, 303)
  })

  app.post('/account/sign-out-everywhere', {
    preValidation: app.checkForm,
    schema: { hide: true, body: Type.Object({ _csrf: Csrf, lang: LangField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const signedIn = requireUser(request)
    await signOutEverywhere(asUser(request, signedIn), signedIn.user.id)
    reply.clearCookie(cookie, { path: '/' })
    return reply.redirect(`/signin?lang=${requestLang(request)}`, 303)
  })
}

export default accountPages
