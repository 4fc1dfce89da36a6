import { randomBytes } from 'node:crypto'
import type { Db } from '../db/client.js'
import {
  countSignInLinksSince, deleteUserRole, findLiveSession, findSignInLink, findUser, findUserByEmail, findUserRole, insertSession, insertSignInLink, insertUser,
  insertUserRole, listUserRoles, revokeSessionRow, revokeUserSessions, setSessionRole, touchSession, updateUserRow, useSignInLink, type User
} from '../db/queries/accounts.js'
import { findCouncil } from '../db/queries/councils.js'
import type { Principal } from '../domain/access.js'
import { fail } from '../domain/errors.js'
import { hashSecret } from '../domain/tokens.js'
import { revokeRoleTokens } from '../db/queries/tokens.js'
import { write, type WriteContext } from './write.js'

/** How long a session lasts without signing in again, and a sign-in link. */
export const SESSION_HOURS = 12
export const SIGN_IN_LINK_MINUTES = 15
/** Sign-in links one address may be sent in an hour (more would be a mailbox flooded by strangers). */
export const SIGN_IN_LINKS_PER_HOUR = 5

export type Role = 'admin' | 'secretariat' | 'supervisor'

function sessionSecret (): string {
  return `gs_${randomBytes(32).toString('base64url')}`
}

/** Who may grant roles for a council: an administrator, or the secretariat of its parent council (for its units). */
async function checkGrantor (db: Db, principal: Principal, role: Role, councilId: string | null): Promise<void> {
  if (principal.role === 'admin') return
  if (role === 'admin' || !councilId) throw fail('ADMIN_ONLY')
  const council = await findCouncil(db, councilId)
  if (!council) throw fail('COUNCIL_NOT_FOUND', { id: councilId })
  if (principal.role !== 'secretariat' || council.parentId !== principal.councilId) throw fail('ROLE_GRANT_FORBIDDEN')
}

export interface NewUser { email: string, name: string, locale?: 'vi' | 'en' | undefined }

/** A user by address: made if new (by an administrator, or a parent council's secretariat granting a unit's role). */
export async function createUser (ctx: WriteContext, input: NewUser): Promise<User> {
  return write(ctx, async ({ tx, now, record }) => {
    if (await findUserByEmail(tx, input.email)) throw fail('USER_EXISTS', { email: input.email.toLowerCase() })
    const user = await insertUser(tx, { email: input.email, name: input.name, locale: input.locale ?? 'vi', createdBy: ctx.principal.label, createdAt: now, updatedAt: now })
    await record({ action: 'create', entity: 'user', entityId: user.id, councilId: null, after: user })
    return user
  })
}

export async function grantRole (ctx: WriteContext & { principal: Principal }, userId: string, grant: { role: Role, councilId: string | null }) {
  await checkGrantor(ctx.db, ctx.principal, grant.role, grant.councilId)
  if ((grant.role === 'admin') !== (grant.councilId === null)) throw fail(grant.role === 'admin' ? 'ADMIN_ROLE_NO_COUNCIL' : 'ROLE_NEEDS_COUNCIL')
  return write(ctx, async ({ tx, now, record }) => {
    if (!(await findUser(tx, userId))) throw fail('USER_NOT_FOUND', { id: userId })
    const role = await insertUserRole(tx, { userId, role: grant.role, councilId: grant.councilId, grantedBy: ctx.principal.label, createdAt: now })
    if (role) await record({ action: 'grant', entity: 'user', entityId: userId, councilId: grant.councilId, after: role })
    return (await listUserRoles(tx, userId)).find((r) => r.role === grant.role && r.councilId === grant.councilId)!
  })
}

/**
 * A user (found by address, or added) and a role for them, in one transaction: a grant that is
 * refused adds nobody (the users page's form).
 */
export async function addUserWithRole (ctx: WriteContext & { principal: Principal }, input: NewUser, grant: { role: Role, councilId: string | null }) {
  await checkGrantor(ctx.db, ctx.principal, grant.role, grant.councilId)
  if ((grant.role === 'admin') !== (grant.councilId === null)) throw fail(grant.role === 'admin' ? 'ADMIN_ROLE_NO_COUNCIL' : 'ROLE_NEEDS_COUNCIL')
  return write(ctx, async ({ tx, now, record }) => {
    let user = await findUserByEmail(tx, input.email)
    if (!user) {
      user = await insertUser(tx, { email: input.email, name: input.name, locale: input.locale ?? 'vi', createdBy: ctx.principal.label, createdAt: now, updatedAt: now })
      await record({ action: 'create', entity: 'user', entityId: user.id, councilId: null, after: user })
    }
    const role = await insertUserRole(tx, { userId: user.id, role: grant.role, councilId: grant.councilId, grantedBy: ctx.principal.label, createdAt: now })
    if (role) await record({ action: 'grant', entity: 'user', entityId: user.id, councilId: grant.councilId, after: role })
    return user
  })
}

