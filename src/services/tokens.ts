import type { Db } from '../db/client.js'
import { recordAudit } from '../db/queries/audit.js'
import { findCouncil } from '../db/queries/councils.js'
import { findToken, insertToken, revokeTokenRow, tokenView, type ApiToken } from '../db/queries/tokens.js'
import type { Principal } from '../domain/access.js'
import { InvalidError, NotFoundError } from '../domain/errors.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import type { CreateToken } from '../schemas/tokens.js'

/** Used by POST /v1/tokens and by the offline CLI alike. The secret is returned once. */
export async function issueToken (db: Db, principal: Principal, input: CreateToken, requestId?: string) {
  if (input.role === 'admin' && input.councilId) {
    throw new InvalidError('An admin token has no councilId: admins act on every council. Remove councilId or choose role secretariat or supervisor.')
  }
  if (input.role !== 'admin' && !input.councilId) {
    throw new InvalidError(`A ${input.role} token needs councilId: the council it reads${input.role === 'secretariat' ? ' and writes' : ' (with its descendants)'}.`)
  }
  const secret = generateSecret()
  return db.transaction(async (tx) => {
    if (input.councilId && !(await findCouncil(tx, input.councilId))) {
      throw new InvalidError(`councilId ${input.councilId} does not name an existing council.`)
    }
    const token = await insertToken(tx, {
      name: input.name,
      role: input.role,
      councilId: input.councilId ?? null,
      secretHash: hashSecret(secret),
      createdBy: principal.label,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null
    })
    await recordAudit(tx, {
      principal, action: 'create', entity: 'token', entityId: token.id, councilId: token.councilId, after: tokenView(token), requestId
    })
    return { token: tokenView(token), secret }
  })
}

export async function revokeToken (db: Db, principal: Principal, id: string, now: Date, requestId?: string): Promise<ApiToken> {
  return db.transaction(async (tx) => {
    const before = await findToken(tx, id)
    if (!before) throw new NotFoundError(`No token with id ${id}.`)
    const revoked = await revokeTokenRow(tx, id, now)
    // Revoking twice is harmless: the first revocation stands.
    if (!revoked) return before
    await recordAudit(tx, {
      principal, action: 'revoke', entity: 'token', entityId: id, councilId: revoked.councilId,
      before: tokenView(before), after: tokenView(revoked), requestId
    })
    return revoked
  })
}
