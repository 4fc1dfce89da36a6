import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils, hearingParticipants, hearingTransitions, hearings, invitationLinks, people, withdrawnInvitations } from '../schema.js'
import { PUBLIC_HEARING } from '../../domain/hearings.js'

export type Hearing = typeof hearings.$inferSelect
export type NewHearing = typeof hearings.$inferInsert
export type Participant = typeof hearingParticipants.$inferSelect

export async function findHearing (db: Db, id: string): Promise<Hearing | undefined> {
  const [hearing] = await db.select().from(hearings).where(eq(hearings.id, id))
  return hearing
}

/** Reads the hearing and locks its row until the transaction ends: no update is lost. */
export async function lockHearing (tx: Db, id: string): Promise<Hearing | undefined> {
  const [hearing] = await tx.select().from(hearings).where(eq(hearings.id, id)).for('update')
  return hearing
}

export async function insertHearing (tx: Db, values: NewHearing): Promise<Hearing> {
  const [hearing] = await tx.insert(hearings).values(values).returning()
  return hearing!
}

export async function updateHearingRow (tx: Db, id: string, values: Partial<NewHearing>, now: Date): Promise<Hearing> {
  const [hearing] = await tx.update(hearings).set({ ...values, updatedAt: now }).where(eq(hearings.id, id)).returning()
  return hearing!
}

/** Keeps the explainers' copies of the hearing's time in step, so their exclusion constraint sees it. */
export async function syncParticipantTimes (tx: Db, hearing: Hearing, blocking: boolean): Promise<void> {
  await tx.update(hearingParticipants)
    .set({ startsAt: hearing.startsAt, endsAt: hearing.endsAt, blocking: blocking && hearing.startsAt !== null })
    .where(eq(hearingParticipants.hearingId, hearing.id))
}

export async function recordTransition (tx: Db, values: typeof hearingTransitions.$inferInsert): Promise<void> {
  await tx.insert(hearingTransitions).values(values)
}

export async function listTransitions (db: Db, hearingId: string) {
  return db.select().from(hearingTransitions).where(eq(hearingTransitions.hearingId, hearingId)).orderBy(asc(hearingTransitions.id))
}

/** A hearing of the council that overlaps [startsAt, endsAt) and occupies the calendar. */
export async function findCouncilConflict (db: Db, councilId: string, startsAt: Date, endsAt: Date, exceptId?: string) {
  const [conflict] = await db.select({ id: hearings.id, title: hearings.title, startsAt: hearings.startsAt, endsAt: hearings.endsAt })
    .from(hearings).where(and(
      eq(hearings.councilId, councilId),
      inArray(hearings.status, ['scheduled', 'held']),
      lt(hearings.startsAt, endsAt), gt(hearings.endsAt, startsAt),
      exceptId ? ne(hearings.id, exceptId) : undefined
    )).limit(1)
  return conflict
}

/** A hearing where one of these people explains, overlapping [startsAt, endsAt). */
export async function findExplainerConflict (db: Db, personIds: string[], startsAt: Date, endsAt: Date, exceptHearingId?: string) {
  if (personIds.length === 0) return undefined
  const [conflict] = await db.select({
    id: hearings.id, title: hearings.title, councilId: hearings.councilId, personId: hearingParticipants.personId, fullName: people.fullName
  })
    .from(hearingParticipants)
    .innerJoin(hearings, eq(hearings.id, hearingParticipants.hearingId))
    .innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(
      inArray(hearingParticipants.personId, personIds),
      eq(hearingParticipants.role, 'explainer'),
      eq(hearingParticipants.blocking, true),
      lt(hearingParticipants.startsAt, endsAt), gt(hearingParticipants.endsAt, startsAt),
      exceptHearingId ? ne(hearingParticipants.hearingId, exceptHearingId) : undefined
    )).limit(1)
  return conflict
}

export async function explainerIds (db: Db, hearingId: string): Promise<string[]> {
  const rows = await db.select({ personId: hearingParticipants.personId }).from(hearingParticipants)
    .where(and(eq(hearingParticipants.hearingId, hearingId), eq(hearingParticipants.role, 'explainer')))
  return rows.map((row) => row.personId)
}

