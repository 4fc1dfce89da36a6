import { findCouncil } from '../db/queries/councils.js'
import { findToken, insertToken, revokeTokenRow, tokenView, type ApiToken } from '../db/queries/tokens.js'
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