export async function revokeRole (ctx: WriteContext & { principal: Principal }, userId: string, roleId: string) {
  const role = await findUserRole(ctx.db, roleId)
  if (!role || role.userId !== userId) throw fail('ROLE_NOT_FOUND', { id: roleId })
  await checkGrantor(ctx.db, ctx.principal, role.role, role.councilId)
  await write(ctx, async ({ tx, now, record }) => {
    // The user's own tokens made in this role stop with it (revoked, so their list says so).
    const tokens = await revokeRoleTokens(tx, roleId, now)
    await deleteUserRole(tx, roleId)
    await record({ action: 'revoke', entity: 'user', entityId: userId, councilId: role.councilId, before: role, after: { tokensRevoked: tokens } })
  })
}

/** Ends every session of the user at once ("sign out everywhere"); the user may also be disabled. */
export async function signOutEverywhere (ctx: WriteContext, userId: string, options: { disable?: boolean } = {}) {
  return write(ctx, async ({ tx, now, record }) => {
    const user = await findUser(tx, userId)
    if (!user) throw fail('USER_NOT_FOUND', { id: userId })
    const ended = await revokeUserSessions(tx, userId, now)
    if (options.disable !== undefined) await updateUserRow(tx, userId, { disabledAt: options.disable ? now : null }, now)
    await record({ action: options.disable ? 'disable' : 'sign_out_everywhere', entity: 'user', entityId: userId, councilId: null, after: { sessionsEnded: ended, disabled: options.disable ?? null } })
    return ended
  })
}

/**
 * A one-time sign-in link for the user with this address: undefined when there is none (or it is
 * disabled) — the page says the same either way, so addresses cannot be probed. At most
 * SIGN_IN_LINKS_PER_HOUR an hour per address.
 */
export async function requestSignInLink (ctx: Omit<WriteContext, 'principal'>, email: string, next: string): Promise<{ user: User, secret: string } | undefined> {
  const user = await findUserByEmail(ctx.db, email)
  if (!user || user.disabledAt) return undefined
  if (await countSignInLinksSince(ctx.db, user.id, new Date(ctx.now.getTime() - 3_600_000)) >= SIGN_IN_LINKS_PER_HOUR) throw fail('SIGN_IN_LINK_LIMIT', { max: SIGN_IN_LINKS_PER_HOUR })
  const secret = `gl_${randomBytes(32).toString('base64url')}`
  await write({ ...ctx, principal: { tokenId: null, label: `user:${user.id} (${user.email})` } }, async ({ tx, now, record }) => {
    await insertSignInLink(tx, { secretHash: hashSecret(secret), userId: user.id, next, createdAt: now, expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000) })
    await record({ action: 'request_sign_in', entity: 'user', entityId: user.id, councilId: null })
  })
  return { user, secret }
}

/** Whether a sign-in link is still good (the page that asks to confirm it; using it is signInWithLink). */
export async function checkSignInLink (db: Db, secret: string, now: Date) {
  return findSignInLink(db, hashSecret(secret), now)
}

export interface NewSession { secret: string, csrfToken: string, user: User, next: string }

async function openSession (ctx: Omit<WriteContext, 'principal'>, user: User, method: 'email' | 'oidc', userAgent: string | undefined, work?: (tx: Db) => Promise<void>): Promise<{ secret: string, csrfToken: string }> {
  const secret = sessionSecret()
  const csrfToken = randomBytes(32).toString('base64url')
  await write({ ...ctx, principal: { tokenId: null, label: `user:${user.id} (${user.email})` } }, async ({ tx, now, record }) => {
    await work?.(tx)
    // The role acted in is fixed at sign-in (the user's first, admin first): a role granted later changes nothing until chosen.
    const [first] = await listUserRoles(tx, user.id)
    const session = await insertSession(tx, {
      secretHash: hashSecret(secret), userId: user.id, roleId: first?.id ?? null, method, csrfToken, userAgent: userAgent?.slice(0, 300) ?? null, createdAt: now, lastUsedAt: now, expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000)
    })
    await record({ action: 'sign_in', entity: 'user', entityId: user.id, councilId: null, after: { sessionId: session.id, method } })
  })
  return { secret, csrfToken }
}

