import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlib, gzip } from 'node:zlib'
import { EventEmitter } from 'node:events'
import type { Db } from '../db/client.js'
import { DateTime } from 'luxon'
import { feedEvents, feedLeavers, feedScopeModified, feedStamps, type FeedScope, type FeedWindow } from '../db/queries/feeds.js'
import { COUNCIL_ZONE } from '../domain/councils.js'
import { renderCalendar, renderEvent, type CalendarFrame, type FeedOptions } from './ical.js'

/** What a feed shows, resolved from the request by reading the database (on a miss or revalidation only). */
export interface FeedSpec {
  /** Whose calendar: its name and description. */
  frame: CalendarFrame
  scope: FeedScope
  window: FeedWindow
  withAttendees: boolean
  viewerId?: string | undefined
  options: FeedOptions
  /** When what the request was allowed by ends (a link's expiry): the entry is not served from then on without asking again. */
  servableUntil?: Date | null | undefined
}

export type Encoding = 'br' | 'gzip'

export interface Feed {
  body: string
  /** The identity body's strong validator; each content coding's is this with a suffix (etags). */
  etag: string
  /** ETags of the compressed representations, worked out once (the 304 fast path compares them). */
  etags: Record<Encoding, string>
  /** Compressed bodies, made on first request, once per ETag (an entry whose body is unchanged keeps them). */
  compressed: Compressed
  /** The last change to what the feed shows (see feedScopeModified); undefined for an empty feed with no history. */
  lastModified: Date | undefined
  events: number
}

interface Compressed {
  /** The body as UTF-8, made once (a large feed is not encoded again for every request). */
  identity?: Buffer
  pending: Partial<Record<Encoding, Promise<Buffer>>>
  /** Bytes of the compressed bodies made so far, counted in the cache's size while the entry is held. */
  bytes: number
  held: boolean
}

interface BuiltEvent { stamp: string, text: string, updatedAt: Date }

interface Entry extends Feed {
  /** The events' keys in the shared store, with the stamps they were built at. */
  built: Map<string, { key: string, stamp: string, updatedAt: Date }>
  stamps: string
  epoch: number
  validatedAt: number
  servableUntil: number
}

export interface FeedCacheOptions {
  /** How long an entry is served without asking the database, when no change was announced. */
  revalidateMs: number
  maxEntries: number
  /** What built feeds and events may hold, in bytes (UTF-16, as strings are kept); least recently used go first. */
  maxBytes?: number
  clock: () => number
}

/**
 * When the last hearing that left the window by the passing of days left it (the window moves at
 * midnight in the council's zone): in ms, 0 for none.
 */
export function leftWindowAt (leavers: { startedBefore: Date | null, retiredBefore: Date | null }, window: FeedWindow): number {
  let at = 0
  const months = window.drift?.months
  if (leavers.startedBefore && months !== undefined) {
    // The first midnight whose window starts after the hearing (month lengths vary: step by days).
    const start = DateTime.fromJSDate(leavers.startedBefore, { zone: window.zone ?? COUNCIL_ZONE })
    const startsAfter = (midnight: DateTime) => midnight.minus({ months }).startOf('day') > start
    let midnight = start.startOf('day').plus({ months })
    while (!startsAfter(midnight)) midnight = midnight.plus({ days: 1 })
    while (startsAfter(midnight.minus({ days: 1 }))) midnight = midnight.minus({ days: 1 })
    at = midnight.toMillis()
  }
  if (leavers.retiredBefore && window.drift) {
    const left = DateTime.fromJSDate(leavers.retiredBefore, { zone: window.zone ?? COUNCIL_ZONE }).startOf('day').plus({ days: window.drift.retentionDays + 1 })
    at = Math.max(at, left.toMillis())
  }
  return at
}

const gzipAsync = promisify(gzip)
const brotliAsync = promisify(brotliCompress)

/**
 * gzip at level 6 (its default); brotli at quality 6: at the default 11 a 2 MB feed took seconds of
 * CPU for a few per cent less; 6 is smaller than gzip and about as quick.
 */
function compress (body: string, encoding: Encoding): Promise<Buffer> {
  const input = Buffer.from(body)
  return encoding === 'gzip'
    ? gzipAsync(input, { level: 6 })
    : brotliAsync(input, { params: { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: input.length } })
}

/** Events built in a row before the event loop gets a turn: a large first build does not stall the service. */
const BUILD_SLICE = 25
/** Events read from the database at a time while a feed is built. */
const FETCH_SLICE = 250

