import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import AjvCompiler from '@fastify/ajv-compiler'
import helmet from '@fastify/helmet'
import type { Config } from './config.js'
import { RequestLogs, redactUrl } from './logging.js'
import { parseOfficeHours, type OfficeHours } from './domain/calendar.js'
import type { Database } from './db/client.js'
import databasePlugin from './plugins/database.js'
import authPlugin from './plugins/auth.js'
import errorsPlugin from './plugins/errors.js'
import openapiPlugin, { openapiPages } from './plugins/openapi.js'
import healthRoutes from './routes/health/index.js'
import councilRoutes from './routes/councils/index.js'
import memberRoutes from './routes/councils/members.js'
import peopleRoutes from './routes/people/index.js'
import tokenRoutes from './routes/tokens/index.js'
import auditRoutes from './routes/audit/index.js'
import hearingRoutes from './routes/hearings/index.js'
import participantRoutes from './routes/hearings/participants.js'
import invitationRoutes from './routes/invitations/index.js'
import calendarRoutes from './routes/calendar/index.js'
import feedRoutes from './routes/feeds/index.js'
import feedTokenRoutes from './routes/feeds/tokens.js'
import hearingCalendarRoutes from './routes/feeds/hearing.js'
import feedsPlugin from './plugins/feeds.js'
import coverageRoutes from './routes/coverage/index.js'
import dashboardRoutes from './routes/dashboard/index.js'
import cookie from '@fastify/cookie'
import { sharedSchemas } from './schemas/common.js'
import { councilSchemas } from './schemas/councils.js'
import { peopleSchemas } from './schemas/people.js'
import { tokenSchemas } from './schemas/tokens.js'
import { auditSchemas } from './schemas/audit.js'
import { hearingSchemas } from './schemas/hearings.js'
import { calendarSchemas } from './schemas/calendar.js'
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
  }
}

const processId = crypto.randomUUID().slice(0, 8)
let requestCount = 0

const strictBodies = AjvCompiler()
const coercingParts = AjvCompiler()

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
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
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
          return (route) => route.httpPart === 'body' ? body(route) : other(route)
        }
      }
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  // The API speaks JSON only: anything else is a 415, not a string handed to validation.
  app.removeContentTypeParser('text/plain')
  app.decorate('config', config)
  app.decorate('now', deps.now ?? (() => new Date()))
  app.decorate('officeHours', parseOfficeHours(config.OFFICE_HOURS))
  for (const schema of [...sharedSchemas, ...councilSchemas, ...peopleSchemas, ...tokenSchemas, ...auditSchemas, ...hearingSchemas, ...calendarSchemas, ...feedSchemas, ...coverageSchemas]) {
    app.addSchema(schema)
  }

  await app.register(errorsPlugin)
  await app.register(openapiPlugin)
  await app.register(databasePlugin, { config, database: deps.database })
  await app.register(authPlugin, { adminToken: config.ADMIN_TOKEN, failuresPerMinute: config.AUTH_FAILURES_PER_MINUTE, now: app.now })
  await app.register(feedsPlugin, { revalidateMs: config.FEED_REVALIDATE_MS })
  answerPoll = (request, response) => app.feedPolls.answer(request, response)
  app.addHook('preClose', (done) => {
    answerPoll = undefined
    done()
  })

  // The API and its pages: helmet's security headers, cookies (the dashboard), the caller's identity,
  // and feed invalidation after writes. Calendar feeds, polled by thousands of calendar apps, sit
  // outside that context without any of those hooks, and set the few headers a calendar file needs.
  await app.register(async (api) => {
    await api.register(helmet, {
      contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } }
    })
    await api.register(cookie)
    api.addHook('onRequest', app.authenticateRequest)
    // This process's own writes reach its feed cache at once; other replicas' through LISTEN.
    api.addHook('onSend', (request, reply, payload, done) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) app.feeds.invalidate()
      done(null, payload)
    })
    await api.register(openapiPages)
    await api.register(healthRoutes)
    await api.register(councilRoutes, { prefix: '/v1/councils' })
    await api.register(memberRoutes, { prefix: '/v1/councils' })
    await api.register(peopleRoutes, { prefix: '/v1/people' })
    await api.register(tokenRoutes, { prefix: '/v1/tokens' })
    await api.register(auditRoutes, { prefix: '/v1/audit' })
    await api.register(hearingRoutes, { prefix: '/v1/hearings' })
    await api.register(participantRoutes, { prefix: '/v1/hearings' })
    await api.register(invitationRoutes, { prefix: '/v1/invitations' })
    await api.register(calendarRoutes, { prefix: '/v1' })
    await api.register(feedTokenRoutes, { prefix: '/v1/people' })
    await api.register(hearingCalendarRoutes, { prefix: '/v1/hearings' })
    await api.register(coverageRoutes, { prefix: '/v1' })
    await api.register(dashboardRoutes, { prefix: '/dashboard' })
  })
  await app.register(feedRoutes)
  return app
}
