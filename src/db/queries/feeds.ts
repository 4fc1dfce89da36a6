import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils, feedTokens, hearingParticipants, hearingTransitions, hearings, invitationResponse, memberships, membershipRole as membershipRoleEnum, people } from '../schema.js'
import { liveAt } from './tokens.js'
import { publicHearing } from './hearings.js'
export type Answer = typeof invitationResponse.enumValues[number]
export type MembershipRole = typeof membershipRoleEnum.enumValues[number]

export interface FeedAttendee {
  participantId: string
  personId: string
  fullName: string
  email: string | null
  role: 'explainer' | 'attendee' | 'guest'
  response: Answer
  substituteName: string | null
  substitutePosition: string | null
}

/** Everything one VEVENT shows; nothing here is read from the clock, so the same data gives the same bytes. */
export interface FeedEvent {
  id: string
  title: string
  description: string
  location: string | null
  status: 'draft' | 'scheduled' | 'postponed' | 'held' | 'cancelled'
  visibility: 'public' | 'restricted'
  startsAt: Date
  endsAt: Date
  sequence: number
  createdAt: Date
  /** The last change to anything the event shows: the hearing, its council, its invitations, the people invited. */
  modifiedAt: Date
  /** Why it was cancelled or postponed, when it is. */
  reason: string | null
  outcome: { summary: string, delegatesPresent: number | null, conclusionText: string | null, conclusionIssuedOn: string | null } | null
  council: { name: string, timezone: string }
  explainers: Array<{ fullName: string, position: string | null, organization: string | null, response: Answer, substituteName: string | null, substitutePosition: string | null }>
  /** Private feeds only: every invitation, and whose feed it is. */
  attendees?: FeedAttendee[]
  /** A personal feed's hearing of a council the person is a member of: their role there. */
  membership?: MembershipRole | null
  viewerId?: string
  /** An iTIP CANCEL that uninvites this one attendee (the hearing stands): no STATUS, RFC 5546 3.2.5. */
  uninvited?: boolean
  /** The calendar of an invitation the secretariat withdrew: the event is cancelled for this person (the hearing stands). */
  withdrawn?: boolean
}

/** Which hearings a feed shows. */
export type FeedScope =
  | { kind: 'council', councilIds: string[] }
  | { kind: 'person', personId: string }
  | { kind: 'hearing', hearingId: string }

export interface FeedWindow {
  from: Date
  to: Date | null
  /** Cancelled and postponed hearings stay this long after the change, so every client learns of it. */
  retainSince: Date
  /**
   * How the window moves with the days, for Last-Modified: `from` is that many months before today
   * (absent when the client fixed it), `retainSince` that many days.
   */
  drift?: { months?: number | undefined, retentionDays: number }
  /** The zone whose midnights the window moves at. */
  zone?: string
}

/** The day a hearing counts on for membership, in its council's zone: its start, or when it was postponed (no time then). */
const hearingDay = sql`(coalesce(${hearings.startsAt}, ${hearings.updatedAt}) at time zone (select ${councils.timezone} from ${councils} where ${councils.id} = ${hearings.councilId}))::date`

/** The person's role in the hearing's council on the hearing's day, if they are a member then. */
function membershipRole (personId: string) {
  return sql<string | null>`(select min(${memberships.role}::text) from ${memberships} where ${memberships.personId} = ${personId} and ${memberships.councilId} = ${hearings.councilId} and ${memberships.startsOn} <= ${hearingDay} and (${memberships.endsOn} is null or ${memberships.endsOn} >= ${hearingDay}))`
}

/** The person's role in the hearing's council on its day, for one hearing (a reminder to a member). */
export async function memberRole (db: Db, personId: string, hearingId: string): Promise<FeedEvent['membership']> {
  const [row] = await db.select({ role: membershipRole(personId) }).from(hearings).where(eq(hearings.id, hearingId))
  return (row?.role ?? null) as FeedEvent['membership']
}

