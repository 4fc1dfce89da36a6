import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Encoding, Feed } from './cache.js'
import { notModifiedHeaders, type Visibility } from './polls.js'
import type { FeedOptions } from './ical.js'
import type { Lang } from '../schemas/common.js'

/** A strong validator of any of the feed's representations matches (they hold the same calendar); or, without one, nothing changed since the date given. */
function notModified (request: FastifyRequest, feed: Feed): string | false {
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''))
    return tags.find((tag) => tag === feed.etag || tag === feed.etags.gzip || tag === feed.etags.br || tag === '*') ?? false
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '')
  return feed.lastModified !== undefined && !Number.isNaN(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since ? '' : false
}

/**
 * The content coding to send, from Accept-Encoding (RFC 9110 12.5.3): br, then gzip, when the client
 * accepts them (q > 0, by name or through *); none otherwise. Bounded: a header of any length is
 * looked at up to 64 entries.
 */
export function negotiateEncoding (header: string | undefined): Encoding | null {
  if (!header) return null
  const q: Record<string, number> = {}
  for (const part of header.split(',', 64)) {
    const [name, ...params] = part.split(';')
    const weight = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('q='))
    const value = weight === undefined ? 1 : Number(weight.slice(2))
    q[name!.trim().toLowerCase()] = Number.isFinite(value) ? value : 0
  }
  const accepts = (name: string) => (q[name] ?? q['*'] ?? 0) > 0
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : null
}

/** A 304 when the client's copy is current; otherwise the whole calendar, compressed when the client takes it. */
export async function send (request: FastifyRequest, reply: FastifyReply, feed: Feed, filename: string, visibility: Visibility) {
  const encoding = negotiateEncoding(request.headers['accept-encoding'])
  const etag = encoding ? feed.etags[encoding] : feed.etag
  reply.headers(notModifiedHeaders(feed, visibility, etag))
  const matched = notModified(request, feed)
  if (matched !== false) {
    // The client's copy holds the current calendar: confirm the validator it has.
    if (matched && matched !== '*') reply.header('etag', matched)
    return reply.code(304).send()
  }
  if (feed.lastModified) reply.header('last-modified', feed.lastModified.toUTCString())
  reply
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="${filename}"`)
    .type('text/calendar; charset=utf-8')
  if (!encoding) return reply.send(request.server.feeds.encoded(feed))
  const body = await request.server.feeds.compressed(feed, encoding)
  return reply.header('content-encoding', encoding).send(body)
}

/** How events are written, from the configuration. */
export function feedOptions (config: Config, publicBaseUrl: () => string): (lang: Lang) => FeedOptions {
  return (lang) => {
    const baseUrl = publicBaseUrl()
    const organizerEmail = config.FEED_ORGANIZER_EMAIL ?? `noreply@${new URL(baseUrl).hostname}`
    return { lang, baseUrl, organizerEmail, ttlSeconds: config.FEED_REFRESH_MINUTES * 60, ...(config.IMAP_URL ? { rsvp: true } : {}) }
  }
}
