import { and, desc, eq, gt, isNull, or, type Column, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { apiTokens } from '../schema.js'

export type ApiToken = typeof apiTokens.$inferSelect

/** A secret (API token, feed link) that is live at `now`: not revoked, not expired. */
export function liveAt (table: { revokedAt: Column, expiresAt: Column }, now: Date): SQL {
  return and(isNull(table.revokedAt), or(isNull(table.expiresAt), gt(table.expiresAt, now)))!
}

/** The live token with this secret hash: not revoked, not expired at `now`. */
export async function findLiveToken (db: Db, secretHash: string, now: Date): Promise<ApiToken | undefined> {
  const [token] = await db.select().from(apiTokens).where(and(eq(apiTokens.secretHash, secretHash), liveAt(apiTokens, now)))
  return token
}

export async function findToken (db: Db, id: string): Promise<ApiToken | undefined> {
  const [token] = await db.select().from(apiTokens).where(eq(apiTokens.id, id))
  return token
}

export async function listTokens (db: Db, filter: { councilId?: string | undefined, includeRevoked: boolean }): Promise<ApiToken[]> {
  const conditions: SQL[] = []
  if (filter.councilId) conditions.push(eq(apiTokens.councilId, filter.councilId))
  if (!filter.includeRevoked) conditions.push(isNull(apiTokens.revokedAt))
  return db.select().from(apiTokens).where(and(...conditions)).orderBy(desc(apiTokens.createdAt))
}

export async function insertToken (tx: Db, values: typeof apiTokens.$inferInsert): Promise<ApiToken> {
  const [token] = await tx.insert(apiTokens).values(values).returning()
  return token!
}

export async function revokeTokenRow (tx: Db, id: string, at: Date): Promise<ApiToken | undefined> {
  const [token] = await tx.update(apiTokens).set({ revokedAt: at })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning()
  return token
}

/** Public view of a token: everything but the hash. */
export function tokenView ({ secretHash: _hash, ...token }: ApiToken) {
  return token
}
