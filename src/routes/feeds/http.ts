import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config.js'
import type { Feed } from '../../feeds/cache.js'
import { notModifiedHeaders, type Visibility } from '../../feeds/polls.js'
import type { FeedOptions } from '../../feeds/ical.js'
import type { Lang } from '../../schemas/common.js'

/** A strong validator matches; or, without one, nothing changed since the date given. */
function notModified (request: FastifyRequest, feed: Feed): boolean {
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '')).some((tag) => tag === feed.etag || tag === '*')
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '')
  return feed.lastModified !== undefined && !Number.isNaN(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since
}

/** A 304 when the client's copy is current; otherwise the whole calendar. */
export function send (request: FastifyRequest, reply: FastifyReply, feed: Feed, filename: string, visibility: Visibility) {
  reply.headers(notModifiedHeaders(feed, visibility))
  if (notModified(request, feed)) return reply.code(304).send()
  if (feed.lastModified) reply.header('last-modified', feed.lastModified.toUTCString())
  return reply
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="${filename}"`)
    .type('text/calendar; charset=utf-8')
    .send(feed.body)
}

/** How events are written, from the configuration. */
export function feedOptions (config: Config, publicBaseUrl: () => string): (lang: Lang) => FeedOptions {
  return (lang) => {
    const baseUrl = publicBaseUrl()
    const organizerEmail = config.FEED_ORGANIZER_EMAIL ?? `noreply@${new URL(baseUrl).hostname}`
    return { lang, baseUrl, organizerEmail, ttlSeconds: config.FEED_REFRESH_MINUTES * 60 }
  }
}
