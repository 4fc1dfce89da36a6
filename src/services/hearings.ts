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
  AppError, fail, withDetails, type ErrorParams
} from '../domain/errors.js'
import {
  allowedActions, blocksCalendar, canRecordOutcome, explainerConflict, isEditable, TIME_CHANGE, nextStatus, SIGNIFICANT_FIELDS, timeBoundsProblem, type HearingAction
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
    return fail('COUNCIL_BUSY', { title: council.title, id: council.id }, { conflictingHearingId: council.id })
  }
  const explainer = await findExplainerConflict(db, explainers, attempt.startsAt, attempt.endsAt, attempt.hearingId)
  if (explainer) {
    const visible = await canSeeHearingId(db, principal, explainer.id)
    return withDetails(explainerConflict(explainer, visible),
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
    throw (await conflictError(ctx.db, ctx.principal, tried, explainers)) ?? fail('TIME_CONFLICT')
  }
}

function parseTimes (startsAt: string | undefined, endsAt: string | undefined, now: Date): { startsAt: Date, endsAt: Date } | undefined {
  if (startsAt === undefined && endsAt === undefined) return undefined
  if (startsAt === undefined || endsAt === undefined) {
    throw fail('TIMES_TOGETHER')
  }
  const times = { startsAt: new Date(startsAt), endsAt: new Date(endsAt) }
  for (const [name, value] of [['startsAt', startsAt], ['endsAt', endsAt]] as const) {
    // The format admits a leap second (23:59:60), which no clock here can store.
    if (Number.isNaN(times[name].getTime())) throw fail('TIME_UNSTORABLE', { name, value })
  }
  if (!(times.endsAt > times.startsAt)) throw fail('END_BEFORE_START', { startsAt, endsAt })
  const problem = timeBoundsProblem(times, now)
  if (problem) throw problem
  return times
}

function checkCouncilExists (council: Council, startsAt: Date) {
  const day = DateTime.fromJSDate(startsAt, { zone: council.timezone }).toISODate()!
  if (day < council.activeFrom || (council.activeTo !== null && day > council.activeTo)) {
    throw fail('COUNCIL_INACTIVE_ON_DAY', { council: council.name, from: council.activeFrom, to: council.activeTo ?? '', day })
  }
}

/** The facts of a notice warning that a strict council's refusal tells. */
function noticeFacts (notice: ScheduleWarning, council: string): ErrorParams {
  return notice.code === 'notice_too_short'
    ? { notice: notice.message, council, requiredDays: notice.requiredDays, actualDays: notice.actualDays, rule: notice.rule }
    : { notice: notice.message, council }
}

/** Warnings for a time; with a strict council, too-short notice is refused instead. */
async function checkSchedule (ctx: HearingContext, tx: Db, council: Council, startsAt: Date, endsAt: Date): Promise<ScheduleWarning[]> {
  checkCouncilExists(council, startsAt)
  const warnings = await warningsFor(tx, { startsAt, endsAt, zone: council.timezone, now: ctx.now, officeHours: ctx.officeHours })
  const notice = warnings.find((w) => w.code === 'notice_too_short' || w.code === 'in_the_past')
  if (notice && council.strictNotice) {
    throw fail('NOTICE_REQUIRED', noticeFacts(notice, council.name), { warnings: [notice] })
  }
  return warnings
}

/**
 * What scheduling at this time would say, before anything is written (the console's warnings step):
 * the warnings, and the refusals the confirmation would meet — a council not in office that day, a
 * time the council or an explainer already has, a notice too short where the council requires it —
 * so that nothing new appears at confirm.
 */
