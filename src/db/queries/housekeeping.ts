import { and, inArray, isNotNull, lt, or } from 'drizzle-orm'
import type { Db } from '../client.js'
import { apiTokens, feedTokens, notifications, sessions, signInLinks, withdrawnInvitations } from '../schema.js'

/** What one round of housekeeping removed. */
export interface Pruned { notifications: number, feedTokens: number, apiTokens: number, withdrawnInvitations: number, sessions: number }

/**
 * Removes what has ended before `before`: notices done with (sent, superseded, skipped, dead; the
 * pending and the ones still to retry stay), calendar links revoked or expired, API tokens revoked or
 * expired (the audit log keeps who did what by name, not by the token's row), and withdrawn
 * invitations' links withdrawn before `goneBefore` (until then they answer 410 Gone).
 */
export async function pruneEnded (db: Db, before: Date, goneBefore: Date): Promise<Pruned> {
  const [outbox, links, tokens, withdrawn, ended] = await Promise.all([
    db.delete(notifications)
      .where(and(inArray(notifications.status, ['sent', 'superseded', 'skipped', 'dead']), lt(notifications.updatedAt, before)))
      .returning({ id: notifications.id }),
    db.delete(feedTokens)
      .where(or(and(isNotNull(feedTokens.revokedAt), lt(feedTokens.revokedAt, before)), and(isNotNull(feedTokens.expiresAt), lt(feedTokens.expiresAt, before))))
      .returning({ id: feedTokens.id }),
    db.delete(apiTokens)
      .where(or(and(isNotNull(apiTokens.revokedAt), lt(apiTokens.revokedAt, before)), and(isNotNull(apiTokens.expiresAt), lt(apiTokens.expiresAt, before))))
      .returning({ id: apiTokens.id }),
    db.delete(withdrawnInvitations).where(lt(withdrawnInvitations.withdrawnAt, goneBefore)).returning({ hash: withdrawnInvitations.secretHash }),
    // Sessions that ended (signed out, or expired) and sign-in links past their few minutes.
    db.delete(sessions).where(or(and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, before)), lt(sessions.expiresAt, before))).returning({ id: sessions.id }),
    db.delete(signInLinks).where(lt(signInLinks.expiresAt, before)).returning({ hash: signInLinks.secretHash })
  ])
  return { notifications: outbox.length, feedTokens: links.length, apiTokens: tokens.length, withdrawnInvitations: withdrawn.length, sessions: ended.length }
}