/** Uses a sign-in link (once): a new session, a new id (any session the browser had is not reused). */
export async function signInWithLink (ctx: Omit<WriteContext, 'principal'>, secret: string, userAgent: string | undefined): Promise<NewSession | undefined> {
  const link = await findSignInLink(ctx.db, hashSecret(secret), ctx.now)
  if (!link) return undefined
  const user = await findUser(ctx.db, link.userId)
  if (!user || user.disabledAt) return undefined
  let used = false
  const session = await openSession(ctx, user, 'email', userAgent, async (tx) => {
    used = Boolean(await useSignInLink(tx, link.secretHash, ctx.now))
    if (!used) throw fail('SIGN_IN_LINK_INVALID')
  })
  return { ...session, user, next: link.next }
}

/** Signs in the user the OpenID provider named (by e-mail): undefined when no user has that address. */
export async function signInWithOidc (ctx: Omit<WriteContext, 'principal'>, email: string, userAgent: string | undefined) {
  const user = await findUserByEmail(ctx.db, email)
  if (!user || user.disabledAt) return undefined
  return { ...(await openSession(ctx, user, 'oidc', userAgent)), user }
}

/** Signs the session out (at once, on every page). */
/** Ends a live session of the user; false when there is none with this id (another user's, or ended). */
export async function signOut (ctx: Omit<WriteContext, 'principal'>, session: { id: string, userId: string }): Promise<boolean> {
  const user = await findUser(ctx.db, session.userId)
  return write({ ...ctx, principal: { tokenId: null, label: `user:${session.userId} (${user?.email ?? ''})` } }, async ({ tx, now, record }) => {
    if (!await revokeSessionRow(tx, session, now)) return false
    await record({ action: 'sign_out', entity: 'user', entityId: session.userId, councilId: null, after: { sessionId: session.id } })
    return true
  })
}

/** The role the pages act in for this session: the chosen one, or the user's first (admin first). */
function principalOfRole (user: User, role: Awaited<ReturnType<typeof listUserRoles>>[number]): Principal {
  const label = `user:${user.id} (${user.email})`
  if (role.role === 'admin') return { role: 'admin', tokenId: null, label, userId: user.id }
  return { role: role.role, tokenId: null, label, councilId: role.councilId!, userId: user.id }
}

export interface SignedIn {
  session: { id: string, userId: string, csrfToken: string, roleId: string | null }
  user: User
  roles: Awaited<ReturnType<typeof listUserRoles>>
  /** The role acted in; undefined for a user with no role yet. */
  principal: Principal | undefined
  roleId: string | null
}

/** The session of a cookie, if it is live: its user, their roles and the one acted in. */
export async function sessionOf (db: Db, secret: string, now: Date): Promise<SignedIn | undefined> {
  if (!/^gs_[A-Za-z0-9_-]{43}$/.test(secret)) return undefined
  const found = await findLiveSession(db, hashSecret(secret), now)
  if (!found) return undefined
  const roles = await listUserRoles(db, found.user.id)
  const role = roles.find((r) => r.id === found.session.roleId) ?? roles[0]
  await touchSession(db, found.session.id, now)
  return {
    session: { id: found.session.id, userId: found.user.id, csrfToken: found.session.csrfToken, roleId: found.session.roleId },
    user: found.user,
    roles,
    principal: role ? principalOfRole(found.user, role) : undefined,
    roleId: role?.id ?? null
  }
}

/** The council switcher: the session acts in another of the user's roles. */
export async function switchRole (ctx: Omit<WriteContext, 'principal'>, signedIn: SignedIn, roleId: string) {
  if (!signedIn.roles.some((r) => r.id === roleId)) throw fail('ROLE_NOT_FOUND', { id: roleId })
  await write({ ...ctx, principal: { tokenId: null, label: `user:${signedIn.user.id} (${signedIn.user.email})` } }, async ({ tx }) => {
    await setSessionRole(tx, signedIn.session.id, roleId)
  })
}

/**
 * The first administrator, from ADMIN_EMAIL: made (with the admin role) when no user has that
 * address yet; an existing user is left as they are (an administrator may have changed them).
 */
export async function ensureAdminUser (db: Db, email: string, now: Date): Promise<User> {
  const existing = await findUserByEmail(db, email)
  if (existing) return existing
  const ctx = { db, now, principal: { tokenId: null, label: 'ADMIN_EMAIL' } }
  const user = await createUser(ctx, { email, name: email.split('@')[0] ?? email })
  await grantRole({ ...ctx, principal: { role: 'admin', tokenId: null, label: 'ADMIN_EMAIL' } }, user.id, { role: 'admin', councilId: null })
  return user
}
