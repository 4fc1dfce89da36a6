import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { descendantIds, findCouncil } from '../../db/queries/councils.js'
import { councilZones, listHearings, listParticipants, listTransitions, type Hearing } from '../../db/queries/hearings.js'
import { COUNCIL_ZONE } from '../../domain/councils.js'
import { fail } from '../../domain/errors.js'
import type { HearingAction } from '../../domain/hearings.js'
import type { ScheduleWarning } from '../../domain/calendar.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import {
  CreateHearingSchema, HearingChangeSchema, HearingPageSchema, HearingSchema, HistorySchema, OutcomeSchema, QueryHearingsSchema,
  ReasonSchema, ScheduleSchema, UpdateHearingSchema
} from '../../schemas/hearings.js'
import { applyAction, createHearing, updateHearing, type ActionInput } from '../../services/hearings.js'
import { deliveredNotice } from '../../services/delivery-notice.js'
import { decodeCursor, page } from '../cursor.js'
import { canReadPerson, readableCouncilIds, visibleHearing } from '../../policy/index.js'
import { etag, hearingView, zoned } from '../../views/hearing.js'

const HearingRef = Type.Ref(HearingSchema)
const HearingChangeRef = Type.Ref(HearingChangeSchema)
const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 1000, description: 'The ETag from GET /v1/hearings/{id}: the change applies only to the hearing as read' })) })

async function render (app: FastifyInstance, hearing: Hearing, inScope: boolean) {
  const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
  return hearingView(hearing, zone, await listParticipants(app.db, [hearing.id]), inScope)
}

async function renderChange (app: FastifyInstance, reply: FastifyReply, hearing: Hearing, warnings: ScheduleWarning[]) {
  reply.header('etag', etag(hearing))
  const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
  // With e-mail configured, the explainers' notice counts from delivery: warned of until it happened.
  const delivery = app.config.SMTP_URL && hearing.status === 'scheduled' ? (await deliveredNotice(app.db, hearing, zone)).warnings : []
  return { ...hearingView(hearing, zone, await listParticipants(app.db, [hearing.id]), true), warnings: [...warnings, ...delivery] }
}

function encodeHearingCursor (hearing: Hearing): string {
  return `${hearing.startsAt?.toISOString() ?? ''}|${hearing.id}`
}

function decodeHearingCursor (cursor: string | undefined) {
  const position = decodeCursor(cursor)
  if (position === undefined) return undefined
  const [startsAt, id] = position.split('|')
  if (!id || (startsAt && Number.isNaN(Date.parse(startsAt)))) throw fail('CURSOR_INVALID')
  return { startsAt: startsAt ? new Date(startsAt) : null, id }
}

/** A date or a date-time as an instant: a date starts at its midnight in Hà Nội; as an upper bound it includes the whole day. */
function boundary (value: string, side: 'start' | 'end'): Date {
  if (value.length > 10) return new Date(value)
  const day = DateTime.fromISO(value, { zone: COUNCIL_ZONE })
  return (side === 'start' ? day : day.plus({ days: 1 })).toJSDate()
}

const hearingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const writeAccess = async (request: FastifyRequest, id: string) => {
    const { hearing } = await visibleHearing(app.db, request.principal, id)
    return app.requireWrite(request, hearing.councilId)
  }

  app.get('/', {
    schema: {
      tags: ['hearings'],
      summary: 'List hearings by start time (public ones for everyone; the rest within the caller\'s scope)',
      querystring: QueryHearingsSchema,
      response: { 200: HearingPageSchema, ...problems(400, 401, 404) }
    }
  }, async (request) => {
    const { limit = 100, cursor, councilId, descendants, from, to, status, personId } = request.query
    const principal = request.principal
    let councilIds: string[] | undefined
    if (councilId) {
      // One council: whether it exists is asked only when it has no hearing to show (one query less).
      councilIds = descendants ? await descendantIds(app.db, councilId) : [councilId]
      if (councilIds.length === 0) throw fail('COUNCIL_NOT_FOUND', { id: councilId })
    } else if (descendants) {
      throw fail('DESCENDANTS_NEEDS_COUNCIL')
    }
    const privateCouncilIds = principal ? await readableCouncilIds(app.db, principal) : []
    // Who explains where is public (hearings show their explainers); who attends is the person's own business.
    const personRoles = personId && !(await canReadPerson(app.db, principal, personId)) ? ['explainer' as const] : undefined
    const rows = await listHearings(app.db, {
      councilIds,
      privateCouncilIds,
      status,
      personId,
      personRoles,
      from: from ? boundary(from, 'start') : undefined,
      to: to ? boundary(to, 'end') : undefined,
      after: decodeHearingCursor(cursor),
      limit: limit + 1
    })
    if (rows.length === 0 && councilId && !descendants && !(await findCouncil(app.db, councilId))) {
      throw fail('COUNCIL_NOT_FOUND', { id: councilId })
    }
    const result = page(rows, limit, encodeHearingCursor)
    const participants = await listParticipants(app.db, result.items.map((h) => h.id))
    const inScope = new Set(privateCouncilIds ?? result.items.map((h) => h.councilId))
    return {
      items: result.items.map(({ timezone, ...h }) => hearingView(h, timezone, participants.filter((p) => p.hearingId === h.id), inScope.has(h.councilId))),
      nextCursor: result.nextCursor
    }
  })

  app.post('/', {
    schema: {
      tags: ['hearings'],
      summary: 'Plan a hearing: a draft, scheduled at once, or a past one recorded as held',
      security: secured,
      body: CreateHearingSchema,
      response: { 201: HearingChangeRef, ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request, reply) => {
    const principal = await app.requireWrite(request, request.body.councilId)
    const { hearing, warnings } = await createHearing(app.writeContext(request, principal), request.body)
    reply.code(201).header('location', `/v1/hearings/${hearing.id}`)
    return renderChange(app, reply, hearing, warnings)
  })

  app.get('/:id', {
    schema: {
      tags: ['hearings'],
      summary: 'Read a hearing; its ETag goes in If-Match to change it',
      params: IdParams,
      response: { 200: HearingRef, ...problems(400, 401, 404) }
    }
  }, async (request, reply) => {
    const { hearing, inScope } = await visibleHearing(app.db, request.principal, request.params.id)
    reply.header('etag', etag(hearing))
    return render(app, hearing, inScope)
  })

  app.patch('/:id', {
    schema: {
      tags: ['hearings'],
      summary: 'Change a hearing (If-Match required); a new time for a scheduled one is a reschedule with a reason',
      security: secured,
      params: IdParams,
      headers: IfMatchHeaders,
      body: UpdateHearingSchema,
      response: { 200: HearingChangeRef, ...problems(400, 401, 403, 404, 409, 412, 422, 428) }
    }
  }, async (request, reply) => {
    const principal = await writeAccess(request, request.params.id)
    const { hearing, warnings } = await updateHearing(app.writeContext(request, principal), request.params.id, request.body, request.headers['if-match'], etag)
    return renderChange(app, reply, hearing, warnings)
  })

  const actions: Array<{ action: HearingAction, summary: string, body: typeof ScheduleSchema | typeof ReasonSchema | typeof OutcomeSchema }> = [
    { action: 'schedule', summary: 'Schedule a draft or postponed hearing (with its time)', body: ScheduleSchema },
    { action: 'postpone', summary: 'Postpone a scheduled hearing: it loses its time until scheduled again', body: ReasonSchema },
    { action: 'cancel', summary: 'Cancel a draft, scheduled or postponed hearing', body: ReasonSchema },
    { action: 'outcome', summary: 'Record that the hearing was held, with its outcome (once it has started); on a held one, amend it', body: OutcomeSchema }
  ]
  for (const { action, summary, body } of actions) {
    app.post(`/:id/${action}`, {
      schema: {
        tags: ['hearings'],
        summary,
        security: secured,
        params: IdParams,
        headers: IfMatchHeaders,
        body,
        response: { 200: HearingChangeRef, ...problems(400, 401, 403, 404, 409, 412, 422) }
      }
    }, async (request, reply) => {
      const principal = await writeAccess(request, request.params.id)
      const input: ActionInput = action === 'outcome' ? { outcome: request.body as ActionInput['outcome'] } : request.body as ActionInput
      const ifMatch = request.headers['if-match']
      const { hearing, warnings } = await applyAction(app.writeContext(request, principal), request.params.id, action, input,
        ifMatch === undefined ? undefined : { header: ifMatch, etagOf: etag })
      return renderChange(app, reply, hearing, warnings)
    })
  }

  app.get('/:id/history', {
    schema: {
      tags: ['hearings'],
      summary: 'Every move of the hearing with its reason (within the council\'s scope)',
      security: secured,
      params: IdParams,
      response: { 200: HistorySchema, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    await app.requireRead(request, hearing.councilId)
    const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
    const items = await listTransitions(app.db, hearing.id)
    return { items: items.map(({ id: _id, hearingId: _h, ...t }) => ({ ...t, startsAt: zoned(t.startsAt, zone), endsAt: zoned(t.endsAt, zone), at: zoned(t.at, zone) })) }
  })
}

export default hearingRoutes