function scopeCondition (scope: FeedScope): SQL {
  switch (scope.kind) {
    case 'council':
      return and(inArray(hearings.councilId, scope.councilIds), publicHearing())!
    case 'person':
      // Invited, or a member of the council on the hearing's day (its drafts stay with the secretariat).
      return or(
        sql`exists (select 1 from ${hearingParticipants} where ${hearingParticipants.hearingId} = ${hearings.id} and ${hearingParticipants.personId} = ${scope.personId})`,
        and(ne(hearings.status, 'draft'), sql`${membershipRole(scope.personId)} is not null`)
      )!
    case 'hearing':
      return eq(hearings.id, scope.hearingId)
  }
}

function windowCondition (window: FeedWindow): SQL {
  const timed = and(
    isNotNull(hearings.startsAt),
    gte(hearings.startsAt, window.from),
    window.to ? lt(hearings.startsAt, window.to) : undefined,
    or(ne(hearings.status, 'cancelled'), gte(hearings.updatedAt, window.retainSince))
  )
  const recentlyPostponed = and(eq(hearings.status, 'postponed'), gte(hearings.updatedAt, window.retainSince))
  return or(timed, recentlyPostponed)!
}

/**
 * What a feed would show, as (id, stamp) pairs in feed order: the stamp changes whenever anything an
 * event shows changes (the hearing, its council, the people invited, the viewer's membership). Small
 * rows; no event is built.
 */
export async function feedStamps (db: Db, scope: FeedScope, window: FeedWindow): Promise<Array<{ id: string, stamp: string }>> {
  const rows = await db.select({
    id: hearings.id,
    revision: hearings.revision,
    updatedAt: sql<string>`${hearings.updatedAt}::text`,
    councilRevision: councils.revision,
    // A sum of counters that only rise changes whenever any of them does.
    peopleRevision: sql<string | null>`(select sum(${people.revision})::text from ${hearingParticipants} join ${people} on ${people.id} = ${hearingParticipants.personId} where ${hearingParticipants.hearingId} = ${hearings.id})`,
    membership: scope.kind === 'person' ? membershipRole(scope.personId) : sql<null>`null`
  }).from(hearings).innerJoin(councils, eq(councils.id, hearings.councilId))
    .where(and(scopeCondition(scope), windowCondition(window)))
    .orderBy(sql`${hearings.startsAt} asc nulls last`, asc(hearings.id))
  return rows.map((row) => ({ id: row.id, stamp: `${row.revision}|${row.updatedAt}|${row.councilRevision}|${row.peopleRevision ?? ''}|${row.membership ?? ''}` }))
}

/**
 * The latest change to anything that decides what the feed holds, seen or not: every hearing of the
 * councils (restricted and drafts too: one made restricted leaves the feed), the councils (names),
 * the person (name, uninvitations, memberships); and the hearings that left the window since, with
 * the day they left. Last-Modified is the later of this and the events' own times, so it never goes
 * back when a hearing leaves, and If-Modified-Since never gets a 304 for changed bytes.
 */
export async function feedScopeModified (db: Db, scope: FeedScope): Promise<Date | null> {
  let row: { at: Date | string | null } | undefined
  switch (scope.kind) {
    case 'council':
      [row] = await db.select({
        at: sql<Date | string | null>`greatest((select max(${hearings.updatedAt}) from ${hearings} where ${inArray(hearings.councilId, scope.councilIds)}), (select max(${councils.updatedAt}) from ${councils} where ${inArray(councils.id, scope.councilIds)}))`
      }).from(sql`(select 1) as one`)
      break
    case 'person':
      [row] = await db.select({ at: sql<Date | string | null>`greatest(${people.updatedAt}, ${people.scheduleChangedAt})` }).from(people).where(eq(people.id, scope.personId))
      break
    case 'hearing':
      [row] = await db.select({ at: sql<Date | string | null>`greatest(${hearings.updatedAt}, ${councils.updatedAt})` })
        .from(hearings).innerJoin(councils, eq(councils.id, hearings.councilId)).where(eq(hearings.id, scope.hearingId))
      break
  }
  return row?.at ? new Date(row.at) : null
}

