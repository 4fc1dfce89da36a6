import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listTokens, tokenView } from '../../db/queries/tokens.js'
import { issueToken, revokeToken } from '../../services/tokens.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { CreateTokenSchema, IssuedTokenSchema, QueryTokensSchema, TokenListSchema, TokenSchema } from '../../schemas/tokens.js'

/** API tokens: administrators only. Secrets are shown once at creation; only their hash is kept. */
const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['tokens'],
      summary: 'Create a token; its secret is in this response only',
      security: secured,
      body: CreateTokenSchema,
      response: { 201: IssuedTokenSchema, ...problems(400, 401, 403) }
    }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    const issued = await issueToken(app.writeContext(request, principal), request.body)
    return reply.code(201).header('cache-control', 'no-store').send(issued)
  })

  app.get('/', {
    schema: {
      tags: ['tokens'],
      summary: 'List tokens (never their secrets)',
      security: secured,
      querystring: QueryTokensSchema,
      response: { 200: TokenListSchema, ...problems(400, 401, 403) }
    }
  }, async (request) => {
    app.requireAdmin(request)
    const rows = await listTokens(app.db, { councilId: request.query.councilId, includeRevoked: request.query.includeRevoked ?? false })
    return { items: rows.map(tokenView) }
  })

  app.delete('/:id', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke a token, at once',
      security: secured,
      params: IdParams,
      response: { 200: Type.Ref(TokenSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const principal = app.requireAdmin(request)
    return tokenView(await revokeToken(app.writeContext(request, principal), request.params.id))
  })
}

export default tokenRoutes
