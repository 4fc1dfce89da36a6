import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FeedCache, Feed } from './cache.js'

export type Visibility = 'public' | 'private'

/**
 * What a feed's 304 carries: only the validator, the caching rules and what the representation
 * varies by (RFC 9110 §15.4.5).
 */
export function notModifiedHeaders (feed: Feed, visibility: Visibility, etag = feed.etag): Record<string, string> {
  return { etag, 'cache-control': `${visibility}, max-age=0, must-revalidate`, vary: 'Accept-Encoding' }
}

/**
 * Most feed requests are calendar apps asking "has it changed?" (If-None-Match) when it has not.
 * This answers them at the HTTP server, before Fastify: a conditional GET or HEAD of a URL the feed
 * routes served successfully this minute, whose cache entry is still fresh (no change announced since,
 * within FEED_REVALIDATE_MS) and whose ETag is the one sent, gets its 304 here. Anything else, also
 * every first request of a URL and every request after a change, goes through Fastify's routes,
 * which validate, check the link and revalidate the feed. Polls answered here pass no Fastify hook
 * and have no request id: a hook added later for every request (metrics, rate limits) will not see them.
 */
export class FeedPolls {
  private readonly served = new Map<string, { key: string, visibility: Visibility, minute: number }>()
  /** How many polls were answered here (tests read it). */
  answered = 0

  constructor (
    private readonly feeds: FeedCache,
    private readonly now: () => Date,
    /** Called for each poll answered here, for a debug log line. */
    private readonly onAnswer: (request: IncomingMessage) => void = () => {}
  ) {}

  /** The feed routes served `url` from the cache entry `key`, with that visibility to caches. */
  remember (url: string, key: string, visibility: Visibility): void {
    if (this.served.size >= 10_000) this.served.clear()
    this.served.set(url, { key, visibility, minute: this.minute() })
  }

  /** Sends a 304 and returns true when the poll can be answered here; otherwise touches nothing. */
  answer (request: IncomingMessage, response: ServerResponse): boolean {
    const ifNoneMatch = request.headers['if-none-match']
    if (ifNoneMatch === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return false
    const known = this.served.get(request.url ?? '')
    if (!known || known.minute !== this.minute()) return false
    const feed = this.feeds.fresh(known.key)
    // The validator of any of its representations (identity, gzip, br): the client's copy is current.
    if (!feed || (ifNoneMatch !== feed.etag && ifNoneMatch !== feed.etags.gzip && ifNoneMatch !== feed.etags.br)) return false
    response.writeHead(304, notModifiedHeaders(feed, known.visibility, ifNoneMatch))
    response.end()
    this.answered++
    this.onAnswer(request)
    return true
  }

  private minute (): number {
    return Math.floor(this.now().getTime() / 60_000)
  }
}
