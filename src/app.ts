import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import AjvCompiler from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import helmet from '@fastify/helmet'
import { publicBaseUrl, type Config } from './config.js'
import { RequestLogs, redactUrl } from './logging.js'
import { parseOfficeHours, type OfficeHours } from './domain/calendar.js'
import { fail } from './domain/errors.js'
import type { Database } from './db/client.js'
import databasePlugin from './plugins/database.js'
import authPlugin from './plugins/auth.js'
import secretsPlugin from './plugins/secrets.js'
import housekeepingPlugin from './plugins/housekeeping.js'
import errorsPlugin, { PROBLEM_CONTENT_TYPE, sendProblem } from './plugins/errors.js'
import openapiPlugin, { openapiPages } from './plugins/openapi.js'
import healthRoutes from './routes/health/index.js'
import councilRoutes from './routes/councils/index.js'
import memberRoutes from './routes/councils/members.js'
import peopleRoutes from './routes/people/index.js'
import tokenRoutes from './routes/tokens/index.js'
import auditRoutes from './routes/audit/index.js'
import accountPages from './routes/pages/account.js'
import userRoutes from './routes/users/index.js'
import { accountSchemas } from './schemas/accounts.js'
import mailPlugin from './plugins/mail.js'
import oidcPlugin from './plugins/oidc.js'
import accountsPlugin from './plugins/accounts.js'
import hearingRoutes from './routes/hearings/index.js'
import participantRoutes from './routes/hearings/participants.js'
import notificationRoutes from './routes/hearings/notifications.js'
import { notificationSchemas, notificationSettingsSchemas } from './schemas/notifications.js'
import { councilNotificationRoutes, notificationDefaultsRoutes } from './routes/councils/notifications.js'
import invitationRoutes from './routes/invitations/index.js'
import calendarRoutes from './routes/calendar/index.js'
import feedRoutes from './routes/feeds/index.js'
import feedTokenRoutes from './routes/feeds/tokens.js'
import hearingCalendarRoutes from './routes/feeds/hearing.js'
import feedsPlugin from './plugins/feeds.js'
import notificationsPlugin from './plugins/notifications.js'
import changesPlugin from './plugins/changes.js'
import idempotencyPlugin from './plugins/idempotency.js'
import coverageRoutes from './routes/coverage/index.js'
import dashboardRoutes from './routes/dashboard/index.js'
import pagesPlugin from './plugins/pages.js'
import publicPages from './routes/pages/public.js'
import invitationPages from './routes/pages/invitation.js'
import commitmentPages from './routes/pages/commitment.js'
import consolePages from './routes/console/index.js'
import cookie from '@fastify/cookie'
import { IdempotencyKeyHeader, ProblemRef, sharedSchemas } from './schemas/common.js'
import { councilSchemas } from './schemas/councils.js'
import { peopleSchemas } from './schemas/people.js'
import { tokenSchemas } from './schemas/tokens.js'
import { auditSchemas } from './schemas/audit.js'
import { hearingSchemas } from './schemas/hearings.js'
import { calendarSchemas } from './schemas/calendar.js'
import { conclusionSchemas } from './schemas/conclusions.js'
import conclusionRoutes from './routes/conclusions/index.js'
import { feedSchemas } from './schemas/feeds.js'
import { coverageSchemas } from './schemas/coverage.js'

export interface AppDeps {
  /** An open database (tests); by default one is opened from the config and closed with the app. */
  database?: Database
  /** The clock; tests set it. */
  now?: () => Date
  /** Where log lines go (tests read them); stdout by default. Level, redaction and serializers stay as configured. */
  logStream?: { write(line: string): void }
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    now: () => Date
    officeHours: OfficeHours
    /** When no reminder goes out (QUIET_HOURS), in the councils' zone. */
    /** QUIET_HOURS: the built-in default under the admin's and each council's notification settings. */
    quietHours: string
    /** The base of the links the service gives out: PUBLIC_BASE_URL, or this machine at the port listened on. */
    publicBaseUrl: () => string
  }
}