/** The latest start before the window's start, and the latest change of a cancelled or postponed hearing before its retention: what left the window last. */
export async function feedLeavers (db: Db, scope: FeedScope, window: FeedWindow): Promise<{ startedBefore: Date | null, retiredBefore: Date | null }> {
  const [row] = await db.select({
    // Compared through drizzle's operators, which map a Date for every driver (a bare Date in sql`` fails on postgres.js).
    startedBefore: sql<Date | string | null>`max(${hearings.startsAt}) filter (where ${lt(hearings.startsAt, window.from)})`,
    retiredBefore: sql<Date | string | null>`max(${hearings.updatedAt}) filter (where ${hearings.status} in ('cancelled', 'postponed') and ${lt(hearings.updatedAt, window.retainSince)})`
  }).from(hearings).where(scopeCondition(scope))
  return {
    startedBefore: row?.startedBefore ? new Date(row.startedBefore) : null,
    retiredBefore: row?.retiredBefore ? new Date(row.retiredBefore) : null
  }
}

/** Everything the events of these hearings show; a private feed also gets the invitations, a personal one the viewer's memberships. */
export async function feedEvents (db: Db, ids: string[], withAttendees: boolean, viewerId?: string): Promise<Map<string, FeedEvent>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({
    hearing: hearings,
    councilName: councils.name,
    timezone: councils.timezone,
    councilUpdatedAt: councils.updatedAt,
    membership: viewerId ? membershipRole(viewerId) : sql<null>`null`
  }).from(hearings).innerJoin(councils, eq(councils.id, hearings.councilId)).where(inArray(hearings.id, ids))
  const participants = await db.select({
    hearingId: hearingParticipants.hearingId,
    participantId: hearingParticipants.id,
    personId: hearingParticipants.personId,
    role: hearingParticipants.role,
    response: hearingParticipants.response,
    substituteName: hearingParticipants.substituteName,
    substitutePosition: hearingParticipants.substitutePosition,
    fullName: people.fullName,
    email: people.email,
    position: people.position,
    organization: people.organization,
    updatedAt: sql<Date>`greatest(${hearingParticipants.updatedAt}, ${people.updatedAt})`.mapWith(hearingParticipants.updatedAt)
  }).from(hearingParticipants).innerJoin(people, eq(people.id, hearingParticipants.personId))
    .where(inArray(hearingParticipants.hearingId, ids)).orderBy(asc(people.fullName), asc(hearingParticipants.id))
  // A postponed hearing has no time; its event stays where it was, marked tentative.
  const postponed = rows.filter((row) => row.hearing.startsAt === null).map((row) => row.hearing.id)
  const former = postponed.length === 0
    ? []
    : await db.selectDistinctOn([hearingTransitions.hearingId], {
      hearingId: hearingTransitions.hearingId, startsAt: hearingTransitions.startsAt, endsAt: hearingTransitions.endsAt
    }).from(hearingTransitions)
      .where(and(inArray(hearingTransitions.hearingId, postponed), isNotNull(hearingTransitions.startsAt)))
      .orderBy(hearingTransitions.hearingId, desc(hearingTransitions.id))
  const formerTimes = new Map(former.map((row) => [row.hearingId, row]))
  // Why a cancelled or postponed hearing is so: the reason given with the move into that state.
  const stopped = rows.filter((row) => row.hearing.status === 'cancelled' || row.hearing.status === 'postponed').map((row) => row.hearing.id)
  const reasons = stopped.length === 0
    ? []
    : await db.selectDistinctOn([hearingTransitions.hearingId], { hearingId: hearingTransitions.hearingId, reason: hearingTransitions.reason })
      .from(hearingTransitions).innerJoin(hearings, eq(hearings.id, hearingTransitions.hearingId))
      .where(and(inArray(hearingTransitions.hearingId, stopped), eq(hearingTransitions.toStatus, hearings.status)))
      .orderBy(hearingTransitions.hearingId, desc(hearingTransitions.id))
  const reasonOf = new Map(reasons.map((row) => [row.hearingId, row.reason]))

  const events = new Map<string, FeedEvent>()
  for (const { hearing, councilName, timezone, councilUpdatedAt, membership } of rows) {
    const times = hearing.startsAt ? { startsAt: hearing.startsAt, endsAt: hearing.endsAt! } : formerTimes.get(hearing.id)
    if (!times?.startsAt || !times.endsAt) continue
    const invited = participants.filter((p) => p.hearingId === hearing.id)
    const modified = Math.max(hearing.updatedAt.getTime(), councilUpdatedAt.getTime(), ...invited.map((p) => p.updatedAt.getTime()))
    events.set(hearing.id, {
      id: hearing.id,
      title: hearing.title,
      description: hearing.description,
      location: hearing.location,
      status: hearing.status,
      visibility: hearing.visibility,
      startsAt: times.startsAt,
      endsAt: times.endsAt,
      sequence: hearing.sequence,
      createdAt: hearing.createdAt,
      modifiedAt: new Date(modified),
      reason: reasonOf.get(hearing.id) ?? null,
      outcome: hearing.outcome ?? null,
      council: { name: councilName, timezone },
      explainers: invited.filter((p) => p.role === 'explainer')
        .map(({ fullName, position, organization, response, substituteName, substitutePosition }) => ({ fullName, position, organization, response, substituteName, substitutePosition })),
      ...(withAttendees
        ? { attendees: invited.map(({ participantId, personId, fullName, email, role, response, substituteName, substitutePosition }) => ({ participantId, personId, fullName, email, role, response, substituteName, substitutePosition })) }
        : {}),
      membership: membership as FeedEvent['membership']
    })
  }
  return events
}

