import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils, feedTokens, hearingParticipants, hearingTransitions, hearings, people } from '../schema.js'
import { liveAt } from './tokens.js'
import type { FeedEvent } from '../../feeds/ical.js'

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
}

function scopeCondition (scope: FeedScope): SQL {
  switch (scope.kind) {
    case 'council':
      return and(inArray(hearings.councilId, scope.councilIds), eq(hearings.visibility, 'public'), ne(hearings.status, 'draft'))!
    case 'person':
      return sql`exists (select 1 from ${hearingParticipants} where ${hearingParticipants.hearingId} = ${hearings.id} and ${hearingParticipants.personId} = ${scope.personId})`
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
 * event shows changes (the hearing, its council, the people invited). Small rows; no event is built.
 */
export async function feedStamps (db: Db, scope: FeedScope, window: FeedWindow): Promise<Array<{ id: string, stamp: string }>> {
  const rows = await db.select({
    id: hearings.id,
    revision: hearings.revision,
    updatedAt: sql<string>`${hearings.updatedAt}::text`,
    councilRevision: councils.revision,
    // A sum of counters that only rise changes whenever any of them does.
    peopleRevision: sql<string | null>`(select sum(${people.revision})::text from ${hearingParticipants} join ${people} on ${people.id} = ${hearingParticipants.personId} where ${hearingParticipants.hearingId} = ${hearings.id})`
  }).from(hearings).innerJoin(councils, eq(councils.id, hearings.councilId))
    .where(and(scopeCondition(scope), windowCondition(window)))
    .orderBy(sql`${hearings.startsAt} asc nulls last`, asc(hearings.id))
  return rows.map((row) => ({ id: row.id, stamp: `${row.revision}|${row.updatedAt}|${row.councilRevision}|${row.peopleRevision ?? ''}` }))
}

/** Everything the events of these hearings show; a private feed also gets the invitations. */
export async function feedEvents (db: Db, ids: string[], withAttendees: boolean): Promise<Map<string, FeedEvent>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({ hearing: hearings, councilName: councils.name, timezone: councils.timezone })
    .from(hearings).innerJoin(councils, eq(councils.id, hearings.councilId)).where(inArray(hearings.id, ids))
  const participants = await db.select({
    hearingId: hearingParticipants.hearingId,
    personId: hearingParticipants.personId,
    role: hearingParticipants.role,
    response: hearingParticipants.response,
    substituteName: hearingParticipants.substituteName,
    substitutePosition: hearingParticipants.substitutePosition,
    fullName: people.fullName,
    email: people.email,
    position: people.position,
    organization: people.organization
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

  const events = new Map<string, FeedEvent>()
  for (const { hearing, councilName, timezone } of rows) {
    const times = hearing.startsAt ? { startsAt: hearing.startsAt, endsAt: hearing.endsAt! } : formerTimes.get(hearing.id)
    if (!times?.startsAt || !times.endsAt) continue
    const invited = participants.filter((p) => p.hearingId === hearing.id)
    events.set(hearing.id, {
      id: hearing.id,
      title: hearing.title,
      description: hearing.description,
      location: hearing.location,
      status: hearing.status,
      startsAt: times.startsAt,
      endsAt: times.endsAt,
      sequence: hearing.sequence,
      updatedAt: hearing.updatedAt,
      council: { name: councilName, timezone },
      explainers: invited.filter((p) => p.role === 'explainer').map(({ fullName, position, organization }) => ({ fullName, position, organization })),
      ...(withAttendees ? { attendees: invited.map(({ hearingId: _h, position: _p, organization: _o, ...attendee }) => attendee) } : {})
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