/**
 * Built feeds, kept per feed and per event. Three things keep it from serving a stale feed:
 * - every write announces itself (NOTIFY in its transaction, delivered on commit; and at once in
 *   the writing process), which moves the epoch, so the next request revalidates;
 * - revalidation compares each event's stamp (revision and update times) with the database, and
 *   rebuilds only the events whose stamp changed;
 * - even without an announcement (a lost LISTEN connection), an entry is revalidated after
 *   `revalidateMs`.
 * Concurrent requests for one feed share one revalidation.
 */
export class FeedCache {
  private epoch = 0
  private readonly entries = new Map<string, Entry>()
  private readonly inflight = new Map<string, Promise<Entry>>()
  /**
   * Built events, shared by every feed that shows them: an event's text does not depend on the
   * window or the query that asked for it, only on its stamp and how it is written (language,
   * links, attendees, viewer). A new window of a feed is assembled from these, not built again.
   */
  private readonly builtEvents = new Map<string, BuiltEvent>()
  private bytes = 0
  /** Emits 'invalidated' when a change is announced (tests wait on it instead of sleeping). */
  readonly events = new EventEmitter()
  stats = { hits: 0, revalidations: 0, eventsBuilt: 0, compressions: 0 }

  constructor (private readonly db: Db, private readonly options: FeedCacheOptions) {}

  invalidate (): void {
    this.epoch++
    this.events.emit('invalidated', this.epoch)
  }

  /**
   * The entry for `key` if it may be served without asking the database (no change announced since it
   * was checked, within `revalidateMs`, and before its `servableUntil`); otherwise undefined.
   */
  fresh (key: string): Feed | undefined {
    const entry = this.entries.get(key)
    const now = this.options.clock()
    if (entry && entry.epoch === this.epoch && now - entry.validatedAt < this.options.revalidateMs && now < entry.servableUntil) {
      this.stats.hits++
      return entry
    }
    return undefined
  }

  /**
   * The feed named `key` (everything that selects it: kind, id, window, language). A fresh entry is
   * served without touching the database; otherwise `resolve` reads what the feed shows (and may
   * throw, e.g. a 404), and only the events whose stamp changed are built again.
   */
  async get (key: string, resolve: () => Promise<FeedSpec>): Promise<Feed> {
    const hit = this.fresh(key)
    if (hit) return hit
    const entry = this.entries.get(key)
    let pending = this.inflight.get(key)
    if (!pending) {
      pending = this.revalidate(key, resolve, entry).finally(() => this.inflight.delete(key))
      this.inflight.set(key, pending)
    }
    return pending
  }

