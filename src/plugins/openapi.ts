import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { WEBHOOK_TYPES } from '../schemas/notifications.js'

/** OpenAPI 3.1 from the route schemas of the whole app; shared schemas ($id) become named components. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'giaitrinh',
        description: 'Scheduling of accountability hearings (phiên giải trình) for Vietnamese People\'s Councils (HĐND).',
        version: '0.1.0'
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token: "Authorization: Bearer gt_…"' }
        }
      },
      tags: [
        { name: 'councils', description: 'People\'s Councils and their hierarchy' },
        { name: 'people', description: 'Delegates, officials and council memberships' },
        { name: 'tokens', description: 'API tokens (administrators)' },
        { name: 'users', description: 'People who sign in to the pages, with roles per council (administrators; a secretariat for its units)' },
        { name: 'audit', description: 'Who changed what' },
        { name: 'hearings', description: 'Accountability hearings, their lifecycle and invitations' },
        { name: 'invitations', description: 'What an invited person sees and answers through their link' },
        { name: 'conclusions', description: 'The conclusion the Standing Committee votes on, and the commitments it asks for, followed to the end' },
        { name: 'notifications', description: 'E-mails sent about hearings: invitations, changes, cancellations' },
        { name: 'calendar', description: 'Notice rules, holidays, days off' },
        { name: 'coverage', description: 'The target that every child council holds its hearings' },
        { name: 'feeds', description: 'iCalendar feeds for Google Calendar, Outlook and Apple Calendar' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    transformObject: (document) => 'openapiObject' in document ? completeDocument(document.openapiObject as OpenApiDocument) : document.swaggerObject
  })
}, { name: 'openapi' })

interface Operation {
  operationId?: string
  summary?: string
  security?: Array<Record<string, string[]>>
  parameters?: Array<{ in: string, name: string }>
  responses?: Record<string, { description?: string, content?: Record<string, unknown>, headers?: Record<string, unknown> }>
}
interface OpenApiDocument { paths?: Record<string, Record<string, Operation>>, [key: string]: unknown }

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])

/** GET /v1/hearings/{id}/notifications → getHearingsByIdNotifications: stable, unique, readable in a generated client. */
export function operationIdOf (method: string, path: string): string {
  const words = path.replace(/^\/v1\//, '/').split(/[/.-]/).filter(Boolean)
    .map((word) => word.startsWith('{') ? `By${word.slice(1, 2).toUpperCase()}${word.slice(2, -1)}` : word[0]!.toUpperCase() + word.slice(1))
  return `${method}${words.join('')}`
}

/** Where a public operation also reads a token (it then shows more, e.g. restricted hearings). */
const TOKEN_OPTIONAL = /^\/v1\/(councils|hearings)(\/|$)/

const header = (description: string, format?: string) => ({ description, schema: { type: 'string', ...(format ? { format } : {}) } })
const HEADERS = {
  location: header('Where the new record is read', 'uri-reference'),
  etag: header('The representation\'s version: send it back in If-Match (changes) or If-None-Match (polls)'),
  lastModified: header('When what the representation shows last changed (HTTP-date)'),
  retryAfter: header('Seconds to wait before sending the request again'),
  replayed: header('"true" when this answer is the stored one of an earlier request with the same Idempotency-Key')
}

/**
 * What the route schemas cannot say, added to the generated document: every operation's id; errors
 * as application/problem+json (as they are served); the headers clients rely on; public operations
 * marked so (security: []), and those where a token shows more as optional; a server and a licence.
 */
function completeDocument (document: OpenApiDocument): OpenApiDocument {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue
      operation.operationId ??= operationIdOf(method, path)
      operation.security ??= TOKEN_OPTIONAL.test(path) && method === 'get' ? [{}, { bearer: [] }] : []
      const idempotent = operation.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key')
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const code = Number(status)
        if (code >= 400 && response.content?.['application/json']) {
          response.content = { 'application/problem+json': response.content['application/json'] }
        }
        const headers: Record<string, unknown> = { ...response.headers }
        if (code === 201 && method === 'post') headers.Location = HEADERS.location
        if (code === 429 || code === 503) headers['Retry-After'] = HEADERS.retryAfter
        if (idempotent && code >= 200 && code < 300) headers['Idempotent-Replayed'] = HEADERS.replayed
        if ((code === 200 || code === 304) && method === 'get' && (/\.ics$/.test(path) || path === '/v1/hearings/{id}')) headers.ETag = HEADERS.etag
        if ((code === 200 || code === 304) && path.startsWith('/feeds/')) headers['Last-Modified'] = HEADERS.lastModified
        if (Object.keys(headers).length) response.headers = headers
      }
    }
  }
  return {
    ...document,
    // What the service posts to a council's endpoints: one entry per payload type (OpenAPI 3.1).
    webhooks: Object.fromEntries(WEBHOOK_TYPES.map((type) => [type, {
      post: {
        operationId: `webhook_${type.replace('.', '_')}`,
        summary: `A ${type} notice, posted to each of the council's webhook endpoints, signed by Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)`,
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookPayload' } } } },
        responses: {
          200: { description: 'Received (any 2xx)' },
          410: { description: 'Gone for good: the endpoint is disabled' },
          429: { description: 'Busy: tried again after Retry-After' }
        }
      }
    }])),
    info: { ...(document.info as object), license: { name: 'Proprietary: the council offices that run it', identifier: 'LicenseRef-Proprietary' } },
    servers: [{ url: '/', description: 'This service (PUBLIC_BASE_URL)' }]
  }
}

/** Swagger UI at /docs and the document at /openapi.json; registered where helmet applies. */
export const openapiPages = fp(async (app) => {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Its policy's upgrade-insecure-requests blanks the page served over plain HTTP on a LAN address.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, '')
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi-pages', dependencies: ['openapi'] })
