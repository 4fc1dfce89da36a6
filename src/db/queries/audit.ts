import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { auditLog } from '../schema.js'
import type { Principal } from '../../domain/access.js'

export interface AuditRow {
  /** Who acted: a token, the ADMIN_TOKEN, a CLI, or an invitation link. */
  principal: Pick<Principal, 'tokenId' | 'label'>
  at: Date
  action: string
  entity: string
  entityId: string
  councilId: string | null
  before?: unknown
  after?: unknown
  requestId?: string | undefined
}

/** Call with the transaction's handle, so the entry commits or rolls back with the write (services/write.ts does). */
export async function insertAuditRow (tx: Db, entry: AuditRow): Promise<void> {
  await tx.insert(auditLog).values({
    at: entry.at,
    actorTokenId: entry.principal.tokenId,
    actor: entry.principal.label,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    councilId: entry.councilId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: entry.requestId ?? null
  })
}

export interface AuditQuery {
  entity?: string | undefined
  entityId?: string | undefined
  /** Only entries of these councils; undefined means every entry (admins). */
  councilIds?: string[] | undefined
  beforeId?: number | undefined
  limit: number
}

export async function listAudit (db: Db, query: AuditQuery) {
  const conditions: SQL[] = []
  if (query.entity) conditions.push(eq(auditLog.entity, query.entity))
  if (query.entityId) conditions.push(eq(auditLog.entityId, query.entityId))
  if (query.councilIds) conditions.push(inArray(auditLog.councilId, query.councilIds))
  if (query.beforeId !== undefined) conditions.push(lt(auditLog.id, query.beforeId))
  return db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(query.limit)
}

/** Announces on a channel; PostgreSQL delivers it when the transaction commits, and not at all when it rolls back. */
export async function notifyChannel (tx: Db, channel: string, payload: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${channel}, ${payload})`)
}

/** How many times an action was recorded on a record since a time (a bound on how often it may be done). */
export async function countActionsSince (db: Db, entity: string, entityId: string, action: string, since: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditLog)
    .where(and(eq(auditLog.entity, entity), eq(auditLog.entityId, entityId), eq(auditLog.action, action), gte(auditLog.at, since)))
  return Number(row?.n ?? 0)
}