export type FeedToken = typeof feedTokens.$inferSelect

/** The person whose live link this is: not revoked, not past its grace period. */
export async function findFeedTokenPerson (db: Db, secretHash: string, now: Date) {
  const [row] = await db.select({ personId: feedTokens.personId, fullName: people.fullName, locale: people.locale, expiresAt: feedTokens.expiresAt })
    .from(feedTokens).innerJoin(people, eq(people.id, feedTokens.personId))
    .where(and(eq(feedTokens.secretHash, secretHash), liveAt(feedTokens, now)))
  return row
}

export async function liveFeedTokens (db: Db, personId: string, now: Date): Promise<FeedToken[]> {
  return db.select().from(feedTokens)
    .where(and(eq(feedTokens.personId, personId), liveAt(feedTokens, now)))
    .orderBy(desc(feedTokens.createdAt))
}

export async function insertFeedToken (tx: Db, values: typeof feedTokens.$inferInsert): Promise<FeedToken> {
  const [row] = await tx.insert(feedTokens).values(values).returning()
  return row!
}

/** Old links keep working until `until` (the grace period), then stop. */
export async function expireFeedTokens (tx: Db, personId: string, until: Date, now: Date): Promise<void> {
  await tx.update(feedTokens).set({ expiresAt: until })
    .where(and(eq(feedTokens.personId, personId), liveAt(feedTokens, now), or(isNull(feedTokens.expiresAt), gt(feedTokens.expiresAt, until))))
}

export async function revokeFeedTokens (tx: Db, personId: string, now: Date): Promise<number> {
  const rows = await tx.update(feedTokens).set({ revokedAt: now })
    .where(and(eq(feedTokens.personId, personId), isNull(feedTokens.revokedAt))).returning({ id: feedTokens.id })
  return rows.length
}