  private async revalidate (key: string, resolve: () => Promise<FeedSpec>, previous: Entry | undefined): Promise<Entry> {
    this.stats.revalidations++
    // Taken before reading: a change announced while we read makes the next request look again.
    const epoch = this.epoch
    const validatedAt = this.options.clock()
    let spec: FeedSpec
    try {
      spec = await resolve()
    } catch (error) {
      this.entries.delete(key)
      throw error
    }
    const servableUntil = spec.servableUntil?.getTime() ?? Infinity
    // Every event of the window: the window (at most 5 years each way) is the bound, not a count.
    const stamps = await feedStamps(this.db, spec.scope, spec.window)
    const signature = `${spec.frame.kind}:${spec.frame.name}\n${stamps.map((s) => `${s.id}=${s.stamp}`).join(',')}`
    if (previous && previous.stamps === signature) {
      const refreshed = { ...previous, epoch, validatedAt, servableUntil }
      this.store(key, refreshed)
      return refreshed
    }
    const variant = `${spec.withAttendees ? 'a' : 'p'}|${spec.viewerId ?? ''}|${spec.options.lang}|${spec.options.baseUrl}|${spec.options.organizerEmail}`
    const keyOf = (id: string) => `${id}|${variant}`
    const stale = stamps.filter((s) => this.builtEvents.get(keyOf(s.id))?.stamp !== s.stamp).map((s) => s.id)
    // Read in slices, with a turn of the event loop between them: on PGlite a query's rows are parsed
    // in one synchronous piece, and thousands of events at once held the loop for a fifth of a second.
    const fresh = new Map<string, Awaited<ReturnType<typeof feedEvents>> extends Map<string, infer E> ? E : never>()
    for (let i = 0; i < stale.length; i += FETCH_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve))
      for (const [id, event] of await feedEvents(this.db, stale.slice(i, i + FETCH_SLICE), spec.withAttendees, spec.viewerId)) fresh.set(id, event)
    }
    const built = new Map<string, { key: string, stamp: string, updatedAt: Date }>()
    const texts: string[] = []
    let sinceYield = 0
    for (const { id, stamp } of stamps) {
      const eventKey = keyOf(id)
      let event = this.builtEvents.get(eventKey)
      if (!event || event.stamp !== stamp) {
        const source = fresh.get(id)
        if (!source) continue
        this.stats.eventsBuilt++
        event = { stamp, text: renderEvent({ ...source, viewerId: spec.viewerId }, spec.options), updatedAt: source.modifiedAt }
        this.keepEvent(eventKey, event)
        if (++sinceYield >= BUILD_SLICE) {
          sinceYield = 0
          await new Promise((resolve) => setImmediate(resolve))
        }
      } else {
        // Used again: the least recently used go first when the cache is full.
        this.keepEvent(eventKey, event)
      }
      built.set(id, { key: eventKey, stamp, updatedAt: event.updatedAt })
      texts.push(event.text)
    }
    const body = renderCalendar(spec.frame, texts, spec.options)
    const [scopeModified, leavers] = await Promise.all([feedScopeModified(this.db, spec.scope), feedLeavers(this.db, spec.scope, spec.window)])
    let lastModified = Math.max(scopeModified?.getTime() ?? 0, leftWindowAt(leavers, spec.window))
    for (const event of built.values()) lastModified = Math.max(lastModified, event.updatedAt.getTime())
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 32)
    const entry: Entry = {
      body,
      etag: `"${hash}"`,
      etags: { gzip: `"${hash}-gzip"`, br: `"${hash}-br"` },
      compressed: { pending: {}, bytes: 0, held: true },
      lastModified: lastModified > 0 ? new Date(lastModified) : undefined,
      events: built.size,
      built,
      stamps: signature,
      epoch,
      validatedAt,
      servableUntil
    }
    this.store(key, entry)
    return entry
  }

  /**
   * The feed's body in a content coding, compressed once per ETag on the thread pool (the event loop
   * keeps serving meanwhile); concurrent first requests share one compression.
   */
  compressed (feed: Feed, encoding: Encoding): Promise<Buffer> {
    const compressed = feed.compressed
    let pending = compressed.pending[encoding]
    if (!pending) {
      pending = compress(feed.body, encoding)
      this.stats.compressions++
      compressed.pending[encoding] = pending
      pending.then((buffer) => {
        compressed.bytes += buffer.length
        if (compressed.held) this.bytes += buffer.length
      }, () => { delete compressed.pending[encoding] })
    }
    return pending
  }

  /** The feed's body as UTF-8 bytes, encoded once per ETag. */
  encoded (feed: Feed): Buffer {
    const compressed = feed.compressed
    if (!compressed.identity) {
      compressed.identity = Buffer.from(feed.body)
      compressed.bytes += compressed.identity.length
      if (compressed.held) this.bytes += compressed.identity.length
    }
    return compressed.identity
  }

  /** What the cache holds now, in bytes: the feeds' bodies and the built events' texts. */
  get heldBytes (): number {
    return this.bytes
  }

  private keepEvent (key: string, event: BuiltEvent): void {
    const previous = this.builtEvents.get(key)
    if (previous) this.bytes -= previous.text.length * 2
    this.builtEvents.delete(key)
    this.builtEvents.set(key, event)
    this.bytes += event.text.length * 2
  }

  private store (key: string, entry: Entry): void {
    const previous = this.entries.get(key)
    if (previous) {
      this.bytes -= previous.body.length * 2
      // An entry with the same body keeps its compressed bodies; another body lets them go.
      if (previous.compressed !== entry.compressed) this.release(previous)
    }
    this.entries.delete(key)
    this.entries.set(key, entry)
    this.bytes += entry.body.length * 2
    const maxBytes = this.options.maxBytes ?? Infinity
    // Whole feeds go first (they are assembled again cheaply from their events), then events.
    while ((this.entries.size > this.options.maxEntries || this.bytes > maxBytes) && this.entries.size > 1) {
      const [oldestKey, oldest] = this.entries.entries().next().value!
      this.entries.delete(oldestKey)
      this.bytes -= oldest.body.length * 2
      this.release(oldest)
    }
    while (this.bytes > maxBytes && this.builtEvents.size > 0) {
      const [oldestKey, oldest] = this.builtEvents.entries().next().value!
      this.builtEvents.delete(oldestKey)
      this.bytes -= oldest.text.length * 2
    }
  }

  private release (entry: Entry): void {
    if (!entry.compressed.held) return
    entry.compressed.held = false
    this.bytes -= entry.compressed.bytes
  }
}
