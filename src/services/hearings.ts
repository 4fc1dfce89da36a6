import { DateTime } from 'luxon'
import type { Db } from '../db/client.js'
import { isExclusionViolation } from '../db/errors.js'
import { findCouncil, type Council } from '../db/queries/councils.js'
import {
  explainerIds, findCouncilConflict, findExplainerConflict, insertHearing, lockHearing, recordTransition, resetAnswers,
  syncParticipantTimes, updateHearingRow, type Hearing, type NewHearing
} from '../db/queries/hearings.js'
import type { Principal } from '../domain/access.js'
import type { OfficeHours, ScheduleWarning } from '../domain/calendar.js'
import { canSeeHearingId } from '../policy/index.js'
import {
  ConflictError, InvalidError, NotFoundError, PreconditionFailedError, PreconditionRequiredError, UnprocessableError, withDetails
} from '../domain/errors.js'
import {
  allowedActions, blocksCalendar, explainerConflictMessage, nextStatus, SIGNIFICANT_FIELDS, timeBoundsProblem, type HearingAction
} from '../domain/hearings.js'
import type { CreateHearing, UpdateHearing } from '../schemas/hearings.js'
import { warningsFor } from './calendar.js'
import { planContext, planNotices, planRecordNotices, planReminders, supersedeNotices } from '../notifications/plan.js'
import { write, type Writer, type WriteContext } from './write.js'

export interface HearingContext extends WriteContext {
  /** Who writes, in full: a conflict names another hearing only if this caller may see it. */
  principal: Principal
  officeHours: OfficeHours
}

interface Attempt { councilId: string, hearingId?: string, startsAt: Date, endsAt: Date }

/** A 409 that names the hearing in the way: the council's own, or one of an explainer's. */
async function conflictError (db: Db, principal: Principal, attempt: Attempt, explainers: string[]) {
  const council = await findCouncilConflict(db, attempt.councilId, attempt.startsAt, attempt.endsAt, attempt.hearingId)
  if (council) {
    return withDetails(new ConflictError(`The council already has a hearing at that time: "${council.title}" (${council.id}). Choose another time.`),
      { conflictingHearingId: council.id })
  }
  const explainer = await findExplainerConflict(db, explainers, attempt.startsAt, attempt.endsAt, attempt.hearingId)
  if (explainer) {
    const visible = await canSeeHearingId(db, principal, explainer.id)
    return withDetails(new ConflictError(explainerConflictMessage(explainer, visible)),
      { ...(visible ? { conflictingHearingId: explainer.id } : {}), personId: explainer.personId })
  }
  return undefined
}

/**
 * Runs a write that may occupy calendar time. Checks first, for a clear message; the exclusion
 * constraints decide races, and their violation becomes the same 409 after the rollback.
 */
async function occupying<T> (ctx: HearingContext, attempt: () => Attempt | undefined, work: (writer: Writer) => Promise<T>): Promise<T> {
  try {
    return await write(ctx, work)
  } catch (error) {
    const tried = attempt()
    if (!tried || !isExclusionViolation(error)) throw error
    const explainers = tried.hearingId ? await explainerIds(ctx.db, tried.hearingId) : []
    throw (await conflictError(ctx.db, ctx.principal, tried, explainers)) ?? new ConflictError('That time conflicts with another hearing; choose another time.')
  }
}

function parseTimes (startsAt: string | undefined, endsAt: string | undefined, now: Date): { startsAt: Date, endsAt: Date } | undefined {
  if (startsAt === undefined && endsAt === undefined) return undefined
  if (startsAt === undefined || endsAt === undefined) {
    throw new InvalidError('startsAt and endsAt go together: give both, as ISO 8601 date-times with an offset.')
  }
  const times = { startsAt: new Date(startsAt), endsAt: new Date(endsAt) }
  for (const [name, value] of [['startsAt', startsAt], ['endsAt', endsAt]] as const) {
    // The format admits a leap second (23:59:60), which no clock here can store.
    if (Number.isNaN(times[name].getTime())) throw new InvalidError(`${name} (${value}) is not a time that can be stored; a leap second (:60) cannot be, use :59.`)
  }
  if (!(times.endsAt > times.startsAt)) throw new UnprocessableError(`endsAt (${endsAt}) must be after startsAt (${startsAt}).`)
  const problem = timeBoundsProblem(times, now)
  if (problem) throw new UnprocessableError(problem)
  return times
}

