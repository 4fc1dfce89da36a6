import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { findCouncil } from '../../db/queries/councils.js'
import { IdParams, problems } from '../../schemas/common.js'
import { CalendarResponse, FeedQuerySchema, NotModified } from '../../schemas/feeds.js'
import { visibleHearing } from '../../policy/index.js'
import { feedOptions, send } from '../../feeds/http.js'

/** One hearing as iCalendar, within the API: the same access rules as the hearing itself. */
const hearingCalendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const options = feedOptions(app.config, app.publicBaseUrl)
  app.get('/:id/calendar.ics', {
    schema: {
      tags: ['feeds'],
      summary: 'One hearing as iCalendar (the same access as the hearing)',
      params: IdParams,
      querystring: FeedQuerySchema,
      response: { 200: CalendarResponse, 304: NotModified, ...problems(400, 401, 404) }
    }
  }, async (request, reply) => {
    const { hearing, inScope } = await visibleHearing(app.db, request.principal, request.params.id)
    const council = (await findCouncil(app.db, hearing.councilId))!
    const lang = request.query.lang ?? 'vi'
    const feed = await app.feeds.get(`hearing:${hearing.id}:${inScope}:${lang}`, async () => ({
      frame: { kind: 'council', name: council.name, zone: council.timezone },
      scope: { kind: 'hearing', hearingId: hearing.id },
      window: { from: new Date(0), to: null, retainSince: new Date(0) },
      withAttendees: inScope,
      options: options(lang)
    }))
    return send(request, reply, feed, `hearing-${hearing.id}.ics`, inScope ? 'private' : 'public')
  })
}

export default hearingCalendarRoutes
