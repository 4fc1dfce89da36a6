import type { Db } from '../db/client.js'
import { isExclusionViolation } from '../db/errors.js'
import {
  deleteInvitationLinks, deleteMailLink, deleteParticipantRow, findMailLink, findWithdrawnLink, insertMailLink, recordWithdrawnLinks, insertInvitationLink, findExplainerConflict, findParticipant, findParticipantByEmail, findParticipantByInvitation, findParticipantOfPerson, insertParticipant, lockHearing,
  touchHearing, updateParticipantRow, type Hearing
} from '../db/queries/hearings.js'
import { fail, withDetails } from '../domain/errors.js'
import { blocksCalendar, explainerConflict, invitationsOpen, isSettled } from '../domain/hearings.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import type { Sealing } from '../domain/sealing.js'
import { findOwnPersonByEmail, findPerson, insertPerson, markScheduleChanged } from '../db/queries/people.js'
import { planAnswerNotice, planContext, planNotices, planReminders, planRemoval, supersedePersonNotices } from '../notifications/plan.js'
import { write, type WriteContext, type Writer } from './write.js'
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
    await recordWithdrawnLinks(tx, before, now)
    await deleteParticipantRow(tx, participantId)
    await markScheduleChanged(tx, before.personId, now)
    await touchHearing(tx, hearingId, now)
    await record({ action: 'uninvite', entity: 'participant', entityId: participantId, councilId: hearing.councilId, before })
  })
}

/**
 * Another role for an invitation (an attendee who will explain after all, an explainer kept as a
 * guest): an explainer's calendar is then blocked at the hearing's time, refused if it is taken.
 * The person keeps their link and answer; audited.
 */
export async function changeParticipantRole (ctx: WriteContext & { principal: Principal }, hearingId: string, participantId: string, role: 'explainer' | 'attendee' | 'guest') {
  try {
    return await write(ctx, async ({ tx, now, record }) => {
      const hearing = await lockOpenHearing(tx, hearingId)
      const before = await findParticipant(tx, hearingId, participantId)
      if (!before) throw fail('PARTICIPANT_NOT_FOUND', { participantId, hearingId })
      if (before.role === role) return before
      const blocking = blocksCalendar(hearing.status) && role === 'explainer'
      if (blocking) {
        const conflict = await findExplainerConflict(tx, [before.personId], hearing.startsAt!, hearing.endsAt!, hearing.id)
        if (conflict) {
          const visible = await canSeeHearingId(tx, ctx.principal, conflict.id)
          throw withDetails(explainerConflict(conflict, visible), visible ? { conflictingHearingId: conflict.id } : {})
        }
      }
      await updateParticipantRow(tx, participantId, { role, blocking, startsAt: hearing.startsAt, endsAt: hearing.endsAt }, now)
      await touchHearing(tx, hearingId, now)
      const after = (await findParticipant(tx, hearingId, participantId))!
      await record({ action: 'change_role', entity: 'participant', entityId: participantId, councilId: hearing.councilId, before, after })
      return after
    })
  } catch (error) {
    if (!isExclusionViolation(error)) throw error
    throw fail('EXPLAINER_BUSY_UNNAMED')
  }
}

/**
 * The secretariat invites the substitute an official named when delegating (from the page or a
 * calendar reply, without an address): at the address the secretariat gives, as the answer itself
 * does when it carries one. Already invited: nothing changes.
 */
