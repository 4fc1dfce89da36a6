import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Db } from '../db/client.js'
import { feedEvents, feedStamps, type FeedScope, type FeedWindow } from '../db/queries/feeds.js'
import { renderCalendar, renderEvent, type FeedOptions } from './ical.js'

/** What a feed shows, resolved from the request by reading the database (on a miss or revalidation only). */
export interface FeedSpec {
  name: string
  scope: FeedScope
  window: FeedWindow
  withAttendees: boolean
  viewerId?: string | undefined
  options: FeedOptions
  /** When what the request was allowed by ends (a link's expiry): the entry is not served from then on without asking again. */
  servableUntil?: Date | null | undefined
}

export interface Feed {
  body: string
  etag: string
  /** The newest change among the events; undefined for an empty feed. */
  lastModified: Date | undefined
  events: number
}

interface Entry extends Feed {
  /** Each event's stamp and text, so that a change rebuilds only the events it touched. */
  built: Map<string, { stamp: string, text: string, updatedAt: Date }>
  stamps: string
  epoch: number
  validatedAt: number
  servableUntil: number
}

export interface FeedCacheOptions {
  /** How long an entry is served without asking the database, when no change was announced. */
  revalidateMs: number
  maxEntries: number
  maxEvents: number
  clock: () => number
}

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
  /** Emits 'invalidated' when a change is announced (tests wait on it instead of sleeping). */
  readonly events = new EventEmitter()
  stats = { hits: 0, revalidations: 0, eventsBuilt: 0 }

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
    const stamps = (await feedStamps(this.db, spec.scope, spec.window)).slice(0, this.options.maxEvents)
    const signature = `${spec.name}\n${stamps.map((s) => `${s.id}=${s.stamp}`).join(',')}`
    if (previous && previous.stamps === signature) {
      const refreshed = { ...previous, epoch, validatedAt, servableUntil }
      this.store(key, refreshed)
      return refreshed
    }
    const stale = stamps.filter((s) => previous?.built.get(s.id)?.stamp !== s.stamp).map((s) => s.id)
    const fresh = await feedEvents(this.db, stale, spec.withAttendees)
    const built = new Map<string, { stamp: string, text: string, updatedAt: Date }>()
    for (const { id, stamp } of stamps) {
      const kept = previous?.built.get(id)
      if (kept && kept.stamp === stamp) {
        built.set(id, kept)
        continue
      }
      const event = fresh.get(id)
      if (!event) continue
      this.stats.eventsBuilt++
      built.set(id, { stamp, text: renderEvent({ ...event, viewerId: spec.viewerId }, spec.options), updatedAt: event.updatedAt })
    }
    const body = renderCalendar(spec.name, [...built.values()].map((event) => event.text), spec.options)
    const times = [...built.values()].map((event) => event.updatedAt.getTime())
    const entry: Entry = {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`,
      lastModified: times.length ? new Date(Math.max(...times)) : undefined,
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

  private store (key: string, entry: Entry): void {
    this.entries.delete(key)
    this.entries.set(key, entry)
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }
}
