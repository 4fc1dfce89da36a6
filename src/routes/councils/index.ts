import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { councilSubtree, findCouncil, listCouncils } from '../../db/queries/councils.js'
import { NotFoundError } from '../../domain/errors.js'
import { createCouncil, updateCouncil } from '../../services/councils.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import {
  CouncilPageSchema, CouncilRef, CreateCouncilSchema, QueryCouncilsSchema, SubtreeQuerySchema, SubtreeSchema, UpdateCouncilSchema
} from '../../schemas/councils.js'
import { decodeCursor, page } from '../cursor.js'

const councilRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
    return page(rows, limit, (council) => council.code)
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
    return reply.code(201).header('location', `/v1/councils/${council.id}`).send(council)
  })

  app.get('/:id', {
    schema: {
      tags: ['councils'],
      summary: 'Read a council (public)',
      params: IdParams,
      response: { 200: CouncilRef, ...problems(400, 404) }
    }
  }, async (request) => {
    const council = await findCouncil(app.db, request.params.id)
    if (!council) throw new NotFoundError(`No council with id ${request.params.id}.`)
    return council
  })

  app.patch('/:id', {
    schema: {
      tags: ['councils'],
      summary: 'Change a council (admin)',
      security: secured,
      params: IdParams,
      body: UpdateCouncilSchema,
      response: { 200: CouncilRef, ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => {
    return updateCouncil(app.writeContext(request, app.requireAdmin(request)), request.params.id, request.body)
  })

  app.get('/:id/subtree', {
    schema: {
      tags: ['councils'],
      summary: 'A council and all its descendants, breadth first (public)',
      params: IdParams,
      querystring: SubtreeQuerySchema,
      response: { 200: SubtreeSchema, ...problems(400, 404) }
    }
  }, async (request) => {
    const items = await councilSubtree(app.db, request.params.id, request.query.activeOn)
    if (items.length === 0) throw new NotFoundError(`No council with id ${request.params.id}.`)
    return { items }
  })
}

export default councilRoutes
