import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiPath, councilFeedPath } from '../../links/index.js'
import { councilSubtree, findCouncil, listCouncils } from '../../db/queries/councils.js'
import { fail } from '../../domain/errors.js'
import { createCouncil, updateCouncil } from '../../services/councils.js'
import { CouncilKeyParams, problems, secured } from '../../schemas/common.js'
import { councilKeyHook } from '../council-key.js'
import {
  CouncilPageSchema, CouncilRef, CreateCouncilSchema, QueryCouncilsSchema, SubtreeQuerySchema, SubtreeSchema, UpdateCouncilSchema
} from '../../schemas/councils.js'
import { decodeCursor, page } from '../cursor.js'

const councilRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // /v1/councils/dong-da works as /v1/councils/<id> does.
  app.addHook('preHandler', councilKeyHook(app))
  /** A council as the API shows it: with the links to subscribe to its feed. */
  const view = <T extends { id: string }>(council: T) => {
    const url = `${app.publicBaseUrl()}${councilFeedPath(council.id)}`
    return { ...council, feeds: { url, webcalUrl: url.replace(/^https?:/, 'webcal:'), withDescendantsUrl: `${url}?descendants=true` } }
  }
  app.get('/', {
    schema: {
      tags: ['councils'],
      summary: 'List councils (public)',
      querystring: QueryCouncilsSchema,
      response: { 200: CouncilPageSchema, ...problems(400) }
    }
  }, async (request) => {
    const { limit = 100, cursor, ...filter } = request.query
    const rows = await listCouncils(app.db, { ...filter, afterCode: decodeCursor(cursor), limit: limit + 1 })
    const result = page(rows, limit, (council) => council.code)
    return { ...result, items: result.items.map(view) }
  })

  app.post('/', {
    schema: {
      tags: ['councils'],
      summary: 'Create a council (admin)',
      security: secured,
      body: CreateCouncilSchema,
      response: { 201: CouncilRef, ...problems(400, 401, 403, 409, 422) }
    }
  }, async (request, reply) => {
    const council = await createCouncil(app.writeContext(request, app.requireAdmin(request)), request.body)
    return reply.code(201).header('location', apiPath('councils', council.id)).send(view(council))
  })

  app.get('/:id', {
    schema: {
      tags: ['councils'],
      summary: 'Read a council (public)',
      params: CouncilKeyParams,
      response: { 200: CouncilRef, ...problems(400, 404) }
    }
  }, async (request) => {
    const council = await findCouncil(app.db, request.params.id)
    if (!council) throw fail('COUNCIL_NOT_FOUND', { id: request.params.id })
    return view(council)
  })

  app.patch('/:id', {
    schema: {
      tags: ['councils'],
      summary: 'Change a council (admin)',
      security: secured,
      params: CouncilKeyParams,
      body: UpdateCouncilSchema,
      response: { 200: CouncilRef, ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => {
    return view(await updateCouncil(app.writeContext(request, app.requireAdmin(request)), request.params.id, request.body))
  })

  app.get('/:id/subtree', {
    schema: {
      tags: ['councils'],
      summary: 'A council and all its descendants, breadth first (public)',
      params: CouncilKeyParams,
      querystring: SubtreeQuerySchema,
      response: { 200: SubtreeSchema, ...problems(400, 404) }
    }
  }, async (request) => {
    const items = await councilSubtree(app.db, request.params.id, request.query.activeOn)
    if (items.length === 0) throw fail('COUNCIL_NOT_FOUND', { id: request.params.id })
    return { items: items.map(view) }
  })
}

export default councilRoutes
