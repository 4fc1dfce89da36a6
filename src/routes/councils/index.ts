import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IANAZone } from 'luxon'
import {
  councilAncestry, councilSubtree, findCouncil, insertCouncil, listCouncils, lockHierarchy, updateCouncilRow, type Council
} from '../../db/queries/councils.js'
import { recordAudit } from '../../db/queries/audit.js'
import type { Db } from '../../db/client.js'
import { parentProblem } from '../../domain/councils.js'
import { InvalidError, NotFoundError, UnprocessableError } from '../../domain/errors.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import {
  CouncilPageSchema, CouncilRef, CreateCouncilSchema, QueryCouncilsSchema, SubtreeQuerySchema, SubtreeSchema, UpdateCouncilSchema
} from '../../schemas/councils.js'
import { decodeCursor, page } from '../cursor.js'

/** Checks what the schema cannot: the zone exists, the parent exists, fits, and forms no cycle. */
async function checkCouncil (tx: Db, council: Pick<Council, 'level' | 'parentId' | 'timezone' | 'activeFrom' | 'activeTo'> & { id?: string }) {
  if (!IANAZone.isValidZone(council.timezone)) {
    throw new InvalidError(`timezone "${council.timezone}" is not an IANA time zone; use e.g. "Asia/Ho_Chi_Minh".`)
  }
  if (council.activeTo && council.activeTo < council.activeFrom) {
    throw new UnprocessableError(`activeTo (${council.activeTo}) is before activeFrom (${council.activeFrom}).`)
  }
  if (!council.parentId) return
  const parent = await findCouncil(tx, council.parentId)
  if (!parent) throw new UnprocessableError(`parentId ${council.parentId} does not name an existing council.`)
  const problem = parentProblem(council, parent, await councilAncestry(tx, parent.id))
  if (problem) throw new UnprocessableError(problem)
}

const councilRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: {
      tags: ['councils'], summary: 'List councils (public)',
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
      tags: ['councils'], summary: 'Create a council (admin)', security: secured,
      body: CreateCouncilSchema,
      response: { 201: CouncilRef, ...problems(400, 401, 403, 409, 422) }
    }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    const input = { ...request.body, parentId: request.body.parentId ?? null, activeTo: request.body.activeTo ?? null, timezone: request.body.timezone ?? 'Asia/Ho_Chi_Minh' }
    const council = await app.db.transaction(async (tx) => {
      await lockHierarchy(tx)
      await checkCouncil(tx, input)
      const created = await insertCouncil(tx, input)
      await recordAudit(tx, { principal, action: 'create', entity: 'council', entityId: created.id, councilId: created.id, after: created, requestId: request.id })
      return created
    })
    return reply.code(201).header('location', `/v1/councils/${council.id}`).send(council)
  })

  app.get('/:id', {
    schema: {
      tags: ['councils'], summary: 'Read a council (public)',
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
      tags: ['councils'], summary: 'Change a council (admin)', security: secured,
      params: IdParams,
      body: UpdateCouncilSchema,
      response: { 200: CouncilRef, ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => {
    const principal = app.requireAdmin(request)
    const { id } = request.params
    return app.db.transaction(async (tx) => {
      await lockHierarchy(tx)
      const before = await findCouncil(tx, id)
      if (!before) throw new NotFoundError(`No council with id ${id}.`)
      const changes = request.body
      await checkCouncil(tx, { ...before, ...changes, timezone: changes.timezone ?? before.timezone })
      const after = await updateCouncilRow(tx, id, changes)
      await recordAudit(tx, { principal, action: 'update', entity: 'council', entityId: id, councilId: id, before, after, requestId: request.id })
      return after
    })
  })

  app.get('/:id/subtree', {
    schema: {
      tags: ['councils'], summary: 'A council and all its descendants, breadth first (public)',
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
