import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { councilZones, findHearing } from '../../db/queries/hearings.js'
import { findCouncil } from '../../db/queries/councils.js'
import { fail } from '../../domain/errors.js'
import { problems } from '../../schemas/common.js'
import { InvitationSchema, InvitationTokenParams, RespondSchema } from '../../schemas/hearings.js'
import { answerInvitation, findInvitation, findWithdrawnInvitation } from '../../services/participants.js'
import type { FastifyRequest } from 'fastify'
import { participantView, zoned } from '../../views/hearing.js'
import { wantsHtml } from '../../pages/render.js'
import { invitationPath } from '../../links/index.js'

const notFound = () => fail('INVITATION_LINK_INVALID')

/**
 * The invited person's own page, reached by the secret link: no account, no token.
 * A link answers for its own invitation only; guessing links is rate limited like tokens.
 */
const invitationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function invitation (secret: string) {
    const participant = await findInvitation(app.db, secret)
    if (!participant) return undefined
    const hearing = (await findHearing(app.db, participant.hearingId))!
    const council = (await findCouncil(app.db, hearing.councilId))!
    const zone = (await councilZones(app.db, [council.id])).get(council.id)!
    return {
      hearing: {
        id: hearing.id,
        title: hearing.title,
        description: hearing.description,
        location: hearing.location,
        startsAt: zoned(hearing.startsAt, zone),
        endsAt: zoned(hearing.endsAt, zone),
        status: hearing.status,
        council: { id: council.id, name: council.name }
      },
      invitation: participantView(participant, zone)
    }
  }

  /** A link that opens nothing: withdrawn (410, said so) or unknown (404, counted as a guess). */
  async function unknown (request: FastifyRequest, token: string): Promise<never> {
    const withdrawn = await findWithdrawnInvitation(app.db, token)
    await app.guardSecret(request, Boolean(withdrawn))
    throw withdrawn ? fail('INVITATION_WITHDRAWN') : notFound()
  }

  app.get('/:token', {
    schema: {
      tags: ['invitations'],
      summary: 'The hearing and this invitation, for the person invited',
      params: InvitationTokenParams,
      response: { 200: InvitationSchema, 303: Type.Null({ description: 'A browser (Accept: text/html before JSON) is sent to the invitation page, /invitations/{token}' }), ...problems(404, 410, 429) }
    }
  }, async (request, reply) => {
    // A person's browser following the link gets the invitation page; clients asking for JSON get JSON.
    if (wantsHtml(request)) return reply.redirect(invitationPath(request.params.token), 303)
    const found = await invitation(request.params.token)
    if (!found) return unknown(request, request.params.token)
    await app.guardSecret(request, true)
    reply.header('cache-control', 'private, no-store')
    return found
  })

  app.post('/:token/response', {
    schema: {
      tags: ['invitations'],
      summary: 'Accept, decline, or delegate to a named substitute',
      params: InvitationTokenParams,
      body: RespondSchema,
      response: { 200: InvitationSchema, ...problems(400, 404, 409, 410, 429) }
    }
  }, async (request, reply) => {
    const answered = await answerInvitation({ db: app.db, now: app.now(), requestId: request.id, announce: (changes) => app.changes.announce(changes) }, request.params.token, request.body)
    if (!answered) return unknown(request, request.params.token)
    await app.guardSecret(request, true)
    reply.header('cache-control', 'private, no-store')
    return (await invitation(request.params.token))!
  })
}

export default invitationRoutes