export interface HearingQuery {
  councilIds?: string[] | undefined
  /** Councils whose restricted hearings and drafts the caller may see; undefined: all (admins). */
  privateCouncilIds?: string[] | undefined
  from?: Date | undefined
  /** With from: hearings without a time (postponed, drafts) too. */
  orUntimed?: boolean | undefined
  to?: Date | undefined
  status?: Hearing['status'][] | undefined
  personId?: string | undefined
  /** With personId: only hearings where the person has one of these roles. */
  personRoles?: Array<Participant['role']> | undefined
  after?: { startsAt: Date | null, id: string } | undefined
  /** Latest first (a page of past hearings); cursors go with the default order only. */
  descending?: boolean
  limit: number
}

/** A hearing anyone may see (domain/hearings.ts isPublicHearing), as a condition on the hearings table. */
export function publicHearing (): SQL {
  return and(eq(hearings.visibility, PUBLIC_HEARING.visibility), ne(hearings.status, PUBLIC_HEARING.hiddenWhile))!
}

/** Hearings ordered by start (those without a time last), then id, for stable cursor pages; each with its council's zone. */
export async function listHearings (db: Db, query: HearingQuery): Promise<Array<Hearing & { timezone: string }>> {
  const conditions: Array<SQL | undefined> = []
  if (query.councilIds) conditions.push(inArray(hearings.councilId, query.councilIds))
  if (query.privateCouncilIds) {
    const visible = publicHearing()
    conditions.push(query.privateCouncilIds.length > 0 ? or(visible, inArray(hearings.councilId, query.privateCouncilIds)) : visible)
  }
  if (query.from) conditions.push(query.orUntimed ? or(gte(hearings.startsAt, query.from), isNull(hearings.startsAt)) : gte(hearings.startsAt, query.from))
  if (query.to) conditions.push(lt(hearings.startsAt, query.to))
  if (query.status) conditions.push(inArray(hearings.status, query.status))
  if (query.personId) {
    const roles = query.personRoles ? sql` and ${inArray(hearingParticipants.role, query.personRoles)}` : sql``
    conditions.push(sql`exists (select 1 from ${hearingParticipants} where ${hearingParticipants.hearingId} = ${hearings.id} and ${hearingParticipants.personId} = ${query.personId}${roles})`)
  }
  if (query.after) {
    const { startsAt, id } = query.after
    conditions.push(startsAt
      ? or(gt(hearings.startsAt, startsAt), and(eq(hearings.startsAt, startsAt), gt(hearings.id, id)), isNull(hearings.startsAt))
      : and(isNull(hearings.startsAt), gt(hearings.id, id)))
  }
  const rows = await db.select({ hearing: hearings, timezone: councils.timezone }).from(hearings)
    .innerJoin(councils, eq(councils.id, hearings.councilId))
    .where(and(...conditions))
    .orderBy(...(query.descending ? [sql`${hearings.startsAt} desc nulls last`, desc(hearings.id)] : [sql`${hearings.startsAt} asc nulls last`, asc(hearings.id)]))
    .limit(query.limit)
  return rows.map((row) => ({ ...row.hearing, timezone: row.timezone }))
}

/** The years (in the council's zone) in which a council has hearings with a time. */
export async function hearingYears (db: Db, councilId: string, zone: string): Promise<number[]> {
  const rows = await db.selectDistinct({ year: sql<number>`extract(year from ${hearings.startsAt} at time zone ${zone})::int` }).from(hearings)
    .where(and(eq(hearings.councilId, councilId), sql`${hearings.startsAt} is not null`))
  return rows.map((row) => Number(row.year))
}

/** The years (in `zone`) of hearings before `before` that a caller may see, newest first: a public page's past, by year. */
export async function pastHearingYears (db: Db, query: { councilIds: string[], privateCouncilIds: string[] | undefined, before: Date, status: Hearing['status'][], zone: string }): Promise<number[]> {
  const visible = publicHearing()
  const rows = await db.selectDistinct({ year: sql<number>`extract(year from ${hearings.startsAt} at time zone ${query.zone})::int` }).from(hearings)
    .where(and(
      inArray(hearings.councilId, query.councilIds), lt(hearings.startsAt, query.before), inArray(hearings.status, query.status),
      // undefined: every hearing (an administrator).
      query.privateCouncilIds === undefined ? undefined : query.privateCouncilIds.length > 0 ? or(visible, inArray(hearings.councilId, query.privateCouncilIds)) : visible
    ))
  return rows.map((row) => Number(row.year)).sort((a, b) => b - a)
}

