import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { councilZones, type ParticipantView } from '../../db/queries/hearings.js'
import { attachablePerson, visibleHearing } from '../../policy/index.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { AddParticipantSchema, ChangeParticipantSchema, InvitationLinkSchema, ParticipantParams, ParticipantSchema } from '../../schemas/hearings.js'
import { addParticipant, changeParticipantRole, removeParticipant, renewInvitation } from '../../services/participants.js'
import { participantView } from '../../views/hearing.js'
import { invitationPath } from '../../links/index.js'

/** Invitations: who is asked to a hearing, in which role; each with a secret link to answer. */
const participantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // What the person follows: the invitation page (the API answers at /v1/invitations/{token}).
  const invitationUrl = (secret: string) => `${app.publicBaseUrl()}${invitationPath(secret)}`
  const linkResponse = async (councilId: string, participant: ParticipantView, secret: string) => {
    const zone = (await councilZones(app.db, [councilId])).get(councilId)!
    return { participant: participantView(participant, zone), invitationToken: secret, invitationUrl: invitationUrl(secret) }
  }

  app.post('/:id/participants', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['hearings'],
      summary: 'Invite a person as explainer, attendee or guest; returns the invitation link once',
      security: secured,
      params: IdParams,
      body: AddParticipantSchema,
      response: { 201: InvitationLinkSchema, ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request, reply) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    const principal = await app.requireWrite(request, hearing.councilId)
    await attachablePerson(app.db, principal, request.body.personId)
    const result = await addParticipant(app.writeContext(request, principal), hearing.id, request.body)
    reply.code(201).header('cache-control', 'no-store')
    return linkResponse(hearing.councilId, result.participant, result.secret)
  })

  app.patch('/:id/participants/:participantId', {
    schema: {
      tags: ['hearings'],
      summary: 'Change an invitation\'s role (explainer, attendee, guest); the link and the answer stay',
      security: secured,
      params: ParticipantParams,
      body: ChangeParticipantSchema,
      response: { 200: Type.Ref(ParticipantSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    const principal = await app.requireWrite(request, hearing.councilId)
    const participant = await changeParticipantRole(app.writeContext(request, principal), hearing.id, request.params.participantId, request.body.role)
    const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
    return participantView(participant, zone)
  })

  app.delete('/:id/participants/:participantId', {
    schema: {
      tags: ['hearings'],
      summary: 'Withdraw an invitation; its link stops working',
      security: secured,
      params: ParticipantParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    const principal = await app.requireWrite(request, hearing.councilId)
    await removeParticipant(app.writeContext(request, principal), hearing.id, request.params.participantId)
    return reply.code(204).send(null)
  })

  app.post('/:id/participants/:participantId/invitation', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['hearings'],
      summary: 'A new invitation link (the old one stops working at once)',
      security: secured,
      params: ParticipantParams,
      response: { 200: InvitationLinkSchema, ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    const principal = await app.requireWrite(request, hearing.councilId)
    const result = await renewInvitation(app.writeContext(request, principal), hearing.id, request.params.participantId)
    reply.header('cache-control', 'no-store')
    return linkResponse(hearing.councilId, result.participant, result.secret)
  })
}

export default participantRoutes
