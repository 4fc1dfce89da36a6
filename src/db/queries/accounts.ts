import { and, asc, count, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils, sessions, signInLinks, userRoles, users } from '../schema.js'

export type User = typeof users.$inferSelect
export type UserRole = typeof userRoles.$inferSelect
export type Session = typeof sessions.$inferSelect

export async function findUserByEmail (db: Db, email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase()))
  return user
}

export async function findUser (db: Db, id: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id))
  return user
}

export async function countUsers (db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users)
  return Number(row?.n ?? 0)
}

export async function listUsers (db: Db): Promise<User[]> {
  return db.select().from(users).orderBy(asc(users.email))
}

/** Users with a role in one of these councils (a secretariat's units' staff). */
export async function listUsersOfCouncils (db: Db, councilIds: string[]): Promise<User[]> {
  if (councilIds.length === 0) return []
  return db.selectDistinct({ user: users }).from(users).innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(inArray(userRoles.councilId, councilIds)).orderBy(asc(users.email)).then((rows) => rows.map((row) => row.user))
}

export async function insertUser (tx: Db, values: typeof users.$inferInsert): Promise<User> {
  const [user] = await tx.insert(users).values({ ...values, email: values.email.toLowerCase() }).returning()
  return user!
}

export async function updateUserRow (tx: Db, id: string, values: Partial<typeof users.$inferInsert>, now: Date): Promise<User | undefined> {
  const [user] = await tx.update(users).set({ ...values, updatedAt: now }).where(eq(users.id, id)).returning()
  return user
}

/** A user's roles with their councils' names, admin first, then by council. */
export async function listUserRoles (db: Db, userId: string) {
  return db.select({ id: userRoles.id, role: userRoles.role, councilId: userRoles.councilId, councilName: councils.name, councilCode: councils.code, createdAt: userRoles.createdAt, grantedBy: userRoles.grantedBy })
    .from(userRoles).leftJoin(councils, eq(councils.id, userRoles.councilId))
    .where(eq(userRoles.userId, userId))
    .orderBy(sql`${userRoles.role} = 'admin' desc`, asc(councils.name), asc(userRoles.id))
}

export async function findUserRole (db: Db, id: string): Promise<UserRole | undefined> {
  const [role] = await db.select().from(userRoles).where(eq(userRoles.id, id))
  return role
}

/** Grants a role; an existing identical grant is kept (returns undefined). */
export async function insertUserRole (tx: Db, values: typeof userRoles.$inferInsert): Promise<UserRole | undefined> {
  const [role] = await tx.insert(userRoles).values(values).onConflictDoNothing().returning()
  return role
}

export async function deleteUserRole (tx: Db, id: string): Promise<void> {
  await tx.delete(userRoles).where(eq(userRoles.id, id))
}

export async function insertSession (tx: Db, values: typeof sessions.$inferInsert): Promise<Session> {
  const [session] = await tx.insert(sessions).values(values).returning()
  return session!
}

/** The live session with this secret hash and its user (not disabled). */
export async function findLiveSession (db: Db, secretHash: string, now: Date) {
  const [row] = await db.select({ session: sessions, user: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.secretHash, secretHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
  return row
}

/** Records a session's use (at most once a minute: a page view need not write). */
export async function touchSession (db: Db, id: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastUsedAt: now })
    .where(and(eq(sessions.id, id), sql`${sessions.lastUsedAt} < ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz`))
}

export async function setSessionRole (tx: Db, id: string, roleId: string): Promise<void> {
  await tx.update(sessions).set({ roleId }).where(eq(sessions.id, id))
}

export async function listSessions (db: Db, userId: string, now: Date): Promise<Session[]> {
  return db.select().from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastUsedAt))
}

export async function revokeSessionRow (tx: Db, where: { id: string, userId: string }, now: Date): Promise<Session | undefined> {
  const [session] = await tx.update(sessions).set({ revokedAt: now })
    .where(and(eq(sessions.id, where.id), eq(sessions.userId, where.userId), isNull(sessions.revokedAt))).returning()
  return session
}

/** Ends every session of a user; returns how many were live. */
export async function revokeUserSessions (tx: Db, userId: string, now: Date): Promise<number> {
  const rows = await tx.update(sessions).set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))).returning({ id: sessions.id })
  return rows.length
}

export async function insertSignInLink (tx: Db, values: typeof signInLinks.$inferInsert): Promise<void> {
  await tx.insert(signInLinks).values(values)
}

export async function countSignInLinksSince (db: Db, userId: string, since: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(signInLinks).where(and(eq(signInLinks.userId, userId), gte(signInLinks.createdAt, since)))
  return Number(row?.n ?? 0)
}

/** An unused, unexpired link, if this one is: used now (once only). */
export async function findSignInLink (db: Db, secretHash: string, now: Date) {
  const [link] = await db.select().from(signInLinks)
    .where(and(eq(signInLinks.secretHash, secretHash), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, now)))
  return link
}

export async function useSignInLink (tx: Db, secretHash: string, now: Date) {
  const [link] = await tx.update(signInLinks).set({ usedAt: now })
    .where(and(eq(signInLinks.secretHash, secretHash), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, now))).returning()
  return link
}