function checkCouncilExists (council: Council, startsAt: Date) {
  const day = DateTime.fromJSDate(startsAt, { zone: council.timezone }).toISODate()!
  if (day < council.activeFrom || (council.activeTo !== null && day > council.activeTo)) {
    throw new UnprocessableError(`${council.name} exists from ${council.activeFrom} to ${council.activeTo ?? 'now'}; it cannot hold a hearing on ${day}.`)
  }
}

/** Warnings for a time; with a strict council, too-short notice is refused instead. */
async function checkSchedule (ctx: HearingContext, tx: Db, council: Council, startsAt: Date, endsAt: Date): Promise<ScheduleWarning[]> {
  checkCouncilExists(council, startsAt)
  const warnings = await warningsFor(tx, { startsAt, endsAt, zone: council.timezone, now: ctx.now, officeHours: ctx.officeHours })
  const notice = warnings.find((w) => w.code === 'notice_too_short' || w.code === 'in_the_past')
  if (notice && council.strictNotice) {
    throw withDetails(new UnprocessableError(`${notice.message} ${council.name} requires the full notice period.`), { warnings: [notice] })
  }
  return warnings
}

async function precheck (tx: Db, principal: Principal, attempt: Attempt, explainers: string[]) {
  const conflict = await conflictError(tx, principal, attempt, explainers)
  if (conflict) throw conflict
}

function changedSignificantly (before: Hearing, after: Partial<NewHearing>): boolean {
  return SIGNIFICANT_FIELDS.some((field) => {
    if (!(field in after)) return false
    const [a, b] = [before[field], after[field]]
    return a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime() !== (b as Date | null)?.getTime() : a !== b
  })
}

/** Writes the change with its sequence and revision, keeps the explainers' copies in step, audits it. */
async function saveChange (ctx: HearingContext, { tx, now, record }: Writer, before: Hearing, changes: Partial<NewHearing>, action: string, reason: string | null) {
  const significant = changedSignificantly(before, changes)
  const after = await updateHearingRow(tx, before.id, {
    ...changes,
    sequence: before.sequence + (significant ? 1 : 0),
    revision: before.revision + 1
  }, now)
  await syncParticipantTimes(tx, after, blocksCalendar(after.status))
  if (after.status !== before.status || after.startsAt?.getTime() !== before.startsAt?.getTime() || after.endsAt?.getTime() !== before.endsAt?.getTime()) {
    await recordTransition(tx, {
      hearingId: after.id,
      action,
      fromStatus: before.status,
      toStatus: after.status,
      reason,
      startsAt: after.startsAt,
      endsAt: after.endsAt,
      actor: ctx.principal.label,
      at: now
    })
  }
  await planForChange(tx, before, after, significant, now, ctx.quietHours)
  await record({ action, entity: 'hearing', entityId: after.id, councilId: after.councilId, before, after })
  return after
}

/**
 * What the invited people are told of a change, planned in its transaction (see notifications/plan):
 * scheduled, an invitation; a change of time, place or title, an update (answers given for another
 * time go back to pending: they are asked to confirm again); postponed or cancelled, a notice that says so.
 */
async function planForChange (tx: Db, before: Hearing, after: Hearing, significant: boolean, now: Date, quietHours: string | undefined): Promise<void> {
  if (after.status === before.status && !significant) return
  await supersedeNotices(tx, after, now)
  const plan = await planContext(tx, after.councilId, quietHours)
  if (after.status === 'cancelled' && (before.status === 'scheduled' || before.status === 'postponed')) {
    await planNotices(tx, plan, after, 'cancellation', now)
  } else if (after.status === 'postponed' && before.status === 'scheduled') {
    await planNotices(tx, plan, after, 'postponement', now)
  } else if (after.status === 'scheduled' && before.status !== 'scheduled') {
    await planNotices(tx, plan, after, 'invitation', now)
    await planReminders(tx, plan, after, now)
    await planRecordNotices(tx, plan, after, now)
  } else if (after.status === 'scheduled' && significant) {
    if (after.startsAt?.getTime() !== before.startsAt?.getTime() || after.endsAt?.getTime() !== before.endsAt?.getTime()) {
      await resetAnswers(tx, after.id, now)
    }
    await planNotices(tx, plan, after, 'update', now)
    await planReminders(tx, plan, after, now)
    await planRecordNotices(tx, plan, after, now)
  } else if (after.status === 'held' && before.status !== 'held') {
    // The secretariat is told if the conclusion notice is still missing after the set time.
    await planRecordNotices(tx, plan, after, now)
  }
}

