import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify'
import { findLiveToken } from '../db/queries/tokens.js'
import { countAuthFailure, pruneAuthFailures } from '../db/queries/auth-failures.js'
import { councilAncestry } from '../db/queries/councils.js'
import { canReadPrivate, canWrite, type Principal } from '../domain/access.js'
import { AuthFailureLimiter } from '../domain/auth-failures.js'
import { fail } from '../domain/errors.js'
import { hashSecret, secretsEqual } from '../domain/tokens.js'
import { sessionOf, type SignedIn } from '../services/accounts.js'

/**
 * The pages' session cookie: an opaque id of a server-side session (never a credential the API
 * takes), HttpOnly, SameSite=Strict. Over https it is `__Host-` prefixed: Secure, this host only,
 * so a plain-HTTP page on another port of the host can neither read nor set it.
 */
export const SESSION_COOKIE = 'gt_session'
export function sessionCookieName (secure: boolean): string {
  return secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE
}

/** Where a person's pages are (and the session cookie counts); the API (/v1) and feeds take bearer tokens only. */
export function isPageUrl (url: string): boolean {
  return /^\/(dashboard|console|councils|hearings|invitations|account|signin|signout)?([/?]|$)/.test(url)
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined
    /** The signed-in user of a page request (the session cookie), with their roles. */
    signedIn: SignedIn | undefined
  }
  interface FastifyInstance {
    /** The caller, or a 401 when the request carries no valid token. */
    requirePrincipal(request: FastifyRequest): Principal
    /** 403 unless the caller may read the private data of this council. 404 when it does not exist. */
    requireRead(request: FastifyRequest, councilId: string): Promise<Principal>
    /** 403 unless the caller may change this council's data. 404 when it does not exist. */
    requireWrite(request: FastifyRequest, councilId: string): Promise<Principal>
    requireAdmin(request: FastifyRequest): Principal
    /**
     * For secrets in URLs (invitation links, feeds), after looking the secret up. A secret that
     * matched is always served: other links failing from the same address (a calendar service's
     * shared address) never refuse a valid one. A miss is a 429 while the client is blocked, and is
     * otherwise counted against it (the caller then answers 404).
     */
    guardSecret(request: FastifyRequest, found: boolean): Promise<void>
    /** 429 while the client is blocked (before checking a secret typed by a person: the dashboard's sign-in). */
    refuseBlocked(request: FastifyRequest): void
    /** The principal of a bearer secret, or undefined (the dashboard's sign-in). */
    principalOf(secret: string): Promise<Principal | undefined>
    /** The onRequest hook that resolves "Authorization: Bearer" (or the dashboard's cookie) to request.principal. */
    authenticateRequest(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void
    refuseAnonymousWrite(request: FastifyRequest, reply: FastifyReply, payload: RequestPayload, done: (error: Error | null, payload?: RequestPayload) => void): void
  }
}

export interface AuthPluginOptions {
  adminToken?: string | undefined
  failuresPerMinute: number
  now: () => Date
  /** The site is served over https (PUBLIC_BASE_URL): the session cookie is __Host- prefixed. */
  secure: boolean
}

/**
 * Resolves "Authorization: Bearer <secret>" to a Principal on every request.
 * No header means an anonymous caller; a bad token is a 401, counted against the client's address.
 */
