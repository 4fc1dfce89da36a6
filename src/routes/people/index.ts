import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { recordAudit } from '../../db/queries/audit.js'
import { councilAncestry, findCouncil } from '../../db/queries/councils.js'
import { findPerson, insertPerson, listPeople, personCouncilIds, updatePersonRow, type Person } from '../../db/queries/people.js'
import { canReadPrivate, canWrite, type Principal } from '../../domain/access.js'
import { ForbiddenError, InvalidError, NotFoundError } from '../../domain/errors.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { CreatePersonSchema, PersonPageSchema, PersonSchema, QueryPeopleSchema, UpdatePersonSchema } from '../../schemas/people.js'
import { decodeCursor, page } from '../cursor.js'
import { readableCouncilIds } from '../scope.js'

const PersonRef = Type.Ref(PersonSchema)

/** A person the caller may not read is a 404: their existence is private too. */
export async function readablePerson (app: FastifyInstance, principal: Principal, id: string): Promise<{ person: Person, councilIds: string[] }> {
  const person = await findPerson(app.db, id)
  if (person) {
    const councilIds = await personCouncilIds(app.db, person)
    if (principal.role === 'admin') return { person, councilIds }
    for (const councilId of councilIds) {
      if (canReadPrivate(principal, await councilAncestry(app.db, councilId))) return { person, councilIds }
    }
  }
  throw new NotFoundError(`No person with id ${id} that your token may see.`)
}

const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: {
      tags: ['people'], summary: 'List delegates and officials of the councils the caller reads', security: secured,
      querystring: QueryPeopleSchema,
      response: { 200: PersonPageSchema, ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    const { limit = 100, cursor, ...filter } = request.query
    const scope = await readableCouncilIds(app.db, principal)
    if (filter.councilId && scope && !scope.includes(filter.councilId)) {
      throw new ForbiddenError('Your token does not cover that council.')
    }
    const rows = await listPeople(app.db, { ...filter, scope, afterId: decodeCursor(cursor), limit: limit + 1 })
    return page(rows, limit, (person) => person.id)
  })

  app.post('/', {
    schema: {
      tags: ['people'], summary: 'Register a delegate or official (secretariat for its council, or admin)', security: secured,
      body: CreatePersonSchema,
      response: { 201: PersonRef, ...problems(400, 401, 403, 422) }
    }
  }, async (request, reply) => {
    const principal = app.requirePrincipal(request)
    const ownerCouncilId = request.body.ownerCouncilId ?? (principal.role === 'admin' ? null : principal.councilId)
    if (principal.role === 'supervisor') throw new ForbiddenError('A supervisor token only reads; ask the council\'s secretariat to register people.')
    if (ownerCouncilId && !canWrite(principal, ownerCouncilId)) {
      throw new ForbiddenError('A secretariat registers people for its own council only: leave ownerCouncilId out or set it to your council.')
    }
    if (ownerCouncilId && !(await findCouncil(app.db, ownerCouncilId))) {
      throw new InvalidError(`ownerCouncilId ${ownerCouncilId} does not name an existing council.`)
    }
    const person = await app.db.transaction(async (tx) => {
      const created = await insertPerson(tx, { ...request.body, ownerCouncilId })
      await recordAudit(tx, { principal, action: 'create', entity: 'person', entityId: created.id, councilId: ownerCouncilId, after: created, requestId: request.id })
      return created
    })
    return reply.code(201).header('location', `/v1/people/${person.id}`).send(person)
  })

  app.get('/:id', {
    schema: {
      tags: ['people'], summary: 'Read a person (within the caller\'s councils)', security: secured,
      params: IdParams,
      response: { 200: PersonRef, ...problems(400, 401, 404) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    return (await readablePerson(app, principal, request.params.id)).person
  })

  app.patch('/:id', {
    schema: {
      tags: ['people'], summary: 'Change a person (secretariat of a council they belong to, or admin)', security: secured,
      params: IdParams,
      body: UpdatePersonSchema,
      response: { 200: PersonRef, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    const { person: before, councilIds } = await readablePerson(app, principal, request.params.id)
    if (!councilIds.some((councilId) => canWrite(principal, councilId)) && principal.role !== 'admin') {
      throw new ForbiddenError('Your token may read this person but not change them: only the secretariat of a council they belong to may.')
    }
    return app.db.transaction(async (tx) => {
      const after = await updatePersonRow(tx, before.id, request.body)
      await recordAudit(tx, { principal, action: 'update', entity: 'person', entityId: before.id, councilId: before.ownerCouncilId, before, after, requestId: request.id })
      return after
    })
  })
}

export default peopleRoutes
