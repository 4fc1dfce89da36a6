import { and, eq } from 'drizzle-orm'
import { notifications } from '../db/schema.js'
import { fail } from '../domain/errors.js'
import { write, type WriteContext } from './write.js'

/**
 * Sends one notice again: back to pending, due now, attempts from zero (a dead one after its
 * address was corrected, or a sent one the person says never arrived). A superseded notice is about
 * a time or state that no longer holds: it is refused; the current one is in the list.
 */
export async function resendNotification (ctx: WriteContext, hearingId: string, notificationId: string) {
  return write(ctx, async ({ tx, now, record }) => {
    const [row] = await tx.select().from(notifications)
      .where(and(eq(notifications.id, notificationId), eq(notifications.hearingId, hearingId))).for('update')
    if (!row) throw fail('NOTIFICATION_NOT_FOUND', { notificationId, hearingId })
    if (row.status === 'superseded') throw fail('NOTIFICATION_SUPERSEDED')
    if (row.status === 'pending') return row
    const [after] = await tx.update(notifications)
      .set({ status: 'pending', attempts: 0, dueAt: now, lastError: null, leaseUntil: null, updatedAt: now })
      .where(eq(notifications.id, row.id)).returning()
    await record({ action: 'resend', entity: 'notification', entityId: row.id, councilId: row.councilId, before: row, after })
    return after!
  })
}