export async function inviteSubstituteOf (ctx: WriteContext, hearingId: string, participantId: string, input: { email: string, position?: string | undefined }) {
  return write(ctx, async (writer) => {
    const hearing = await lockOpenHearing(writer.tx, hearingId)
    const delegator = await findParticipant(writer.tx, hearingId, participantId)
    if (!delegator) throw fail('PARTICIPANT_NOT_FOUND', { participantId, hearingId })
    if (delegator.response !== 'delegated' || !delegator.substituteName) throw fail('NO_SUBSTITUTE_NAMED')
    const plan = await planContext(writer.tx, hearing.councilId, ctx.quietHours)
    await inviteSubstitute(writer, plan, hearing, delegator, { fullName: delegator.substituteName, position: input.position ?? delegator.substitutePosition ?? null, email: input.email })
    await touchHearing(writer.tx, hearingId, writer.now)
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

/**
 * The invitation's link for the e-mails and webhooks about it: with SECRET_KEY one link, made at the
 * first message and kept sealed, so every message, retry and resend carries the same one until the
 * invitation is renewed; without a key (nothing to keep it with) a link per message.
 */
export async function invitationMailLink (ctx: WriteContext, keys: Sealing | undefined, participantId: string, councilId: string): Promise<string> {
  if (!keys) return addInvitationLink(ctx, participantId, councilId)
  const open = (sealed: string | null): string | undefined => {
    if (!sealed) return undefined
    try {
      return keys.unseal(sealed)
    } catch {
      return undefined
    }
  }
  const known = open(await findMailLink(ctx.db, participantId))
  if (known) return known
  const secret = generateSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const stale = await findMailLink(tx, participantId)
    if (stale && !open(stale)) await deleteMailLink(tx, participantId)
    if (!(await insertMailLink(tx, participantId, hashSecret(secret), keys.seal(secret), now))) {
      // Another worker made it meanwhile (a webhook and an e-mail about the same invitation): theirs.
      const theirs = open(await findMailLink(tx, participantId))
      if (theirs) return theirs
      throw new Error(`the e-mail link of invitation ${participantId} could not be read`)
    }
    await record({ action: 'add_invitation_link', entity: 'participant', entityId: participantId, councilId })
    return secret
  })
}

export async function findInvitation (db: Db, secret: string) {
  return findParticipantByInvitation(db, hashSecret(secret))
}

/** A link of an invitation the secretariat withdrew: which hearing, whose, since when. */
export async function findWithdrawnInvitation (db: Db, secret: string) {
  return findWithdrawnLink(db, hashSecret(secret))
}

export interface InvitationAnswer {
  response: 'accepted' | 'declined' | 'delegated'
  substituteName?: string | undefined
  substitutePosition?: string | undefined
  /** With delegated: the substitute's address; they are then invited themselves (their own link and e-mail). */
  substituteEmail?: string | undefined
  reason?: string | undefined
}

function checkAnswer (answer: InvitationAnswer, positionRequired: boolean): void {
  if (answer.response === 'delegated' && !(answer.substituteName && (answer.substitutePosition || !positionRequired))) {
    throw fail('DELEGATE_NEEDS_SUBSTITUTE')
  }
  if (answer.response !== 'delegated' && (answer.substituteName || answer.substitutePosition || answer.substituteEmail)) {
    throw fail('SUBSTITUTE_ONLY_WHEN_DELEGATED')
  }
  if (answer.response !== 'declined' && answer.reason) {
    throw fail('REASON_ONLY_WHEN_DECLINED')
  }
}

type ParticipantRow = NonNullable<Awaited<ReturnType<typeof findParticipant>>>

/**
 * An answer recorded, however it came (the invitation page or API, a calendar reply): the row, the
 * substitute invited when their address is given, the secretariat's notice, the audit row.
 */
async function applyAnswer (ctx: { quietHours?: string | undefined }, { tx, now, record }: Writer, hearing: Hearing, participant: ParticipantRow, answer: InvitationAnswer, via: 'link' | 'calendar') {
  await updateParticipantRow(tx, participant.id, {
    response: answer.response,
    substituteName: answer.substituteName ?? null,
    substitutePosition: answer.substitutePosition ?? null,
    responseReason: answer.reason ?? null,
    respondedAt: now
  }, now)
  const after = (await findParticipant(tx, participant.hearingId, participant.id))!
  await touchHearing(tx, participant.hearingId, now)
  const plan = await planContext(tx, hearing.councilId, ctx.quietHours)
  // A declined or delegated invitation: the secretariat is told (an acceptance needs nothing of it).
  await planAnswerNotice(tx, plan, hearing, after, now)
  await record({ action: 'answer', entity: 'participant', entityId: participant.id, councilId: hearing.councilId, before: participant, after: { ...after, via } })
  if (answer.response === 'delegated' && answer.substituteEmail) {
    await inviteSubstitute({ tx, now, record }, plan, hearing, after, { fullName: answer.substituteName!, position: answer.substitutePosition ?? null, email: answer.substituteEmail })
  }
  return after
}

/**
 * The substitute named with an address becomes an invitee of their own (the delegator's role, their
 * own link, the invitation e-mailed to them): a person the council registered with that address, or
 * one registered now. Already invited: nothing changes. An explainer whose time is taken elsewhere is
 * invited without blocking their calendar (the secretariat sees both).
 */
async function inviteSubstitute ({ tx, now, record }: Writer, plan: Awaited<ReturnType<typeof planContext>>, hearing: Hearing, delegator: ParticipantRow, substitute: { fullName: string, position: string | null, email: string }) {
  let person = await findOwnPersonByEmail(tx, hearing.councilId, substitute.email)
  if (!person) {
    const delegatorPerson = await findPerson(tx, delegator.personId)
    person = await insertPerson(tx, {
      fullName: substitute.fullName,
      position: substitute.position,
      email: substitute.email,
      kind: delegatorPerson?.kind ?? 'official',
      organization: delegatorPerson?.organization ?? null,
      locale: delegatorPerson?.locale ?? 'vi',
      ownerCouncilId: hearing.councilId,
      createdAt: now,
      updatedAt: now
    })
    await record({ action: 'create', entity: 'person', entityId: person.id, councilId: hearing.councilId, after: { ...person, via: 'delegation' } })
  }
  if (await findParticipantOfPerson(tx, hearing.id, person.id)) return
  const timed = blocksCalendar(hearing.status) && delegator.role === 'explainer'
  const blocking = timed && !(await findExplainerConflict(tx, [person.id], hearing.startsAt!, hearing.endsAt!, hearing.id))
  const id = await insertParticipant(tx, {
    hearingId: hearing.id,
    personId: person.id,
    role: delegator.role,
    // Their link is the one their e-mail carries (the secretariat may renew it to get one to pass on).
    invitationHash: hashSecret(generateSecret()),
    startsAt: hearing.startsAt,
    endsAt: hearing.endsAt,
    blocking,
    createdAt: now,
    updatedAt: now
  })
  if (hearing.status === 'scheduled') {
    await planNotices(tx, plan, hearing, 'invitation', now, [id])
    await planReminders(tx, plan, hearing, now, { participantIds: [id] })
  }
  await markScheduleChanged(tx, person.id, now)
  await record({ action: 'invite', entity: 'participant', entityId: id, councilId: hearing.councilId, after: { ...(await findParticipant(tx, hearing.id, id)), delegatedBy: delegator.id } })
}

/**
 * The invited person's answer, through the link: no account needed. The context's principal is
 * replaced by the invitation itself, which is who acts.
 */
export async function answerInvitation (ctx: Omit<WriteContext, 'principal'>, secret: string, answer: InvitationAnswer) {
  checkAnswer(answer, true)
  const invitation = await findParticipantByInvitation(ctx.db, hashSecret(secret))
  if (!invitation) return undefined
  return write({ ...ctx, principal: { tokenId: null, label: `invitation:${invitation.id}` } }, async (writer) => {
    const hearing = (await lockHearing(writer.tx, invitation.hearingId))!
    // Read again under the hearing's lock: the link may have been renewed or withdrawn meanwhile.
    const participant = await findParticipantByInvitation(writer.tx, hashSecret(secret))
    if (!participant) return undefined
    if (isSettled(hearing.status)) {
      throw fail('ANSWERS_CLOSED', { status: hearing.status })
    }
    return { hearing, participant: await applyAnswer(ctx, writer, hearing, participant, answer, 'link') }
  })
}

/** A calendar reply (iTIP REPLY read from the answers mailbox), as the service knows it. */
export interface CalendarAnswerInput {
  hearingId: string | null
  uid: string
  sequence: number
  attendeeEmail: string
  partstat: string
  answer: 'accepted' | 'declined' | 'delegated' | null
  comment: string | null
  delegate: { email: string, name: string | null } | null
}

export type CalendarAnswerOutcome = { outcome: 'recorded' } | { outcome: 'unchanged' } | { outcome: 'ignored', reason: string }

/**
 * An answer given in a calendar (Yes / No / Maybe in Gmail, Outlook, Apple Mail), matched by the
 * event's UID and the attendee's address to the invitation, and recorded as the invitation page
 * records one: ACCEPTED, DECLINED (the COMMENT as the reason), DELEGATED (the delegate as the
 * substitute, invited when their address is given). A reply to an older SEQUENCE than the
 * hearing's (the time has changed since) is ignored, as is a tentative answer (the service has
 * none), and one that would change nothing is not recorded again.
 */
export async function answerFromCalendar (ctx: Omit<WriteContext, 'principal'>, reply: CalendarAnswerInput): Promise<CalendarAnswerOutcome> {
  const ignored = (reason: string): CalendarAnswerOutcome => ({ outcome: 'ignored', reason })
  if (!reply.hearingId) return ignored(`UID ${reply.uid.slice(0, 200)} is not one of this service's hearings`)
  if (!reply.answer) return ignored(`PARTSTAT ${reply.partstat.slice(0, 40)} is not an answer the service records (accepted, declined, delegated)`)
  const invitation = await findParticipantByEmail(ctx.db, reply.hearingId, reply.attendeeEmail)
  if (!invitation) return ignored(`nobody is invited to hearing ${reply.hearingId} at ${reply.attendeeEmail}`)
  const answer: InvitationAnswer = reply.answer === 'declined'
    ? { response: 'declined', ...(reply.comment ? { reason: reply.comment } : {}) }
    : reply.answer === 'delegated'
      ? { response: 'delegated', substituteName: (reply.delegate?.name ?? reply.delegate?.email ?? '').slice(0, 200), ...(reply.delegate ? { substituteEmail: reply.delegate.email } : {}) }
      : { response: 'accepted' }
  if (answer.response === 'delegated' && !answer.substituteName) return ignored('a delegation that names nobody (no DELEGATED-TO)')
  return write({ ...ctx, principal: { tokenId: null, label: `calendar:${invitation.id}` } }, async (writer) => {
    const hearing = await lockHearing(writer.tx, reply.hearingId!)
    const participant = hearing && await findParticipantByEmail(writer.tx, hearing.id, reply.attendeeEmail)
    if (!hearing || !participant) return ignored(`nobody is invited to hearing ${reply.hearingId} at ${reply.attendeeEmail}`)
    if (reply.sequence < hearing.sequence) return ignored(`an answer to SEQUENCE ${reply.sequence}, older than the hearing's ${hearing.sequence}: the time or place changed since`)
    if (isSettled(hearing.status)) return ignored(`the hearing is ${hearing.status}: answers are closed`)
    const same = participant.response === answer.response && (participant.responseReason ?? undefined) === answer.reason &&
      (participant.substituteName ?? undefined) === answer.substituteName
    if (same) return { outcome: 'unchanged' }
    await applyAnswer(ctx, writer, hearing, participant, answer, 'calendar')
    return { outcome: 'recorded' }
  })
}
