import { countActionsSince } from '../db/queries/audit.js'
import { lockHearingNotification, markNotification } from '../db/queries/notifications.js'
import type { Db } from '../db/client.js'
import { fail } from '../domain/errors.js'
import type { WorkerWrites } from '../notifications/worker.js'
import { disableGoneEndpoint } from './notification-settings.js'
import { answerFromCalendar, invitationMailLink } from './participants.js'
import type { Sealing } from '../domain/sealing.js'
import { write, type Change, type WriteContext } from './write.js'
import type { AnswerWrites } from '../notifications/mailbox.js'

/** A notice is sent again at most this often an hour (each resend is a new e-mail). */
export const MAX_RESENDS_PER_HOUR = 3

/**
 * Sends one notice again: back to pending, due now, attempts from zero (a dead one after its
 * address was corrected, or a sent one the person says never arrived). A superseded notice is about
 * a time or state that no longer holds: it is refused; the current one is in the list.
 */
export async function resendNotification (ctx: WriteContext, hearingId: string, notificationId: string) {
  return write(ctx, async ({ tx, now, record }) => {
    const row = await lockHearingNotification(tx, hearingId, notificationId)
    if (!row) throw fail('NOTIFICATION_NOT_FOUND', { notificationId, hearingId })
    if (row.status === 'superseded') throw fail('NOTIFICATION_SUPERSEDED')
    if (row.status === 'pending') return row
    if (await countActionsSince(tx, 'notification', row.id, 'resend', new Date(now.getTime() - 3_600_000)) >= MAX_RESENDS_PER_HOUR) {
      throw fail('RESEND_LIMIT', { max: MAX_RESENDS_PER_HOUR })
    }
    const after = await markNotification(tx, row.id, { status: 'pending', attempts: 0, dueAt: now, lastError: null }, now)
    await record({ action: 'resend', entity: 'notification', entityId: row.id, councilId: row.councilId, before: row, after })
    return after!
  })
}

/** Who the audit log names for what the notification worker writes. */
const WORKER = { tokenId: null, label: 'notification worker' }

/** The worker's writes, through the one write path with their audit rows. */
export function workerWrites (db: Db, now: () => Date, keys: Sealing | undefined): WorkerWrites {
  const ctx = () => ({ db, principal: WORKER, now: now() })
  return {
    invitationLink: (participantId, councilId) => invitationMailLink(ctx(), keys, participantId, councilId),
    async disableGoneEndpoint (endpointId, notification) {
      return (await disableGoneEndpoint(ctx(), endpointId, notification))?.disabledReason ?? undefined
    }
  }
}

/** The answers mailbox's write: a calendar reply recorded by the invitation page's own service. */
export function answerWrites (db: Db, now: () => Date, options: { quietHours?: string | undefined, announce?: (changes: Change[]) => void }): AnswerWrites {
  return {
    recordCalendarAnswer: (reply) => answerFromCalendar({ db, now: now(), quietHours: options.quietHours, announce: options.announce }, {
      hearingId: reply.hearingId,
      uid: reply.uid,
      sequence: reply.sequence,
      attendeeEmail: reply.attendee.email,
      partstat: reply.partstat,
      answer: reply.answer,
      comment: reply.comment,
      delegate: reply.delegate
    })
  }
}
