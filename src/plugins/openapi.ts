import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

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
        { name: 'audit', description: 'Who changed what' },
        { name: 'hearings', description: 'Accountability hearings, their lifecycle and invitations' },
        { name: 'invitations', description: 'What an invited person sees and answers through their link' },
        { name: 'notifications', description: 'E-mails sent about hearings: invitations, changes, cancellations' },
        { name: 'calendar', description: 'Notice rules, holidays, days off' },
        { name: 'coverage', description: 'The target that every child council holds its hearings' },
        { name: 'feeds', description: 'iCalendar feeds for Google Calendar, Outlook and Apple Calendar' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    }
  })
}, { name: 'openapi' })

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
