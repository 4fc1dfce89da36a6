import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listPeople } from '../../db/queries/people.js'
import { canWrite } from '../../domain/access.js'
import { fail } from '../../domain/errors.js'
import { manageablePerson, readableCouncilIds, readablePerson } from '../../policy/index.js'
import { createPerson, updatePerson } from '../../services/people.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { CreatePersonSchema, PersonPageSchema, PersonSchema, QueryPeopleSchema, UpdatePersonSchema } from '../../schemas/people.js'
import { decodeCursor, page } from '../cursor.js'

const PersonRef = Type.Ref(PersonSchema)

const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: {
      tags: ['people'],
      summary: 'List delegates and officials of the councils the caller reads',
      security: secured,
      querystring: QueryPeopleSchema,
      response: { 200: PersonPageSchema, ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    const { limit = 100, cursor, ...filter } = request.query
    const scope = await readableCouncilIds(app.db, principal)
    if (filter.councilId && scope && !scope.includes(filter.councilId)) {
      throw fail('TOKEN_COUNCIL_NOT_COVERED')
    }
    const rows = await listPeople(app.db, { ...filter, scope, afterId: decodeCursor(cursor), limit: limit + 1 })
    return page(rows, limit, (person) => person.id)
  })

  app.post('/', {
    schema: {
      tags: ['people'],
      summary: 'Register a delegate or official (secretariat for its council, or admin)',
      security: secured,
      body: CreatePersonSchema,
      response: { 201: PersonRef, ...problems(400, 401, 403, 422) }
    }
  }, async (request, reply) => {
    const principal = app.requirePrincipal(request)
    const ownerCouncilId = request.body.ownerCouncilId ?? (principal.role === 'admin' ? null : principal.councilId)
    if (principal.role === 'supervisor') throw fail('SUPERVISOR_CANNOT_REGISTER')
    if (ownerCouncilId && !canWrite(principal, ownerCouncilId)) {
      throw fail('REGISTER_OWN_COUNCIL_ONLY')
    }
    const { ownerCouncilId: _owner, ...fields } = request.body
    const person = await createPerson(app.writeContext(request, principal), fields, ownerCouncilId)
    return reply.code(201).header('location', `/v1/people/${person.id}`).send(person)
  })

  app.get('/:id', {
    schema: {
      tags: ['people'],
      summary: 'Read a person (within the caller\'s councils)',
      security: secured,
      params: IdParams,
      response: { 200: PersonRef, ...problems(400, 401, 404) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    return (await readablePerson(app.db, principal, request.params.id)).person
  })

  app.patch('/:id', {
    schema: {
      tags: ['people'],
      summary: 'Change a person (secretariat of a council they belong to, or admin)',
      security: secured,
      params: IdParams,
      body: UpdatePersonSchema,
      response: { 200: PersonRef, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    const before = await manageablePerson(app.db, principal, request.params.id, 'PERSON_NOT_MANAGEABLE')
    return updatePerson(app.writeContext(request, principal), before, request.body)
  })
}

export default peopleRoutes
