import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { commitments, commitmentUpdates, conclusions, conclusionVotes, memberships, people } from '../schema.js'
import { STANDING_COMMITTEE_ROLES } from '../../domain/conclusions.js'

export type Conclusion = typeof conclusions.$inferSelect
export type Commitment = typeof commitments.$inferSelect
export type CommitmentUpdate = typeof commitmentUpdates.$inferSelect

/** The Standing Committee of a council on a day: its members with a chair, vice-chair or standing-member role then. */
export async function standingCommittee (db: Db, councilId: string, day: string) {
  const rows = await db.select({ personId: memberships.personId, fullName: people.fullName, role: memberships.role })
    .from(memberships).innerJoin(people, eq(people.id, memberships.personId))
    .where(and(
      eq(memberships.councilId, councilId), inArray(memberships.role, [...STANDING_COMMITTEE_ROLES]),
      sql`${memberships.startsOn} <= ${day}`, sql`(${memberships.endsOn} is null or ${memberships.endsOn} >= ${day})`
    ))
    .orderBy(sql`array_position(array['chair', 'vice_chair', 'standing_member']::membership_role[], ${memberships.role})`, asc(people.fullName))
  // One seat per person (a person with two roles on the committee counts once).
  return [...new Map(rows.map((row) => [row.personId, row])).values()]
}

export async function findConclusion (db: Db, hearingId: string): Promise<Conclusion | undefined> {
  const [row] = await db.select().from(conclusions).where(eq(conclusions.hearingId, hearingId))
  return row
}

export async function listVotes (db: Db, hearingId: string) {
  return db.select({ personId: conclusionVotes.personId, fullName: people.fullName, role: conclusionVotes.role, present: conclusionVotes.present, vote: conclusionVotes.vote })
    .from(conclusionVotes).innerJoin(people, eq(people.id, conclusionVotes.personId))
    .where(eq(conclusionVotes.hearingId, hearingId))
    .orderBy(sql`array_position(array['chair', 'vice_chair', 'standing_member']::membership_role[], ${conclusionVotes.role})`, asc(people.fullName))
}

/** Replaces the conclusion and its votes (a new vote on the same hearing replaces the last). */
export async function saveConclusion (tx: Db, values: typeof conclusions.$inferInsert, votes: Array<Omit<typeof conclusionVotes.$inferInsert, 'hearingId'>>): Promise<Conclusion> {
  const [row] = await tx.insert(conclusions).values(values)
    .onConflictDoUpdate({ target: conclusions.hearingId, set: { ...values, createdAt: undefined, revision: sql`${conclusions.revision} + 1` } }).returning()
  await tx.delete(conclusionVotes).where(eq(conclusionVotes.hearingId, values.hearingId))
  if (votes.length) await tx.insert(conclusionVotes).values(votes.map((vote) => ({ ...vote, hearingId: values.hearingId })))
  return row!
}

export async function insertCommitment (tx: Db, values: typeof commitments.$inferInsert): Promise<Commitment> {
  const [row] = await tx.insert(commitments).values(values).returning()
  return row!
}

/** A commitment of the hearing, locked for the change. */
export async function lockCommitment (tx: Db, hearingId: string, id: string): Promise<Commitment | undefined> {
  const [row] = await tx.select().from(commitments).where(and(eq(commitments.id, id), eq(commitments.hearingId, hearingId))).for('update')
  return row
}

export async function findCommitmentByLink (db: Db, linkHash: string): Promise<Commitment | undefined> {
  const [row] = await db.select().from(commitments).where(eq(commitments.linkHash, linkHash))
  return row
}

export async function updateCommitmentRow (tx: Db, id: string, values: Partial<typeof commitments.$inferInsert>, now: Date): Promise<Commitment> {
  const [row] = await tx.update(commitments).set({ ...values, revision: sql`${commitments.revision} + 1`, updatedAt: now }).where(eq(commitments.id, id)).returning()
  return row!
}

export async function insertCommitmentUpdate (tx: Db, values: typeof commitmentUpdates.$inferInsert): Promise<void> {
  await tx.insert(commitmentUpdates).values(values)
}

/** Commitments with the responsible person's name, by due date. */
export async function listCommitments (db: Db, filter: { ids?: string[], hearingIds?: string[], councilIds?: string[], states?: SQL[], dueBefore?: string, limit: number }) {
  const conditions: Array<SQL | undefined> = []
  if (filter.ids) conditions.push(inArray(commitments.id, filter.ids))
  if (filter.hearingIds) conditions.push(inArray(commitments.hearingId, filter.hearingIds))
  if (filter.councilIds) conditions.push(inArray(commitments.councilId, filter.councilIds))
  if (filter.dueBefore) conditions.push(lt(commitments.dueOn, filter.dueBefore))
  if (filter.states?.length) conditions.push(or(...filter.states))
  return db.select({ commitment: commitments, responsibleName: people.fullName })
    .from(commitments).leftJoin(people, eq(people.id, commitments.responsiblePersonId))
    .where(and(...conditions)).orderBy(asc(commitments.dueOn), asc(commitments.createdAt), asc(commitments.id)).limit(filter.limit)
}

/** SQL for a state on a day: stored statuses, and "overdue" (open or in progress, due before today). */
export function stateCondition (state: string, today: string): SQL {
  const live = inArray(commitments.status, ['open', 'in_progress'])
  if (state === 'overdue') return and(live, lt(commitments.dueOn, today))!
  if (state === 'open' || state === 'in_progress') return and(eq(commitments.status, state), sql`${commitments.dueOn} >= ${today}`)!
  return eq(commitments.status, state as 'done' | 'dropped')
}

export async function listCommitmentUpdates (db: Db, commitmentIds: string[]): Promise<CommitmentUpdate[]> {
  if (commitmentIds.length === 0) return []
  return db.select().from(commitmentUpdates).where(inArray(commitmentUpdates.commitmentId, commitmentIds)).orderBy(desc(commitmentUpdates.at), desc(commitmentUpdates.id))
}
