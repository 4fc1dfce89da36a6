import { expireFeedTokens, insertFeedToken, liveFeedTokens, revokeFeedTokens } from '../db/queries/feeds.js'
import type { Person } from '../db/queries/people.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import { write, type WriteContext } from './write.js'

/**
 * A new private feed link for the person; the links they had keep working until `graceHours` from now,
 * so a calendar app not yet given the new link keeps its events. The secret is returned once.
 */
export async function rotateFeedLink (ctx: WriteContext, person: Person, graceHours: number) {
  const secret = generateSecret()
  const graceEnds = new Date(ctx.now.getTime() + graceHours * 3_600_000)
  const replaced = await write(ctx, async ({ tx, now, record }) => {
    const previous = await liveFeedTokens(tx, person.id, now)
    await expireFeedTokens(tx, person.id, graceEnds, now)
    const token = await insertFeedToken(tx, { personId: person.id, secretHash: hashSecret(secret), createdBy: ctx.principal.label, createdAt: now })
    await record({
      action: 'rotate',
      entity: 'feed_token',
      entityId: token.id,
      councilId: person.ownerCouncilId,
      after: { id: token.id, personId: person.id, previousLinks: previous.map((p) => p.id), previousLinksValidUntil: previous.length ? graceEnds : null }
    })
    return previous.length > 0
  })
  return { secret, previousLinksValidUntil: replaced ? graceEnds : null }
}

/** Ends every link of the person at once. */
export async function revokeFeedLinks (ctx: WriteContext, person: Person): Promise<number> {
  return write(ctx, async ({ tx, now, record }) => {
    const revoked = await revokeFeedTokens(tx, person.id, now)
    await record({ action: 'revoke', entity: 'feed_token', entityId: person.id, councilId: person.ownerCouncilId, after: { revoked } })
    return revoked
  })
}