export default fp<AuthPluginOptions>(async (app, options) => {
  const limiter = new AuthFailureLimiter(options.failuresPerMinute, () => options.now().getTime())
  app.decorateRequest('principal', undefined)
  app.decorateRequest('signedIn', undefined)
  const cookieName = sessionCookieName(options.secure)
  const shared = app.database.engine === 'postgres'
  let prunedMinute = 0

  /** Counts a failure here and, on PostgreSQL, with every replica: spreading guesses over replicas gains nothing. */
  async function recordFailure (client: string): Promise<void> {
    limiter.fail(client)
    if (!shared) return
    const minute = Math.floor(options.now().getTime() / 60_000)
    limiter.observe(client, await countAuthFailure(app.db, client, new Date(minute * 60_000)))
    if (minute !== prunedMinute) {
      prunedMinute = minute
      await pruneAuthFailures(app.db, new Date((minute - 5) * 60_000))
    }
  }

  // Added as onRequest hook by the contexts that need a caller (the API, the dashboard); calendar
  // feeds, polled by thousands of apps, do without it. Callback style: no promise without a token.
  app.decorate('authenticateRequest', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const header = request.headers.authorization
    if (header === undefined) {
      // Pages carry a session instead. One that ended just means signed out: it is not a guess,
      // and never counts against the address (its API tokens keep working).
      const cookie = isPageUrl(request.url) ? request.cookies?.[cookieName] : undefined
      if (!cookie) return done()
      sessionOf(app.db, cookie, options.now()).then((signedIn) => {
        if (signedIn) {
          request.signedIn = signedIn
          request.principal = signedIn.principal
        }
        done()
      }).catch(done)
      return
    }
    const blockedFor = limiter.retryAfter(request.ip)
    if (blockedFor > 0) return done(fail('TOO_MANY_AUTH_FAILURES', { seconds: blockedFor }))
    authenticate(header).then(async (principal) => {
      if (!principal) {
        await recordFailure(request.ip)
        return done(fail('TOKEN_INVALID'))
      }
      request.principal = principal
      done()
    }).catch(done)
  })

  async function authenticate (header: string): Promise<Principal | undefined> {
    const match = /^Bearer[ ]+([\x21-\x7e]{1,200})[ ]*$/i.exec(header)
    if (!match) return undefined
    const secret = match[1]!
    if (options.adminToken && secretsEqual(secret, options.adminToken)) {
      return { role: 'admin', tokenId: null, label: 'ADMIN_TOKEN' }
    }
    const token = await findLiveToken(app.db, hashSecret(secret), options.now())
    if (!token) return undefined
    const label = `token:${token.id} (${token.name})`
    if (token.role === 'admin') return { role: 'admin', tokenId: token.id, label }
    return { role: token.role, tokenId: token.id, label, councilId: token.councilId! }
  }

  /**
   * A write to a route that needs a token, sent without one, is a 401 before its body is read:
   * the caller learns what it lacks, not the schema of what it may not do.
   */
  app.decorate('refuseAnonymousWrite', (request: FastifyRequest, _reply: FastifyReply, payload: RequestPayload, done: (error: Error | null, payload?: RequestPayload) => void) => {
    if (request.principal || request.method === 'GET' || request.method === 'HEAD') return done(null, payload)
    const security = request.routeOptions.schema?.security
    const needsToken = Array.isArray(security) && security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0)
    if (needsToken) done(unauthorized())
    else done(null, payload)
  })

  function unauthorized () {
    return fail('TOKEN_MISSING')
  }

  function requirePrincipal (request: FastifyRequest): Principal {
    if (!request.principal) throw unauthorized()
    return request.principal
  }

  async function ancestryOrNotFound (councilId: string) {
    const ancestry = await councilAncestry(app.db, councilId)
    if (ancestry.length === 0) {
      throw fail('COUNCIL_NOT_FOUND', { id: councilId })
    }
    return ancestry
  }

  const refuseBlocked = (request: FastifyRequest) => {
    const blockedFor = limiter.retryAfter(request.ip)
    if (blockedFor > 0) throw fail('TOO_MANY_AUTH_FAILURES', { seconds: blockedFor })
  }
  app.decorate('refuseBlocked', refuseBlocked)
  app.decorate('guardSecret', async (request: FastifyRequest, found: boolean) => {
    if (found) return
    refuseBlocked(request)
    await recordFailure(request.ip)
  })
  app.decorate('principalOf', (secret: string) => authenticate(`Bearer ${secret}`))
  app.decorate('requirePrincipal', requirePrincipal)
  app.decorate('requireAdmin', (request: FastifyRequest) => {
    const principal = requirePrincipal(request)
    if (principal.role !== 'admin') throw fail('ADMIN_ONLY')
    return principal
  })
  app.decorate('requireRead', async (request: FastifyRequest, councilId: string) => {
    const principal = requirePrincipal(request)
    if (!canReadPrivate(principal, await ancestryOrNotFound(councilId))) {
      throw fail('COUNCIL_NOT_COVERED', principal.role === 'supervisor' ? { supervisor: 1 } : {})
    }
    return principal
  })
  app.decorate('requireWrite', async (request: FastifyRequest, councilId: string) => {
    const principal = requirePrincipal(request)
    await ancestryOrNotFound(councilId)
    if (!canWrite(principal, councilId)) {
      throw fail(principal.role === 'supervisor' ? 'SUPERVISOR_READ_ONLY' : 'OWN_COUNCIL_ONLY')
    }
    return principal
  })
}, { name: 'auth', dependencies: ['database'] })