/** `id` is for the demo's fixed ids only; the API never passes it. */
export async function createHearing (ctx: HearingContext, input: CreateHearing & { id?: string }): Promise<{ hearing: Hearing, warnings: ScheduleWarning[] }> {
  const status = input.status ?? 'draft'
  const times = parseTimes(input.startsAt, input.endsAt, ctx.now)
  if (status !== 'draft' && !times) throw new InvalidError(`A ${status} hearing needs startsAt and endsAt.`)
  if (status === 'held') {
    if (!input.outcome) throw new InvalidError('A hearing created as held needs its outcome (summary at least).')
    if (times!.startsAt > ctx.now) throw new UnprocessableError('Only a hearing that has started can be recorded as held; schedule a future one instead.')
  } else if (input.outcome) {
    throw new InvalidError('outcome goes only with status "held"; record it later with POST /v1/hearings/{id}/outcome.')
  }
  return occupying(ctx, () => times && { councilId: input.councilId, ...times }, async ({ tx, now, record }) => {
    const council = await findCouncil(tx, input.councilId)
    if (!council) throw new NotFoundError(`No council with id ${input.councilId}.`)
    let warnings: ScheduleWarning[] = []
    if (times) {
      if (status === 'scheduled') warnings = await checkSchedule(ctx, tx, council, times.startsAt, times.endsAt)
      else checkCouncilExists(council, times.startsAt)
      if (blocksCalendar(status)) await precheck(tx, ctx.principal, { councilId: council.id, ...times }, [])
    }
    const hearing = await insertHearing(tx, {
      ...(input.id ? { id: input.id } : {}),
      councilId: council.id,
      title: input.title,
      description: input.description ?? '',
      location: input.location ?? null,
      visibility: input.visibility ?? 'public',
      status,
      startsAt: times?.startsAt ?? null,
      endsAt: times?.endsAt ?? null,
      outcome: input.outcome ? { delegatesPresent: null, conclusionText: null, conclusionIssuedOn: null, ...input.outcome } : null,
      createdAt: now,
      updatedAt: now
    })
    await recordTransition(tx, {
      hearingId: hearing.id,
      action: 'create',
      fromStatus: null,
      toStatus: status,
      reason: null,
      startsAt: hearing.startsAt,
      endsAt: hearing.endsAt,
      actor: ctx.principal.label,
      at: now
    })
    if (hearing.status === 'scheduled' || hearing.status === 'held') {
      // Nobody is invited yet: the council's members get their reminders, the secretariat its overdue notices.
      const plan = await planContext(tx, council.id, ctx.quietHours)
      await planReminders(tx, plan, hearing, now)
      await planRecordNotices(tx, plan, hearing, now)
    }
    await record({ action: 'create', entity: 'hearing', entityId: hearing.id, councilId: council.id, after: hearing })
    return { hearing, warnings }
  })
}

/** If-Match: the client's ETag must be the hearing's current one. */
function checkPrecondition (ifMatch: string | undefined, currentTag: string) {
  if (ifMatch === undefined) {
    throw new PreconditionRequiredError('Changing a hearing needs If-Match with its ETag (from GET /v1/hearings/{id}), so that no one\'s change is lost.')
  }
  const tags = ifMatch.split(',').map((tag) => tag.trim())
  if (!tags.includes('*') && !tags.includes(currentTag)) {
    throw withDetails(new PreconditionFailedError(
      `The hearing has changed since you read it (its ETag is now ${currentTag}). Read it again, then re-apply your change.`), { currentETag: currentTag })
  }
}