export async function previewSchedule (ctx: Omit<HearingContext, 'announce' | 'idempotency'>, council: Council, attempt: { hearingId?: string | undefined, startsAt: Date, endsAt: Date }) {
  const refusals: AppError[] = []
  const keep = (error: unknown) => {
    if (error instanceof AppError) refusals.push(error)
    else throw error
  }
  try {
    checkCouncilExists(council, attempt.startsAt)
  } catch (error) {
    keep(error)
  }
  const warnings = await warningsFor(ctx.db, { startsAt: attempt.startsAt, endsAt: attempt.endsAt, zone: council.timezone, now: ctx.now, officeHours: ctx.officeHours })
  const notice = warnings.find((w) => w.code === 'notice_too_short' || w.code === 'in_the_past')
  if (notice && council.strictNotice) keep(fail('NOTICE_REQUIRED', noticeFacts(notice, council.name)))
  const conflict = await conflictError(ctx.db, ctx.principal, { councilId: council.id, ...attempt }, attempt.hearingId ? await explainerIds(ctx.db, attempt.hearingId) : [])
  if (conflict) keep(conflict)
  return { warnings, refusals }
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
  if (status !== 'draft' && !times) throw fail('HEARING_NEEDS_TIME', { status })
  if (status === 'held') {
    if (!input.outcome) throw fail('HELD_NEEDS_OUTCOME')
    if (times!.startsAt > ctx.now) throw fail('HELD_NOT_STARTED')
  } else if (input.outcome) {
    throw fail('OUTCOME_ONLY_WITH_HELD')
  }
  return occupying(ctx, () => times && { councilId: input.councilId, ...times }, async ({ tx, now, record }) => {
    const council = await findCouncil(tx, input.councilId)
    if (!council) throw fail('COUNCIL_NOT_FOUND', { id: input.councilId })
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
    throw fail('IF_MATCH_REQUIRED')
  }
  const tags = ifMatch.split(',').map((tag) => tag.trim())
  if (!tags.includes('*') && !tags.includes(currentTag)) {
    throw fail('HEARING_CHANGED', { etag: currentTag }, { currentETag: currentTag })
  }
}

export async function updateHearing (
  ctx: HearingContext, id: string, input: UpdateHearing, ifMatch: string | undefined, etagOf: (h: Hearing) => string
): Promise<{ hearing: Hearing, warnings: ScheduleWarning[] }> {
  let attempt: Attempt | undefined
  return occupying(ctx, () => attempt, async (writer) => {
    const { tx } = writer
    const before = await lockHearing(tx, id)
    if (!before) throw fail('HEARING_NOT_FOUND', { id })
    checkPrecondition(ifMatch, etagOf(before))
    const { reason, startsAt, endsAt, ...fields } = input
    const times = parseTimes(startsAt, endsAt, ctx.now)
    const timeChanges = times && (times.startsAt.getTime() !== before.startsAt?.getTime() || times.endsAt.getTime() !== before.endsAt?.getTime())
    if (!isEditable(before.status)) throw fail('HEARING_CANCELLED_FROZEN', {}, { allowed: [] })
    let warnings: ScheduleWarning[] = []
    let action = 'update'
    if (timeChanges) {
      const change = TIME_CHANGE[before.status]
      if (change === 'by_scheduling') throw fail('POSTPONED_NEEDS_SCHEDULE', {}, { allowed: allowedActions(before.status) })
      if (change === 'history') throw fail('HELD_TIME_FIXED', {}, { allowed: allowedActions(before.status) })
      const council = (await findCouncil(tx, before.councilId))!
      if (change === 'reschedule') {
        if (!reason) throw fail('RESCHEDULE_NEEDS_REASON')
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
    if (!before) throw fail('HEARING_NOT_FOUND', { id })
    if (ifMatch) checkPrecondition(ifMatch.header, ifMatch.etagOf(before))
    const status = nextStatus(before.status, action)
    if (!status) {
      const allowed = allowedActions(before.status)
      throw fail('ACTION_NOT_ALLOWED', { status: before.status, action, allowed: allowed.join(', ') }, { allowed })
    }
    let warnings: ScheduleWarning[] = []
    let changes: Partial<NewHearing> = { status }
    if (action === 'schedule') {
      const times = parseTimes(input.startsAt, input.endsAt, ctx.now) ??
        (before.startsAt && before.endsAt ? { startsAt: before.startsAt, endsAt: before.endsAt } : undefined)
      if (!times) throw fail('SCHEDULE_NEEDS_TIME')
      const council = (await findCouncil(tx, before.councilId))!
      attempt = { councilId: before.councilId, hearingId: before.id, ...times }
      warnings = await checkSchedule(ctx, tx, council, times.startsAt, times.endsAt)
      await precheck(tx, ctx.principal, attempt, await explainerIds(tx, before.id))
      changes = { ...changes, ...times }
    } else if (action === 'postpone') {
      changes = { ...changes, startsAt: null, endsAt: null }
    } else if (action === 'outcome') {
      if (!canRecordOutcome(before, ctx.now)) {
        throw fail('OUTCOME_BEFORE_START', { startsAt: before.startsAt!.toISOString() }, { allowed: ['postpone', 'cancel'] })
      }
      changes = { ...changes, outcome: { delegatesPresent: null, conclusionText: null, conclusionIssuedOn: null, ...input.outcome! } }
    }
    const hearing = await saveChange(ctx, writer, before, changes, action, input.reason ?? null)
    return { hearing, warnings }
  })
}
