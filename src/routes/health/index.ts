import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { problems } from '../../schemas/common.js'
import { sendProblem } from '../../plugins/errors.js'

const Health = Type.Object({ status: Type.Literal('ok') })

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'The database answers',
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }), ...problems(503) }
    }
  }, async (request, reply) => {
    try {
      await app.database.ping()
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed')
      return sendProblem(reply, request, 503, 'The database does not answer; the service cannot serve requests yet.')
    }
    return { status: 'ok' as const, database: app.database.engine }
  })
}

export default healthRoutes
