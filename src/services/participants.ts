import type { Db } from '../db/client.js'
import { isExclusionViolation } from '../db/errors.js'
import {
  deleteInvitationLinks, deleteParticipantRow, insertInvitationLink, findExplainerConflict, findParticipant, findParticipantByInvitation, insertParticipant, lockHearing,
  touchHearing, updateParticipantRow, type Hearing
} from '../db/queries/hearings.js'
import { fail, withDetails } from '../domain/errors.js'
import { blocksCalendar, explainerConflict, invitationsOpen, isSettled } from '../domain/hearings.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import { findPerson, markScheduleChanged } from '../db/queries/people.js'
import { planAnswerNotice, planContext, planNotices, planReminders, planRemoval, supersedePersonNotices } from '../notifications/plan.js'
import { write, type WriteContext } from './write.js'
import type { Principal } from '../domain/access.js'
import { canSeeHearingId } from '../policy/index.js'

async function lockOpenHearing (tx: Db, hearingId: string): Promise<Hearing> {
  const hearing = await lockHearing(tx, hearingId)
  if (!hearing) throw fail('HEARING_NOT_FOUND', { id: hearingId })
  if (!invitationsOpen(hearing.status)) throw fail('INVITATIONS_CLOSED')
  return hearing
}

/** Invites a person; returns the invitation link's secret once. An explainer may not be double-booked. */
export async function addParticipant (ctx: WriteContext & { principal: Principal }, hearingId: string, input: { personId: string, role: 'explainer' | 'attendee' | 'guest' }) {
  const secret = generateSecret()
  try {
    return await write(ctx, async ({ tx, now, record }) => {
      const hearing = await lockOpenHearing(tx, hearingId)
      const blocking = blocksCalendar(hearing.status) && input.role === 'explainer'
      if (blocking) {
        const conflict = await findExplainerConflict(tx, [input.personId], hearing.startsAt!, hearing.endsAt!, hearing.id)
        if (conflict) {
          const visible = await canSeeHearingId(tx, ctx.principal, conflict.id)
          throw withDetails(explainerConflict(conflict, visible), visible ? { conflictingHearingId: conflict.id } : {})
        }
      }
      const id = await insertParticipant(tx, {
        hearingId,
        personId: input.personId,
        role: input.role,
        invitationHash: hashSecret(secret),
        startsAt: hearing.startsAt,
        endsAt: hearing.endsAt,
        blocking,
        createdAt: now,
        updatedAt: now
      })
      const participant = (await findParticipant(tx, hearingId, id))!
      await touchHearing(tx, hearingId, now)
      // Invited to a scheduled hearing: the invitation goes out (planned here, sent after commit).
      if (hearing.status === 'scheduled') {
        const plan = await planContext(tx, hearing.councilId, ctx.quietHours)
        await planNotices(tx, plan, hearing, 'invitation', now, [id])
        await planReminders(tx, plan, hearing, now, { participantIds: [id] })
      }
      await record({ action: 'invite', entity: 'participant', entityId: id, councilId: hearing.councilId, after: participant })
      return { hearing, participant, secret }
    })
  } catch (error) {
    if (!isExclusionViolation(error)) throw error
    throw fail('EXPLAINER_BUSY_UNNAMED')
  }
}

export async function removeParticipant (ctx: WriteContext, hearingId: string, participantId: string) {
  return write(ctx, async ({ tx, now, record }) => {
    const hearing = await lockOpenHearing(tx, hearingId)
    const before = await findParticipant(tx, hearingId, participantId)
    if (!before) throw fail('PARTICIPANT_NOT_FOUND', { participantId, hearingId })
    if (hearing.status === 'scheduled' || hearing.status === 'postponed') {
      const plan = await planContext(tx, hearing.councilId, ctx.quietHours)
      await planRemoval(tx, plan, hearing, { id: before.id, personId: before.personId, email: (await findPerson(tx, before.personId))?.email ?? null }, now)
    }
    await supersedePersonNotices(tx, hearingId, before.personId, now)
    await deleteParticipantRow(tx, participantId)
    await markScheduleChanged(tx, before.personId, now)
    await touchHearing(tx, hearingId, now)
    await record({ action: 'uninvite', entity: 'participant', entityId: participantId, councilId: hearing.councilId, before })
  })
}

