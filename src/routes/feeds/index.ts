import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DateTime } from 'luxon'
import { descendantIds, findCouncil } from '../../db/queries/councils.js'
import { findFeedTokenPerson } from '../../db/queries/feeds.js'
import { COUNCIL_ZONE as ZONE } from '../../domain/councils.js'
import { fail, isError } from '../../domain/errors.js'
import { hashSecret } from '../../domain/tokens.js'
import type { Feed, FeedSpec } from '../../feeds/cache.js'
import { problems } from '../../schemas/common.js'
import { CalendarResponse, CouncilFeedParams, CouncilFeedQuerySchema, FeedQuerySchema, NotModified, PersonFeedParams } from '../../schemas/feeds.js'
import { councilKeyHook } from '../council-key.js'
import { feedOptions, send } from '../../feeds/http.js'

const MAX_YEARS = 5
/** A feed starts this many months back unless the client says otherwise. */
const BACK_MONTHS = 6

const feedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app
  const options = feedOptions(config, app.publicBaseUrl)

  /**
   * The window a feed covers: 6 months back and everything ahead by default, within five years either
   * way. It depends on the day only, so it is worked out once a minute per query (luxon's zone
   * arithmetic would otherwise be most of the cost of a cached 304).
   */
  let windowMinute = -1
  const windows = new Map<string, ReturnType<typeof computeWindow>>()
  function window (query: { from?: string | undefined, to?: string | undefined }, zone: string) {
    const minute = Math.floor(app.now().getTime() / 60_000)
    if (minute !== windowMinute) {
      windows.clear()
      windowMinute = minute
    }
    const key = `${query.from ?? ''}|${query.to ?? ''}|${zone}`
    let result = windows.get(key)
    if (!result) {
      result = computeWindow(query, zone)
      if (windows.size < 1000) windows.set(key, result)
    }
    return result
  }

  function computeWindow (query: { from?: string | undefined, to?: string | undefined }, zone: string) {
    const now = DateTime.fromJSDate(app.now(), { zone })
    const from = query.from ? DateTime.fromISO(query.from, { zone }) : now.minus({ months: BACK_MONTHS }).startOf('day')
    const to = query.to ? DateTime.fromISO(query.to, { zone }) : null
    if (from < now.minus({ years: MAX_YEARS }).startOf('day') || (to && to > now.plus({ years: MAX_YEARS }))) {
      throw fail('FEED_RANGE_TOO_WIDE', { years: MAX_YEARS })
    }
    if (to && to <= from) throw fail('RANGE_EMPTY')
    return {
      key: `${from.toISODate()}:${to?.toISODate() ?? ''}`,
      window: {
        from: from.toJSDate(),
        to: to?.toJSDate() ?? null,
        retainSince: now.minus({ days: config.FEED_RETENTION_DAYS }).startOf('day').toJSDate(),
        drift: { months: query.from ? undefined : BACK_MONTHS, retentionDays: config.FEED_RETENTION_DAYS },
        zone
      }
    }
  }

  app.get('/feeds/councils/:councilId.ics', {
    schema: {
      tags: ['feeds'],
      summary: 'A council\'s public hearings as an iCalendar feed (no token)',
      params: CouncilFeedParams,
      querystring: CouncilFeedQuerySchema,
      response: { 200: CalendarResponse, 304: NotModified, ...problems(400, 404) }
    },
    // A council's code works too (/feeds/councils/dong-da.ics): looked up, then served as by id.
    preHandler: councilKeyHook(app, 'councilId')
  }, async (request, reply) => {
    const { councilId } = request.params
    const lang = request.query.lang ?? 'vi'
    const descendants = request.query.descendants === true || request.query.descendants === '1'
    // Windows are counted in the service's zone (before the council is read: the window is part of
    // the cache key), which is every council's; the events carry UTC times.
    const { key, window: span } = window(request.query, ZONE)
    const cacheKey = `council:${councilId}:${descendants}:${key}:${lang}`
    const feed = await app.feeds.get(cacheKey, async (): Promise<FeedSpec> => {
      const council = await findCouncil(app.db, councilId)
      if (!council) throw fail('COUNCIL_NOT_FOUND', { id: councilId })
      return {
        frame: { kind: 'council', name: council.name, zone: council.timezone },
        scope: { kind: 'council', councilIds: descendants ? await descendantIds(app.db, councilId) : [councilId] },
        window: span,
        withAttendees: false,
        options: options(lang)
      }
    })
    app.feedPolls.remember(request.url, cacheKey, 'public')
    return send(request, reply, feed, `council-${councilId}.ics`, 'public')
  })

  app.get('/feeds/people/:token.ics', {
    schema: {
      tags: ['feeds'],
      summary: 'A person\'s private feed: every hearing they are invited to, with their role and answer',
      params: PersonFeedParams,
      querystring: FeedQuerySchema,
      response: { 200: CalendarResponse, 304: NotModified, ...problems(400, 404, 429) }
    }
  }, async (request, reply) => {
    const secretHash = hashSecret(request.params.token)
    const { key, window: span } = window(request.query, ZONE)
    const cacheKey = `person:${secretHash}:${key}:${request.query.lang ?? ''}`
    let feed: Feed
    try {
      // Keyed by the link's hash: a fresh entry answers without a database round trip; revoking
      // or rotating a link is a write, which makes the next request check the link again.
      feed = await app.feeds.get(cacheKey, async (): Promise<FeedSpec> => {
        const person = await findFeedTokenPerson(app.db, secretHash, app.now())
        if (!person) throw fail('FEED_LINK_INVALID')
        const lang = request.query.lang ?? person.locale
        return {
          frame: { kind: 'person', name: person.fullName, zone: ZONE },
          scope: { kind: 'person', personId: person.personId },
          window: span,
          withAttendees: true,
          viewerId: person.personId,
          options: options(lang),
          servableUntil: person.expiresAt
        }
      })
    } catch (error) {
      if (isError(error, 'FEED_LINK_INVALID')) await app.guardSecret(request, false)
      throw error
    }
    app.feedPolls.remember(request.url, cacheKey, 'private')
    return send(request, reply, feed, 'giaitrinh.ics', 'private')
  })
}

export default feedRoutes