/** A request the HTTP parser could not read: one problem+json answer, then the connection closes. */
function answerClientError (error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const title = STATUS_CODES[status] ?? 'Bad Request'
  const detail = status === 431
    ? 'The request\'s headers are too large: send fewer or shorter headers.'
    : status === 408
      ? 'The request took too long to arrive; send it again.'
      : 'The request is not valid HTTP, so it was not read: a URL may contain only ASCII characters, so percent-encode the others (e.g. "Đ" as %C4%90), and headers must be well formed.'
  const body = JSON.stringify({ type: `/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, title, status, detail })
  socket.end(`HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

const processId = crypto.randomUUID().slice(0, 8)
let requestCount = 0

const strictBodies = AjvCompiler()
const coercingParts = AjvCompiler()
const serializers = SerializerSelector()

/**
 * Compiles a route's validator or serializer on its first use rather than at start: start-up stays
 * within 2x of opening the database (bench:startup), and a route never called costs nothing. Every
 * route's schemas are still compiled by the suite, which calls every route.
 */
function onFirstUse<F extends (...args: never[]) => unknown> (compile: () => F): F {
  let compiled: F | undefined
  const lazy = ((...args: Parameters<F>) => {
    compiled ??= compile()
    const result = compiled(...args)
    // Ajv reports what failed on the function itself; Fastify reads it from the one it was given.
    ;(lazy as unknown as { errors?: unknown }).errors = (compiled as unknown as { errors?: unknown }).errors
    return result
  }) as F
  return lazy
}

/**
 * All Fastify options live here, so tests and production validate alike.
 * Bodies are validated strictly (no type coercion, unknown fields rejected, every error reported);
 * query strings and path parameters are coerced, since they arrive as text.
 */
export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  // Unchanged feeds' polls are answered before Fastify once the feeds plugin is up (see FeedPolls),
  // and no longer once the app begins to close.
  let answerPoll: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined
  const app = Fastify({
    serverFactory: (handler, options) => {
      const server = createServer((request, response) => {
        if (answerPoll?.(request, response) !== true) handler(request, response)
      })
      // What Fastify sets on a server it makes itself (its options, defaults applied).
      const timeouts = options as { keepAliveTimeout?: number, requestTimeout?: number, connectionTimeout?: number }
      server.keepAliveTimeout = timeouts.keepAliveTimeout ?? 72_000
      server.requestTimeout = timeouts.requestTimeout ?? 0
      server.setTimeout(timeouts.connectionTimeout ?? 0)
      return server
    },
    logger: {
      level: config.LOG_LEVEL,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      serializers: {
        req: (request) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip })
      }
    },
    logController: new RequestLogs(),
    // What Node's HTTP parser refuses (e.g. a raw non-ASCII character in the URL) never reaches a
    // route; it still gets problem+json that says what to fix.
    clientErrorHandler: answerClientError,
    // A URL the router cannot decode (e.g. a broken %-escape) is refused before any route, as problem+json too.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, request, 400, error.code === 'FST_ERR_BAD_URL' ? fail('URL_INVALID').message : error.message)
    },
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY ?? false,
    pluginTimeout: 60_000,
    requestIdHeader: false,
    // Unique across processes and restarts, and cheap: a random prefix per process and a counter.
    genReqId: () => `${processId}-${(++requestCount).toString(36)}`,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    schemaController: {
      compilersFactory: {
        buildValidator (externalSchemas) {
          const common = { removeAdditional: false as const, useDefaults: true }
          const body = strictBodies(externalSchemas, { customOptions: { ...common, coerceTypes: false, allErrors: true } })
          const other = coercingParts(externalSchemas, { customOptions: { ...common, coerceTypes: 'array' } })
          return (route) => onFirstUse(() => route.httpPart === 'body' ? body(route) : other(route))
        },
        buildSerializer (externalSchemas, options) {
          const build = serializers(externalSchemas, options)
          return (route) => onFirstUse(() => build(route))
        }
      }
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  // The API speaks JSON only: anything else is a 415, not a string handed to validation.
  app.removeContentTypeParser('text/plain')
  app.decorate('config', config)
  app.decorate('now', deps.now ?? (() => new Date()))
  app.decorate('officeHours', parseOfficeHours(config.OFFICE_HOURS))
  app.decorate('quietHours', config.QUIET_HOURS)
  app.decorate('publicBaseUrl', () => {
    const address = app.server.address()
    return publicBaseUrl(config, typeof address === 'object' && address ? address.port : config.PORT)
  })
  for (const schema of [...sharedSchemas, ...councilSchemas, ...peopleSchemas, ...tokenSchemas, ...accountSchemas, ...auditSchemas, ...hearingSchemas, ...calendarSchemas, ...feedSchemas, ...coverageSchemas, ...notificationSchemas, ...notificationSettingsSchemas, ...conclusionSchemas]) {
    app.addSchema(schema)
  }

  // What every route of a kind may answer, declared once so the OpenAPI document tells clients:
  // a body can be too large (413) or of a type the API does not read (415); a token can be refused
  // after too many failures from one address (429).
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { body?: unknown, querystring?: unknown, security?: unknown[], response?: Record<string, unknown> } | undefined
    // The API takes no query parameter a route does not name: one it does not know is refused
    // (a typo in a filter would otherwise answer everything). Feeds are left out on purpose: links
    // people share gain ?utm_source=… on the way.
    if (schema && !schema.querystring && /^\/(v1\/|healthz$|readyz$)/.test(route.url)) {
      schema.querystring = { type: 'object', properties: {}, additionalProperties: false }
    }
    if (!schema?.response) return
    const add = (status: number) => { schema.response![status] ??= ProblemRef }
    if (schema.querystring) add(400)
    if (schema.body) { add(413); add(415) }
    if (schema.security) add(429)
    if (route.method === 'POST' && schema.security) {
      add(409)
      add(503)
      const headers = (schema as { headers?: { type?: string, properties?: Record<string, unknown> } }).headers ??= { type: 'object', properties: {} }
      headers.properties ??= {}
      headers.properties['idempotency-key'] ??= IdempotencyKeyHeader
    }
  })
  await app.register(errorsPlugin)
  await app.register(openapiPlugin)
  await app.register(databasePlugin, { config, database: deps.database })
  await app.register(secretsPlugin)
  await app.register(authPlugin, { adminToken: config.ADMIN_TOKEN, failuresPerMinute: config.AUTH_FAILURES_PER_MINUTE, now: app.now, secure: config.PUBLIC_BASE_URL?.startsWith('https:') ?? false })
  await app.register(changesPlugin)
  await app.register(feedsPlugin, { revalidateMs: config.FEED_REVALIDATE_MS, maxBytes: config.FEED_CACHE_MB * 1024 * 1024 })
  await app.register(notificationsPlugin)
  await app.register(housekeepingPlugin)
  await app.register(mailPlugin)
  await app.register(oidcPlugin)
  await app.register(accountsPlugin)
  answerPoll = (request, response) => app.feedPolls.answer(request, response)
  app.addHook('preClose', (done) => {
    answerPoll = undefined
    done()
  })

  // The API and its pages: helmet's security headers, cookies (the dashboard), the caller's identity.
  // Calendar feeds, polled by thousands of calendar apps, sit
  // outside that context without any of those hooks, and set the few headers a calendar file needs.
  await app.register(async (api) => {
    // upgrade-insecure-requests only over https: served over plain HTTP on a LAN address, it would
    // send the dashboard's form and /docs' assets to an https that is not there.
    await api.register(helmet, {
      contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'], upgradeInsecureRequests: null } }
    })
    api.addHook('onSend', (request, reply, payload, done) => {
      const policy = reply.getHeader('content-security-policy')
      if (request.protocol === 'https' && typeof policy === 'string') reply.header('content-security-policy', `${policy};upgrade-insecure-requests`)
      done(null, payload)
    })
    await api.register(cookie)
    await api.register(pagesPlugin)
    api.addHook('onRequest', app.authenticateRequest)
    api.addHook('preParsing', app.refuseAnonymousWrite)
    await api.register(idempotencyPlugin)
    await api.register(openapiPages)
    await api.register(healthRoutes)
    await api.register(councilRoutes, { prefix: '/v1/councils' })
    await api.register(memberRoutes, { prefix: '/v1/councils' })
    await api.register(councilNotificationRoutes, { prefix: '/v1/councils' })
    await api.register(notificationDefaultsRoutes, { prefix: '/v1' })
    await api.register(peopleRoutes, { prefix: '/v1/people' })
    await api.register(tokenRoutes, { prefix: '/v1/tokens' })
    await api.register(userRoutes, { prefix: '/v1/users' })
    await api.register(auditRoutes, { prefix: '/v1/audit' })
    await api.register(hearingRoutes, { prefix: '/v1/hearings' })
    await api.register(participantRoutes, { prefix: '/v1/hearings' })
    await api.register(notificationRoutes, { prefix: '/v1/hearings' })
    await api.register(invitationRoutes, { prefix: '/v1/invitations' })
    await api.register(calendarRoutes, { prefix: '/v1' })
    await api.register(feedTokenRoutes, { prefix: '/v1/people' })
    await api.register(hearingCalendarRoutes, { prefix: '/v1/hearings' })
    await api.register(conclusionRoutes, { prefix: '/v1' })
    await api.register(coverageRoutes, { prefix: '/v1' })
    await api.register(dashboardRoutes, { prefix: '/dashboard' })
    await api.register(publicPages)
    await api.register(invitationPages)
    await api.register(commitmentPages)
    await api.register(consolePages)
    await api.register(accountPages)
  })
  await app.register(feedRoutes)
  return app
}
