import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { councilZones, type Hearing } from '../../db/queries/hearings.js'
import { descendantIds } from '../../db/queries/councils.js'
import { listCommitments, stateCondition } from '../../db/queries/conclusions.js'
import { fail } from '../../domain/errors.js'
import { attachablePerson, visibleHearing } from '../../policy/index.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import {
  CommitmentLinkSchema, CommitmentListSchema, CommitmentParams, CommitmentQuerySchema, CommitmentSchema, CommitmentTokenParams, ConclusionSchema,
  CreateCommitmentSchema, LinkUpdateSchema, PutConclusionSchema, UpdateCommitmentSchema
} from '../../schemas/conclusions.js'
import {
  addCommitment, commitmentOfLink, commitmentViews, conclusionView, hearingCommitments, renewCommitmentLink, updateCommitment, updateThroughLink, voteConclusion
} from '../../services/conclusions.js'
import { commitmentPath } from '../../links/index.js'
import type { Commitment } from '../../db/queries/conclusions.js'

/** At most this many commitments in one list. */
const LIST_LIMIT = 500

/**
 * The hearing's second half: the conclusion the Standing Committee votes on (its members, presence
 * and votes, the rule "more than half of all members"), and the commitments it lists, followed by
 * the secretariat and by each responsible person through a secret link.
 */
const conclusionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ConclusionRef = Type.Ref(ConclusionSchema)
  const CommitmentRef = Type.Ref(CommitmentSchema)
  const zones = async (councilIds: string[]) => councilZones(app.db, councilIds)
  const zoneOf = async (councilId: string) => (await zones([councilId])).get(councilId)!
  const todayIn = (zone: string) => DateTime.fromJSDate(app.now(), { zone }).toISODate()!
  const views = async (rows: Awaited<ReturnType<typeof listCommitments>>) => {
    const byCouncil = await zones(rows.map((row) => row.commitment.councilId))
    return commitmentViews(app.db, rows, (councilId) => byCouncil.get(councilId)!, app.now())
  }
  const one = async (commitment: Commitment) => {
    const [view] = await views(await listCommitments(app.db, { ids: [commitment.id], limit: 1 }))
    return view!
  }
  const linkAnswer = async (commitment: Commitment, secret: string) => ({ commitment: await one(commitment), updateToken: secret, updateUrl: `${app.publicBaseUrl()}${commitmentPath(secret)}` })
  /** Read: as the hearing (a public hearing's conclusion and commitments are public). Write: the council's secretariat. */
  const hearingFor = async (request: Parameters<typeof app.requireWrite>[0], id: string, writing: boolean): Promise<{ hearing: Hearing, principal?: Awaited<ReturnType<typeof app.requireWrite>> }> => {
    const { hearing } = await visibleHearing(app.db, request.principal, id)
    if (!writing) return { hearing }
    return { hearing, principal: await app.requireWrite(request, hearing.councilId) }
  }

  app.get('/hearings/:id/conclusion', {
    schema: {
      tags: ['conclusions'],
      summary: 'The conclusion voted on: the Standing Committee\'s members, presence and votes, and the result against "more than half of all members"',
      params: IdParams,
      response: { 200: ConclusionRef, ...problems(400, 401, 404) }
    }
  }, async (request) => {
    const { hearing } = await hearingFor(request, request.params.id, false)
    const view = await conclusionView(app.db, hearing.id, await zoneOf(hearing.councilId))
    if (!view) throw fail('CONCLUSION_NOT_FOUND', { id: hearing.id })
    return view
  })

  app.put('/hearings/:id/conclusion', {
    schema: {
      tags: ['conclusions'],
      summary: 'Record the Standing Committee\'s vote on a held hearing\'s conclusion (a vote again replaces it); passed with more than half of all members for it',
      security: secured,
      params: IdParams,
      body: PutConclusionSchema,
      response: { 200: ConclusionRef, ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => {
    const { hearing, principal } = await hearingFor(request, request.params.id, true)
    await voteConclusion(app.writeContext(request, principal!), hearing.id, request.body)
    return (await conclusionView(app.db, hearing.id, await zoneOf(hearing.councilId)))!
  })

  app.get('/hearings/:id/commitments', {
    schema: {
      tags: ['conclusions'],
      summary: 'The commitments of the hearing\'s conclusion, by due date, with their state and updates',
      params: IdParams,
      response: { 200: Type.Ref(CommitmentListSchema), ...problems(400, 401, 404) }
    }
  }, async (request) => {
    const { hearing } = await hearingFor(request, request.params.id, false)
    return { items: await views(await hearingCommitments(app.db, hearing.id)) }
  })

  app.post('/hearings/:id/commitments', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['conclusions'],
      summary: 'Add a commitment to the adopted conclusion; a responsible person gets a link to report progress, in this answer only',
      security: secured,
      params: IdParams,
      body: CreateCommitmentSchema,
      response: { 201: Type.Ref(CommitmentLinkSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const { hearing, principal } = await hearingFor(request, request.params.id, true)
    if (request.body.responsiblePersonId) await attachablePerson(app.db, principal!, request.body.responsiblePersonId)
    const { commitment, secret } = await addCommitment(app.writeContext(request, principal!), hearing.id, request.body)
    reply.code(201).header('cache-control', 'no-store')
    return secret ? linkAnswer(commitment, secret) : { commitment: await one(commitment), updateToken: null, updateUrl: null }
  })

  app.patch('/hearings/:id/commitments/:commitmentId', {
    schema: {
      tags: ['conclusions'],
      summary: 'Update a commitment with a note: progress, status (dropped needs a reason), due date',
      security: secured,
      params: CommitmentParams,
      body: UpdateCommitmentSchema,
      response: { 200: CommitmentRef, ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => {
    const { hearing, principal } = await hearingFor(request, request.params.id, true)
    return one(await updateCommitment(app.writeContext(request, principal!), hearing.id, request.params.commitmentId, request.body))
  })

  app.post('/hearings/:id/commitments/:commitmentId/link', {
    config: { shownOnce: true },
    schema: {
      tags: ['conclusions'],
      summary: 'A new link for the responsible person, in this answer only; the old one stops at once',
      security: secured,
      params: CommitmentParams,
      response: { 200: Type.Ref(CommitmentLinkSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const { hearing, principal } = await hearingFor(request, request.params.id, true)
    const { commitment, secret } = await renewCommitmentLink(app.writeContext(request, principal!), hearing.id, request.params.commitmentId)
    reply.header('cache-control', 'no-store')
    return linkAnswer(commitment, secret)
  })

  app.get('/commitments', {
    schema: {
      tags: ['conclusions'],
      summary: 'A council\'s commitments (with its units\' for descendants=true), by state and due date: what a secretariat follows and a supervisor checks',
      security: secured,
      querystring: CommitmentQuerySchema,
      response: { 200: Type.Ref(CommitmentListSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { councilId, descendants, status, dueBefore } = request.query
    await app.requireRead(request, councilId)
    const councilIds = descendants ? await descendantIds(app.db, councilId) : [councilId]
    const zone = (await zones([councilId])).get(councilId)!
    const rows = await listCommitments(app.db, { councilIds, states: status ? [stateCondition(status, todayIn(zone))] : undefined, dueBefore, limit: LIST_LIMIT })
    return { items: await views(rows) }
  })

  app.get('/commitment-links/:token', {
    schema: {
      tags: ['conclusions'],
      summary: 'The commitment a responsible person\'s link reaches (no token: the link is the key)',
      params: CommitmentTokenParams,
      response: { 200: CommitmentRef, ...problems(400, 404, 429) }
    }
  }, async (request) => {
    const commitment = await commitmentOfLink(app.db, request.params.token)
    await app.guardSecret(request, commitment !== undefined)
    if (!commitment) throw fail('COMMITMENT_LINK_NOT_FOUND')
    return one(commitment)
  })

  app.post('/commitment-links/:token/updates', {
    schema: {
      tags: ['conclusions'],
      summary: 'The responsible person reports progress through their link: a note, a percentage, evidence, in progress or done',
      params: CommitmentTokenParams,
      body: LinkUpdateSchema,
      response: { 200: CommitmentRef, ...problems(400, 404, 409, 429) }
    }
  }, async (request) => {
    const found = await commitmentOfLink(app.db, request.params.token)
    await app.guardSecret(request, found !== undefined)
    const updated = found ? await updateThroughLink({ db: app.db, now: app.now(), requestId: request.id, announce: (changes) => app.changes.announce(changes) }, request.params.token, request.body) : undefined
    if (!updated) throw fail('COMMITMENT_LINK_NOT_FOUND')
    return one(updated)
  })
}

export default conclusionRoutes
