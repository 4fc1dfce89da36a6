import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { recordAudit } from '../../db/queries/audit.js'
import { expireFeedTokens, insertFeedToken, liveFeedTokens, revokeFeedTokens } from '../../db/queries/feeds.js'
import { canWrite } from '../../domain/access.js'
import { ForbiddenError } from '../../domain/errors.js'
import { generateSecret, hashSecret } from '../../domain/tokens.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { FeedLinkSchema, FeedLinkStatusSchema } from '../../schemas/feeds.js'
import { readablePerson } from '../people/index.js'

/**
 * A person's private feed link, managed by the secretariat of a council the person belongs to (or an
 * admin). Rotation keeps the old link working for FEED_TOKEN_GRACE_HOURS, so a calendar app that has
 * not yet been given the new link keeps its events; revocation ends every link at once.
 */
const feedTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const baseUrl = app.config.PUBLIC_BASE_URL.replace(/\/$/, '')

  async function manageable (request: Parameters<typeof app.requirePrincipal>[0], personId: string) {
    const principal = app.requirePrincipal(request)
    const { person, councilIds } = await readablePerson(app, principal, personId)
    if (principal.role !== 'admin' && !councilIds.some((councilId) => canWrite(principal, councilId))) {
      throw new ForbiddenError('Only the secretariat of a council this person belongs to, or an administrator, manages their calendar link.')
    }
    return { principal, person }
  }

  app.get('/:id/feed-link', {
    schema: {
      tags: ['feeds'], summary: 'Which calendar links of the person work now (never the secrets)', security: secured,
      params: IdParams,
      response: { 200: Type.Ref(FeedLinkStatusSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { person } = await manageable(request, request.params.id)
    const links = await liveFeedTokens(app.db, person.id, app.now())
    return { personId: person.id, activeLinks: links.map(({ id, createdAt, expiresAt }) => ({ id, createdAt, expiresAt })) }
  })

  app.post('/:id/feed-link', {
    schema: {
      tags: ['feeds'], summary: 'Give the person a new private feed link (the old ones work for the grace period)', security: secured,
      params: IdParams,
      response: { 201: Type.Ref(FeedLinkSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { principal, person } = await manageable(request, request.params.id)
    const secret = generateSecret()
    const now = app.now()
    const graceEnds = new Date(now.getTime() + app.config.FEED_TOKEN_GRACE_HOURS * 3_600_000)
    const replaced = await app.db.transaction(async (tx) => {
      const previous = await liveFeedTokens(tx, person.id, now)
      await expireFeedTokens(tx, person.id, graceEnds, now)
      const token = await insertFeedToken(tx, { personId: person.id, secretHash: hashSecret(secret), createdBy: principal.label })
      await recordAudit(tx, {
        principal, action: 'rotate', entity: 'feed_token', entityId: token.id, councilId: person.ownerCouncilId,
        after: { id: token.id, personId: person.id, previousLinks: previous.map((p) => p.id), previousLinksValidUntil: previous.length ? graceEnds : null },
        requestId: request.id
      })
      return previous.length > 0
    })
    const url = `${baseUrl}/feeds/people/${secret}.ics`
    reply.code(201).header('cache-control', 'no-store')
    return { personId: person.id, url, webcalUrl: url.replace(/^https?:/, 'webcal:'), previousLinksValidUntil: replaced ? graceEnds : null }
  })

  app.delete('/:id/feed-link', {
    schema: {
      tags: ['feeds'], summary: 'Revoke every calendar link of the person, at once', security: secured,
      params: IdParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { principal, person } = await manageable(request, request.params.id)
    await app.db.transaction(async (tx) => {
      const revoked = await revokeFeedTokens(tx, person.id, app.now())
      await recordAudit(tx, { principal, action: 'revoke', entity: 'feed_token', entityId: person.id, councilId: person.ownerCouncilId, after: { revoked }, requestId: request.id })
    })
    return reply.code(204).send(null)
  })
}

export default feedTokenRoutes
