import { and, eq, isNull, lt } from 'drizzle-orm'
import type { Db } from '../client.js'
import { idempotencyKeys } from '../schema.js'

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect

export async function findIdempotencyKey (db: Db, scope: string, key: string): Promise<IdempotencyRecord | undefined> {
  const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
  return row
}

/** Inside the write's transaction: a second write with the same key fails on the primary key. */
export async function insertIdempotencyKey (tx: Db, values: typeof idempotencyKeys.$inferInsert): Promise<void> {
  await tx.insert(idempotencyKeys).values(values)
}

/** Keeps the answer that was sent, for replays. */
export async function storeIdempotentResponse (db: Db, scope: string, key: string, response: { status: number, body: string, headers: Record<string, string> }): Promise<void> {
  await db.update(idempotencyKeys).set({ status: response.status, response: response.body, headers: response.headers })
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)))
}

export async function pruneIdempotencyKeys (db: Db, before: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before))
}
