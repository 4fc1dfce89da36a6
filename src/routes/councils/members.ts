import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listMemberships } from '../../db/queries/people.js'
import { attachablePerson } from '../../policy/index.js'
import { addMember, removeMember, updateMember } from '../../services/people.js'
import { CouncilKeyParams, problems, secured } from '../../schemas/common.js'
import { councilKeyHook } from '../council-key.js'
import {
  CreateMembershipSchema, MembershipListSchema, MembershipParams, MembershipSchema, QueryMembersSchema, UpdateMembershipSchema
} from '../../schemas/people.js'

const MembershipRef = Type.Ref(MembershipSchema)

/** Memberships of a council: who sits on it, in which role, between which dates. */
const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // /v1/councils/dong-da works as /v1/councils/<id> does.
  app.addHook('preHandler', councilKeyHook(app))
  app.get('/:id/members', {
    schema: {
      tags: ['people'],
      summary: 'List a council\'s members',
      security: secured,
      params: CouncilKeyParams,
      querystring: QueryMembersSchema,
      response: { 200: MembershipListSchema, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    await app.requireRead(request, request.params.id)
    return { items: await listMemberships(app.db, request.params.id, request.query) }
  })

  app.post('/:id/members', {
    schema: {
      tags: ['people'],
      summary: 'Add a member to a council',
      security: secured,
      params: CouncilKeyParams,
      body: CreateMembershipSchema,
      response: { 201: MembershipRef, ...problems(400, 401, 403, 404, 422) }
    }
  }, async (request, reply) => {
    const councilId = request.params.id
    const principal = await app.requireWrite(request, councilId)
    await attachablePerson(app.db, principal, request.body.personId)
    const membership = await addMember(app.writeContext(request, principal), councilId, request.body)
    return reply.code(201).header('location', `/v1/councils/${councilId}/members/${membership.id}`).send(membership)
  })

  app.patch('/:id/members/:membershipId', {
    schema: {
      tags: ['people'],
      summary: 'Change a membership (e.g. set endsOn when it ends)',
      security: secured,
      params: MembershipParams,
      body: UpdateMembershipSchema,
      response: { 200: MembershipRef, ...problems(400, 401, 403, 404, 422) }
    }
  }, async (request) => {
    const { id: councilId, membershipId } = request.params
    const principal = await app.requireWrite(request, councilId)
    return updateMember(app.writeContext(request, principal), councilId, membershipId, request.body)
  })

  app.delete('/:id/members/:membershipId', {
    schema: {
      tags: ['people'],
      summary: 'Remove a membership entered by mistake (to end one, set endsOn instead)',
      security: secured,
      params: MembershipParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { id: councilId, membershipId } = request.params
    const principal = await app.requireWrite(request, councilId)
    await removeMember(app.writeContext(request, principal), councilId, membershipId)
    return reply.code(204).send(null)
  })
}

export default memberRoutes