/** A new link for the invitation; the old one stops working at once. */
export async function renewInvitation (ctx: WriteContext, hearingId: string, participantId: string) {
  const secret = generateSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const hearing = await lockOpenHearing(tx, hearingId)
    const participant = await findParticipant(tx, hearingId, participantId)
    if (!participant) throw fail('PARTICIPANT_NOT_FOUND', { participantId, hearingId })
    await updateParticipantRow(tx, participantId, { invitationHash: hashSecret(secret) }, now)
    await deleteInvitationLinks(tx, participantId)
    await record({ action: 'renew_invitation', entity: 'participant', entityId: participantId, councilId: hearing.councilId })
    return { hearing, participant, secret }
  })
}

/**
 * Another link to an invitation, for one e-mail (the notification worker's): the links given before
 * keep working. Returns its secret.
 */
export async function addInvitationLink (ctx: WriteContext, participantId: string, councilId: string): Promise<string> {
  const secret = generateSecret()
  await write(ctx, async ({ tx, now, record }) => {
    await insertInvitationLink(tx, participantId, hashSecret(secret), now)
    await record({ action: 'add_invitation_link', entity: 'participant', entityId: participantId, councilId })
  })
  return secret
}

export async function findInvitation (db: Db, secret: string) {
  return findParticipantByInvitation(db, hashSecret(secret))
}

export interface InvitationAnswer {
  response: 'accepted' | 'declined' | 'delegated'
  substituteName?: string | undefined
  substitutePosition?: string | undefined
  reason?: string | undefined
}

/**
 * The invited person's answer, through the link: no account needed. The context's principal is
 * replaced by the invitation itself, which is who acts.
 */
export async function answerInvitation (ctx: Omit<WriteContext, 'principal'>, secret: string, answer: InvitationAnswer) {
  if (answer.response === 'delegated' && !(answer.substituteName && answer.substitutePosition)) {
    throw fail('DELEGATE_NEEDS_SUBSTITUTE')
  }
  if (answer.response !== 'delegated' && (answer.substituteName || answer.substitutePosition)) {
    throw fail('SUBSTITUTE_ONLY_WHEN_DELEGATED')
  }
  if (answer.response !== 'declined' && answer.reason) {
    throw fail('REASON_ONLY_WHEN_DECLINED')
  }
  const invitation = await findParticipantByInvitation(ctx.db, hashSecret(secret))
  if (!invitation) return undefined
  return write({ ...ctx, principal: { tokenId: null, label: `invitation:${invitation.id}` } }, async ({ tx, now, record }) => {
    const hearing = (await lockHearing(tx, invitation.hearingId))!
    // Read again under the hearing's lock: the link may have been renewed or withdrawn meanwhile.
    const participant = await findParticipantByInvitation(tx, hashSecret(secret))
    if (!participant) return undefined
    if (isSettled(hearing.status)) {
      throw fail('ANSWERS_CLOSED', { status: hearing.status })
    }
    await updateParticipantRow(tx, participant.id, {
      response: answer.response,
      substituteName: answer.substituteName ?? null,
      substitutePosition: answer.substitutePosition ?? null,
      responseReason: answer.reason ?? null,
      respondedAt: now
    }, now)
    const after = (await findParticipant(tx, participant.hearingId, participant.id))!
    await touchHearing(tx, participant.hearingId, now)
    // A declined or delegated invitation: the secretariat is told (an acceptance needs nothing of it).
    await planAnswerNotice(tx, await planContext(tx, hearing.councilId, ctx.quietHours), hearing, after, now)
    await record({ action: 'answer', entity: 'participant', entityId: participant.id, councilId: hearing.councilId, before: participant, after })
    return { hearing, participant: after }
  })
}
