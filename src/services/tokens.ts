import { findCouncil } from '../db/queries/councils.js'
import { findUserRole } from '../db/queries/accounts.js'
import { countLiveUserTokens, findToken, insertToken, revokeTokenRow, tokenView, type ApiToken } from '../db/queries/tokens.js'
import { fail } from '../domain/errors.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import type { CreateToken } from '../schemas/tokens.js'
import { write, type WriteContext } from './write.js'

/** Used by POST /v1/tokens and by the offline CLI alike. The secret is returned once. */
export async function issueToken (ctx: WriteContext, input: CreateToken) {
  if (input.role === 'admin' && input.councilId) {
    throw fail('ADMIN_TOKEN_NO_COUNCIL')
  }
  if (input.role !== 'admin' && !input.councilId) {
    throw fail('TOKEN_NEEDS_COUNCIL', { role: input.role })
  }
  const secret = generateSecret()
  return write(ctx, async ({ tx, now, record }) => {
    if (input.councilId && !(await findCouncil(tx, input.councilId))) {
      throw fail('COUNCIL_UNKNOWN', { id: input.councilId })
    }
    const token = await insertToken(tx, {
      name: input.name,
      role: input.role,
      councilId: input.councilId ?? null,
      secretHash: hashSecret(secret),
      createdBy: ctx.principal.label,
      createdAt: now,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null
    })
    await record({ action: 'create', entity: 'token', entityId: token.id, councilId: token.councilId, after: tokenView(token) })
    return { token: tokenView(token), secret }
  })
}

export async function revokeToken (ctx: WriteContext, id: string): Promise<ApiToken> {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await findToken(tx, id)
    if (!before) throw fail('TOKEN_NOT_FOUND', { id })
    const revoked = await revokeTokenRow(tx, id, now)
    // Revoking twice is harmless: the first revocation stands.
    if (!revoked) return before
    await record({ action: 'revoke', entity: 'token', entityId: id, councilId: revoked.councilId, before: tokenView(before), after: tokenView(revoked) })
    return revoked
  })
}

/** A user keeps at most this many live tokens of their own. */
export const USER_TOKENS_MAX = 20
/** A user's own token lives at most this long (an administrator's program token may live longer). */
export const USER_TOKEN_MAX_DAYS = 366

/**
 * A user's own token for a program, made on their account page: it acts in one of their roles (the
 * role's council and kind, nothing more), dies with the role or when the user is disabled, and
 * expires within a year. The secret is returned once.
 */
export async function issueOwnToken (ctx: WriteContext, userId: string, input: { name: string, userRoleId: string, days: number }) {
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > USER_TOKEN_MAX_DAYS) throw fail('TOKEN_DAYS_OUT_OF_RANGE', { max: USER_TOKEN_MAX_DAYS })
  const secret = generateSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const role = await findUserRole(tx, input.userRoleId)
    if (!role || role.userId !== userId) throw fail('ROLE_NOT_FOUND', { id: input.userRoleId })
    if (await countLiveUserTokens(tx, userId, now) >= USER_TOKENS_MAX) throw fail('USER_TOKENS_LIMIT', { max: USER_TOKENS_MAX })
    const token = await insertToken(tx, {
      name: input.name,
      role: role.role,
      councilId: role.councilId,
      secretHash: hashSecret(secret),
      createdBy: ctx.principal.label,
      createdAt: now,
      expiresAt: new Date(now.getTime() + input.days * 86_400_000),
      userId,
      userRoleId: role.id
    })
    await record({ action: 'create', entity: 'token', entityId: token.id, councilId: token.councilId, after: tokenView(token) })
    return { token: tokenView(token), secret }
  })
}

/** A user revokes one of their own tokens (another's is not found). */
export async function revokeOwnToken (ctx: WriteContext, userId: string, id: string): Promise<ApiToken> {
  const token = await findToken(ctx.db, id)
  if (!token || token.userId !== userId) throw fail('TOKEN_NOT_FOUND', { id })
  return revokeToken(ctx, id)
}