export async function councilZones (db: Db, councilIds: string[]): Promise<Map<string, string>> {
  if (councilIds.length === 0) return new Map()
  const rows = await db.select({ id: councils.id, timezone: councils.timezone }).from(councils).where(inArray(councils.id, [...new Set(councilIds)]))
  return new Map(rows.map((row) => [row.id, row.timezone]))
}

export const participantColumns = {
  id: hearingParticipants.id,
  hearingId: hearingParticipants.hearingId,
  personId: hearingParticipants.personId,
  role: hearingParticipants.role,
  response: hearingParticipants.response,
  substituteName: hearingParticipants.substituteName,
  substitutePosition: hearingParticipants.substitutePosition,
  responseReason: hearingParticipants.responseReason,
  respondedAt: hearingParticipants.respondedAt,
  fullName: people.fullName,
  position: people.position,
  organization: people.organization
}

export type ParticipantView = Awaited<ReturnType<typeof listParticipants>>[number]

export async function listParticipants (db: Db, hearingIds: string[]) {
  if (hearingIds.length === 0) return []
  return db.select(participantColumns).from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(inArray(hearingParticipants.hearingId, hearingIds))
    .orderBy(asc(hearingParticipants.role), asc(people.fullName), asc(hearingParticipants.id))
}

export async function findParticipant (db: Db, hearingId: string, participantId: string) {
  const [participant] = await db.select(participantColumns).from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(eq(hearingParticipants.hearingId, hearingId), eq(hearingParticipants.id, participantId)))
  return participant
}

export async function findParticipantByInvitation (db: Db, invitationHash: string) {
  const [participant] = await db.select(participantColumns).from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(or(
      eq(hearingParticipants.invitationHash, invitationHash),
      // A link sent by e-mail (see invitation_links) answers for the same invitation.
      sql`${hearingParticipants.id} = (select ${invitationLinks.participantId} from ${invitationLinks} where ${invitationLinks.secretHash} = ${invitationHash})`
    ))
  return participant
}

/** The invitation of the hearing's participant with this e-mail address (any case): whom a calendar reply is from. */
export async function findParticipantByEmail (db: Db, hearingId: string, email: string) {
  const [participant] = await db.select(participantColumns).from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(and(eq(hearingParticipants.hearingId, hearingId), sql`lower(${people.email}) = ${email.toLowerCase()}`))
    .orderBy(asc(hearingParticipants.createdAt), asc(hearingParticipants.id)).limit(1)
  return participant
}

export async function findParticipantOfPerson (db: Db, hearingId: string, personId: string) {
  const [row] = await db.select({ id: hearingParticipants.id }).from(hearingParticipants)
    .where(and(eq(hearingParticipants.hearingId, hearingId), eq(hearingParticipants.personId, personId)))
  return row
}

/**
 * The time a hearing had before a reschedule made at `at` (the change a notice is about), and the
 * reason given; undefined when the hearing's last change of time was not made then.
 */
export async function timeBefore (db: Db, hearingId: string, at: Date) {
  const rows = await db.select({ action: hearingTransitions.action, at: hearingTransitions.at, reason: hearingTransitions.reason, startsAt: hearingTransitions.startsAt, endsAt: hearingTransitions.endsAt })
    .from(hearingTransitions).where(and(eq(hearingTransitions.hearingId, hearingId), sql`${hearingTransitions.startsAt} is not null`))
    .orderBy(desc(hearingTransitions.id)).limit(2)
  const [change, earlier] = rows
  if (!change || !earlier || change.action !== 'reschedule' || change.at.getTime() !== at.getTime()) return undefined
  return { startsAt: earlier.startsAt!, endsAt: earlier.endsAt!, reason: change.reason }
}

