import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { recordAudit } from '../../db/queries/audit.js'
import {
  deleteMembershipRow, findMembership, findPerson, insertMembership, listMemberships, updateMembershipRow
} from '../../db/queries/people.js'
import { NotFoundError, UnprocessableError } from '../../domain/errors.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import {
  CreateMembershipSchema, MembershipListSchema, MembershipParams, MembershipSchema, QueryMembersSchema, UpdateMembershipSchema
} from '../../schemas/people.js'

const MembershipRef = Type.Ref(MembershipSchema)

function checkRange (startsOn: string, endsOn: string | null | undefined) {
  if (endsOn && endsOn < startsOn) throw new UnprocessableError(`endsOn (${endsOn}) is before startsOn (${startsOn}).`)
}

/** Memberships of a council: who sits on it, in which role, between which dates. */
const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/:id/members', {
    schema: {
      tags: ['people'], summary: 'List a council\'s members', security: secured,
      params: IdParams,
      querystring: QueryMembersSchema,
      response: { 200: MembershipListSchema, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    await app.requireRead(request, request.params.id)
    return { items: await listMemberships(app.db, request.params.id, request.query) }
  })

  app.post('/:id/members', {
    schema: {
      tags: ['people'], summary: 'Add a member to a council', security: secured,
      params: IdParams,
      body: CreateMembershipSchema,
      response: { 201: MembershipRef, ...problems(400, 401, 403, 404, 422) }
    }
  }, async (request, reply) => {
    const councilId = request.params.id
    const principal = await app.requireWrite(request, councilId)
    const { personId, startsOn, endsOn = null } = request.body
    checkRange(startsOn, endsOn)
    const membership = await app.db.transaction(async (tx) => {
      if (!(await findPerson(tx, personId))) throw new UnprocessableError(`personId ${personId} does not name an existing person.`)
      const id = await insertMembership(tx, { ...request.body, endsOn, councilId })
      const created = (await findMembership(tx, councilId, id))!
      await recordAudit(tx, { principal, action: 'create', entity: 'membership', entityId: id, councilId, after: created, requestId: request.id })
      return created
    })
    return reply.code(201).header('location', `/v1/councils/${councilId}/members/${membership.id}`).send(membership)
  })

  app.patch('/:id/members/:membershipId', {
    schema: {
      tags: ['people'], summary: 'Change a membership (e.g. set endsOn when it ends)', security: secured,
      params: MembershipParams,
      body: UpdateMembershipSchema,
      response: { 200: MembershipRef, ...problems(400, 401, 403, 404, 422) }
    }
  }, async (request) => {
    const { id: councilId, membershipId } = request.params
    const principal = await app.requireWrite(request, councilId)
    return app.db.transaction(async (tx) => {
      const before = await findMembership(tx, councilId, membershipId)
      if (!before) throw new NotFoundError(`No membership ${membershipId} in council ${councilId}.`)
      checkRange(request.body.startsOn ?? before.startsOn, request.body.endsOn === undefined ? before.endsOn : request.body.endsOn)
      await updateMembershipRow(tx, membershipId, request.body)
      const after = (await findMembership(tx, councilId, membershipId))!
      await recordAudit(tx, { principal, action: 'update', entity: 'membership', entityId: membershipId, councilId, before, after, requestId: request.id })
      return after
    })
  })

  app.delete('/:id/members/:membershipId', {
    schema: {
      tags: ['people'], summary: 'Remove a membership entered by mistake (to end one, set endsOn instead)', security: secured,
      params: MembershipParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { id: councilId, membershipId } = request.params
    const principal = await app.requireWrite(request, councilId)
    await app.db.transaction(async (tx) => {
      const before = await findMembership(tx, councilId, membershipId)
      if (!before) throw new NotFoundError(`No membership ${membershipId} in council ${councilId}.`)
      await deleteMembershipRow(tx, membershipId)
      await recordAudit(tx, { principal, action: 'delete', entity: 'membership', entityId: membershipId, councilId, before, requestId: request.id })
    })
    return reply.code(204).send(null)
  })
}

export default memberRoutes