export async function updateHearing (
  ctx: HearingContext, id: string, input: UpdateHearing, ifMatch: string | undefined, etagOf: (h: Hearing) => string
): Promise<{ hearing: Hearing, warnings: ScheduleWarning[] }> {
  let attempt: Attempt | undefined
  return occupying(ctx, () => attempt, async (writer) => {
    const { tx } = writer
    const before = await lockHearing(tx, id)
    if (!before) throw new NotFoundError(`No hearing with id ${id}.`)
    checkPrecondition(ifMatch, etagOf(before))
    const { reason, startsAt, endsAt, ...fields } = input
    const times = parseTimes(startsAt, endsAt, ctx.now)
    const timeChanges = times && (times.startsAt.getTime() !== before.startsAt?.getTime() || times.endsAt.getTime() !== before.endsAt?.getTime())
    if (before.status === 'cancelled') throw withDetails(new ConflictError('A cancelled hearing cannot be changed.'), { allowed: [] })
    let warnings: ScheduleWarning[] = []
    let action = 'update'
    if (timeChanges) {
      if (before.status === 'postponed') {
        throw withDetails(new ConflictError('A postponed hearing gets its new time through POST /v1/hearings/{id}/schedule.'), { allowed: allowedActions(before.status) })
      }
      if (before.status === 'held') throw withDetails(new ConflictError('The time of a held hearing is history and cannot change.'), { allowed: allowedActions(before.status) })
      const council = (await findCouncil(tx, before.councilId))!
      if (before.status === 'scheduled') {
        if (!reason) throw new InvalidError('Moving a scheduled hearing is a reschedule: give a reason, which is kept in its history.')
        action = 'reschedule'
        attempt = { councilId: before.councilId, hearingId: before.id, ...times }
        warnings = await checkSchedule(ctx, tx, council, times.startsAt, times.endsAt)
        await precheck(tx, ctx.principal, attempt, await explainerIds(tx, before.id))
      } else {
        checkCouncilExists(council, times.startsAt)
      }
    }
    const hearing = await saveChange(ctx, writer, before, { ...fields, ...(timeChanges ? times : {}) }, action, reason ?? null)
    return { hearing, warnings }
  })
}

export interface ActionInput {
  startsAt?: string | undefined
  endsAt?: string | undefined
  reason?: string | undefined
  outcome?: { summary: string, delegatesPresent?: number | null, conclusionText?: string | null, conclusionIssuedOn?: string | null } | undefined
}

/**
 * schedule, postpone, cancel, outcome: any other move is a 409 naming the allowed ones.
 * With `ifMatch` (the client's If-Match), the hearing must still be the one the client read (412 otherwise);
 * without it the move is checked against the current state only.
 */
export async function applyAction (
  ctx: HearingContext, id: string, action: HearingAction, input: ActionInput, ifMatch?: { header: string, etagOf: (h: Hearing) => string }
): Promise<{ hearing: Hearing, warnings: ScheduleWarning[] }> {
  let attempt: Attempt | undefined
  return occupying(ctx, () => attempt, async (writer) => {
    const { tx } = writer
    const before = await lockHearing(tx, id)
    if (!before) throw new NotFoundError(`No hearing with id ${id}.`)
    if (ifMatch) checkPrecondition(ifMatch.header, ifMatch.etagOf(before))
    const status = nextStatus(before.status, action)
    if (!status) {
      const allowed = allowedActions(before.status)
      throw withDetails(new ConflictError(`A ${before.status} hearing cannot take the action "${action}". Allowed: ${allowed.length ? allowed.join(', ') : 'none'}.`), { allowed })
    }
    let warnings: ScheduleWarning[] = []
    let changes: Partial<NewHearing> = { status }
    if (action === 'schedule') {
      const times = parseTimes(input.startsAt, input.endsAt, ctx.now) ??
        (before.startsAt && before.endsAt ? { startsAt: before.startsAt, endsAt: before.endsAt } : undefined)
      if (!times) throw new InvalidError('Scheduling needs a time: give startsAt and endsAt.')
      const council = (await findCouncil(tx, before.councilId))!
      attempt = { councilId: before.councilId, hearingId: before.id, ...times }
      warnings = await checkSchedule(ctx, tx, council, times.startsAt, times.endsAt)
      await precheck(tx, ctx.principal, attempt, await explainerIds(tx, before.id))
      changes = { ...changes, ...times }
    } else if (action === 'postpone') {
      changes = { ...changes, startsAt: null, endsAt: null }
    } else if (action === 'outcome') {
      if (before.startsAt! > ctx.now) {
        throw withDetails(new ConflictError(`The hearing starts at ${before.startsAt!.toISOString()}: its outcome can be recorded once it has started.`), { allowed: ['postpone', 'cancel'] })
      }
      changes = { ...changes, outcome: { delegatesPresent: null, conclusionText: null, conclusionIssuedOn: null, ...input.outcome! } }
    }
    const hearing = await saveChange(ctx, writer, before, changes, action, input.reason ?? null)
    return { hearing, warnings }
  })
}
