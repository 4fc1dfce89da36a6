import { and, desc, eq, getTableColumns, gt, isNotNull, isNull, or, type Column, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { apiTokens, councils, users } from '../schema.js'

export type ApiToken = typeof apiTokens.$inferSelect

/** A secret (API token, feed link) that is live at `now`: not revoked, not expired. */
export function liveAt (table: { revokedAt: Column, expiresAt: Column }, now: Date): SQL {
  return and(isNull(table.revokedAt), or(isNull(table.expiresAt), gt(table.expiresAt, now)))!
}

/**
 * The live token with this secret hash: not revoked, not expired at `now`; a user's own token only
 * while its role stands and the user is not disabled.
 */
export async function findLiveToken (db: Db, secretHash: string, now: Date): Promise<ApiToken | undefined> {
  const [token] = await db.select(getTableColumns(apiTokens)).from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(and(
      eq(apiTokens.secretHash, secretHash), liveAt(apiTokens, now),
      or(isNull(apiTokens.userId), and(isNotNull(apiTokens.userRoleId), isNull(users.disabledAt)))
    ))
  return token
}

/** A user's own tokens, newest first, with the council of each one's role. */
export async function listUserTokens (db: Db, userId: string, includeRevoked: boolean) {
  return db.select({ ...getTableColumns(apiTokens), councilName: councils.name })
    .from(apiTokens).leftJoin(councils, eq(councils.id, apiTokens.councilId))
    .where(and(eq(apiTokens.userId, userId), includeRevoked ? undefined : isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt)).limit(200)
}

/** Revokes the live tokens made in a user's role (the role is being revoked); their ids. */
export async function revokeRoleTokens (tx: Db, userRoleId: string, at: Date): Promise<string[]> {
  const rows = await tx.update(apiTokens).set({ revokedAt: at })
    .where(and(eq(apiTokens.userRoleId, userRoleId), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id })
  return rows.map((row) => row.id)
}

/** How many live tokens a user has (bounded per user). */
export async function countLiveUserTokens (db: Db, userId: string, now: Date): Promise<number> {
  const rows = await db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.userId, userId), liveAt(apiTokens, now)))
  return rows.length
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
export function tokenView ({ secretHash: _hash, userRoleId: _role, ...token }: ApiToken) {
  return token
}
