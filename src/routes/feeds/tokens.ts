import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { liveFeedTokens } from '../../db/queries/feeds.js'
import { feedLinkPerson } from '../../policy/index.js'
import { revokeFeedLinks, rotateFeedLink } from '../../services/feed-links.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { FeedLinkSchema, FeedLinkStatusSchema } from '../../schemas/feeds.js'
import { personFeedPath } from '../../links/index.js'

/**
 * A person's private feed link, managed by the secretariat of a council the person belongs to (or an
 * admin). Rotation keeps the old link working for FEED_TOKEN_GRACE_HOURS, so a calendar app that has
 * not yet been given the new link keeps its events; revocation ends every link at once.
 */
const feedTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function manageable (request: Parameters<typeof app.requirePrincipal>[0], personId: string) {
    const principal = app.requirePrincipal(request)
    const person = await feedLinkPerson(app.db, principal, personId)
    return { principal, person }
  }

  app.get('/:id/feed-link', {
    schema: {
      tags: ['feeds'],
      summary: 'Which calendar links of the person work now (never the secrets)',
      security: secured,
      params: IdParams,
      response: { 200: Type.Ref(FeedLinkStatusSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { person } = await manageable(request, request.params.id)
    const links = await liveFeedTokens(app.db, person.id, app.now())
    return { personId: person.id, activeLinks: links.map(({ id, createdAt, expiresAt }) => ({ id, createdAt, expiresAt })) }
  })

  app.post('/:id/feed-link', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['feeds'],
      summary: 'Give the person a new private feed link (the old ones work for the grace period)',
      security: secured,
      params: IdParams,
      response: { 201: Type.Ref(FeedLinkSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { principal, person } = await manageable(request, request.params.id)
    const { secret, previousLinksValidUntil } = await rotateFeedLink(app.writeContext(request, principal), person, app.config.FEED_TOKEN_GRACE_HOURS)
    const url = `${app.publicBaseUrl()}${personFeedPath(secret)}`
    reply.code(201).header('cache-control', 'no-store')
    return { personId: person.id, url, webcalUrl: url.replace(/^https?:/, 'webcal:'), previousLinksValidUntil }
  })

  app.delete('/:id/feed-link', {
    schema: {
      tags: ['feeds'],
      summary: 'Revoke every calendar link of the person, at once',
      security: secured,
      params: IdParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { principal, person } = await manageable(request, request.params.id)
    await revokeFeedLinks(app.writeContext(request, principal), person)
    return reply.code(204).send(null)
  })
}

export default feedTokenRoutes
