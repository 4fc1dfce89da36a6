import type { Db } from '../db/client.js'
import { insertAuditRow, notifyChannel } from '../db/queries/audit.js'
import { insertIdempotencyKey } from '../db/queries/idempotency.js'
import { databaseCode } from '../db/errors.js'
import { fail } from '../domain/errors.js'
import type { Principal } from '../domain/access.js'

/** Every committed write is announced on this channel: caches (calendar feeds) of every replica listen to it. */
export const CHANGES_CHANNEL = 'giaitrinh_changes'

/** What changed, as feeds (and, next, notifications) need to know it. */
export interface Change {
  entity: string
  entityId: string
  action: string
  /** The council whose data changed; null for service-wide data (notice rules, calendar days). */
  councilId: string | null
}

/** Who writes, when, and where the change is announced in this process once it commits. */
export interface WriteContext {
  db: Db
  principal: Pick<Principal, 'tokenId' | 'label'>
  /** The app's clock: every time a write stores comes from here, never from the database's now(). */
  now: Date
  requestId?: string | undefined
  /** Called after commit with what the write changed (this process's caches); other replicas hear NOTIFY. */
  announce?: ((changes: Change[]) => void) | undefined
  /** The client's Idempotency-Key: stored with the write, so that a retry is not applied twice. */
  idempotency?: { scope: string, key: string, requestHash: string } | undefined
  /** When reminders may not go out unless a council or an admin set otherwise (QUIET_HOURS, e.g. 21:00-07:00); 21:00-07:00 when not given. */
  quietHours?: string | undefined
}

export interface AuditedChange extends Change {
  before?: unknown
  after?: unknown
}

/** The handle a service writes through: the transaction, its time, and the one way to record a change. */
export interface Writer {
  tx: Db
  now: Date
  /** Records the audit row and queues the change's announcement, both inside the transaction. */
  record(change: AuditedChange): Promise<void>
}

/**
 * The one write path. Opens the transaction, hands the service a Writer, and on the way out sends
 * one NOTIFY for what was recorded (delivered by PostgreSQL only when the transaction commits, and
 * not at all when it rolls back); after the commit, tells this process at once.
 */
export async function write<T> (ctx: WriteContext, work: (writer: Writer) => Promise<T>): Promise<T> {
  const changes: Change[] = []
  const result = await ctx.db.transaction(async (tx) => {
    const writer: Writer = {
      tx,
      now: ctx.now,
      async record ({ before, after, ...change }) {
        await insertAuditRow(tx, { ...change, principal: ctx.principal, at: ctx.now, before, after, requestId: ctx.requestId })
        changes.push(change)
      }
    }
    const value = await work(writer)
    if (ctx.idempotency) {
      const [first] = changes
      try {
        await insertIdempotencyKey(tx, { ...ctx.idempotency, entity: first?.entity ?? null, entityId: first?.entityId ?? null, createdAt: ctx.now })
      } catch (error) {
        if (databaseCode(error) !== '23505') throw error
        throw fail('IDEMPOTENCY_RACE', { key: ctx.idempotency.key })
      }
    }
    if (changes.length > 0) {
      const payload = JSON.stringify(changes.map(({ entity, entityId, councilId }) => ({ entity, entityId, councilId }))).slice(0, 7900)
      await notifyChannel(tx, CHANGES_CHANNEL, payload)
    }
    return value
  })
  if (changes.length > 0) ctx.announce?.(changes)
  return result
}