/** Another link to an invitation (the one sent by e-mail); the first keeps working. */
export async function insertInvitationLink (tx: Db, participantId: string, secretHash: string, now: Date): Promise<void> {
  await tx.insert(invitationLinks).values({ participantId, secretHash, createdAt: now })
}

/** The invitation's one e-mail link, sealed (null: none yet). */
export async function findMailLink (db: Db, participantId: string): Promise<string | null> {
  const [row] = await db.select({ sealedSecret: invitationLinks.sealedSecret }).from(invitationLinks)
    .where(and(eq(invitationLinks.participantId, participantId), sql`${invitationLinks.sealedSecret} is not null`))
  return row?.sealedSecret ?? null
}

/** Makes the invitation's e-mail link unless another worker just did (then false: read theirs). */
export async function insertMailLink (tx: Db, participantId: string, secretHash: string, sealedSecret: string, now: Date): Promise<boolean> {
  const rows = await tx.insert(invitationLinks).values({ participantId, secretHash, sealedSecret, createdAt: now }).onConflictDoNothing().returning({ secretHash: invitationLinks.secretHash })
  return rows.length > 0
}

/** An e-mail link whose seal no key opens any more (SECRET_KEY changed without SECRET_KEY_PREVIOUS): it is replaced. */
export async function deleteMailLink (tx: Db, participantId: string): Promise<void> {
  await tx.delete(invitationLinks).where(and(eq(invitationLinks.participantId, participantId), sql`${invitationLinks.sealedSecret} is not null`))
}

/** A withdrawn invitation's links are remembered (hashes only): its calendar shows the event cancelled, then 410. */
export async function recordWithdrawnLinks (tx: Db, participant: { id: string, hearingId: string, personId: string }, now: Date): Promise<void> {
  await tx.execute(sql`insert into ${withdrawnInvitations} (secret_hash, hearing_id, person_id, withdrawn_at)
    select ${hearingParticipants.invitationHash}, ${participant.hearingId}::uuid, ${participant.personId}::uuid, ${now.toISOString()}::timestamptz from ${hearingParticipants} where ${hearingParticipants.id} = ${participant.id}
    union all
    select ${invitationLinks.secretHash}, ${participant.hearingId}::uuid, ${participant.personId}::uuid, ${now.toISOString()}::timestamptz from ${invitationLinks} where ${invitationLinks.participantId} = ${participant.id}
    on conflict do nothing`)
}

export async function findWithdrawnLink (db: Db, secretHash: string) {
  const [row] = await db.select().from(withdrawnInvitations).where(eq(withdrawnInvitations.secretHash, secretHash))
  return row
}

/** Renewing an invitation ends every link to it. */
export async function deleteInvitationLinks (tx: Db, participantId: string): Promise<void> {
  await tx.delete(invitationLinks).where(eq(invitationLinks.participantId, participantId))
}

export async function insertParticipant (tx: Db, values: typeof hearingParticipants.$inferInsert): Promise<string> {
  const [row] = await tx.insert(hearingParticipants).values(values).returning({ id: hearingParticipants.id })
  return row!.id
}

export async function updateParticipantRow (tx: Db, id: string, values: Partial<typeof hearingParticipants.$inferInsert>, now: Date): Promise<void> {
  await tx.update(hearingParticipants).set({ ...values, updatedAt: now }).where(eq(hearingParticipants.id, id))
}

export async function deleteParticipantRow (tx: Db, id: string): Promise<void> {
  await tx.delete(hearingParticipants).where(eq(hearingParticipants.id, id))
}

/** A new time: every answer given for the old one goes back to pending. */
export async function resetAnswers (tx: Db, hearingId: string, now: Date): Promise<void> {
  await tx.update(hearingParticipants).set({ response: 'pending', substituteName: null, substitutePosition: null, responseReason: null, respondedAt: null, updatedAt: now })
    .where(and(eq(hearingParticipants.hearingId, hearingId), ne(hearingParticipants.response, 'pending')))
}

/** A change to a hearing's invitations: a new revision (ETag, feeds), not a new SEQUENCE. */
export async function touchHearing (tx: Db, id: string, now: Date): Promise<void> {
  await tx.update(hearings).set({ revision: sql`${hearings.revision} + 1`, updatedAt: now }).where(eq(hearings.id, id))
}
