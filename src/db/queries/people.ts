import { and, asc, eq, exists, gt, gte, ilike, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { foldForSearch } from '../../domain/search.js'
import { memberships, people } from '../schema.js'

export type Person = typeof people.$inferSelect
export type NewPerson = typeof people.$inferInsert
export type Membership = typeof memberships.$inferSelect

export async function findPerson (db: Db, id: string): Promise<Person | undefined> {
  const [person] = await db.select().from(people).where(eq(people.id, id))
  return person
}

/** The councils a person belongs to for access purposes: the registering council and every membership's. */
export async function personCouncilIds (db: Db, person: Person): Promise<string[]> {
  const rows = await db.selectDistinct({ councilId: memberships.councilId }).from(memberships).where(eq(memberships.personId, person.id))
  const ids = new Set(rows.map((row) => row.councilId))
  if (person.ownerCouncilId) ids.add(person.ownerCouncilId)
  return [...ids]
}

/** People registered by, or members of, any of these councils. */
function belongsTo (councilIds: string[]): SQL {
  return or(
    inArray(people.ownerCouncilId, councilIds),
    exists(sql`(select 1 from ${memberships} where ${memberships.personId} = ${people.id} and ${inArray(memberships.councilId, councilIds)})`)
  )!
}

export interface PeopleQuery {
  /** Councils the caller may read; undefined for every council (admins). */
  scope?: string[] | undefined
  councilId?: string | undefined
  kind?: Person['kind'] | undefined
  q?: string | undefined
  afterId?: string | undefined
  limit: number
}

function escapeLike (text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`)
}

export async function listPeople (db: Db, query: PeopleQuery): Promise<Person[]> {
  const conditions: SQL[] = []
  if (query.scope) conditions.push(belongsTo(query.scope))
  if (query.councilId) conditions.push(belongsTo([query.councilId]))
  if (query.kind) conditions.push(eq(people.kind, query.kind))
  // With or without diacritics: "le thi mai" finds "Lê Thị Mai".
  if (query.q) conditions.push(or(ilike(people.fullName, `%${escapeLike(query.q)}%`), ilike(people.searchName, `%${escapeLike(foldForSearch(query.q))}%`))!)
  if (query.afterId) conditions.push(gt(people.id, query.afterId))
  return db.select().from(people).where(and(...conditions)).orderBy(asc(people.id)).limit(query.limit)
}

/** A person the council registered, by e-mail address (any case): who a delegation's substitute is, when known. */
export async function findOwnPersonByEmail (db: Db, councilId: string, email: string): Promise<Person | undefined> {
  const [person] = await db.select().from(people)
    .where(and(eq(people.ownerCouncilId, councilId), sql`lower(${people.email}) = ${email.toLowerCase()}`))
    .orderBy(asc(people.createdAt), asc(people.id)).limit(1)
  return person
}

export async function insertPerson (tx: Db, values: NewPerson): Promise<Person> {
  const [person] = await tx.insert(people).values({ ...values, searchName: foldForSearch(values.fullName) }).returning()
  return person!
}

export async function updatePersonRow (tx: Db, id: string, values: Partial<NewPerson>, now: Date): Promise<Person> {
  const [person] = await tx.update(people).set({ ...values, ...(values.fullName ? { searchName: foldForSearch(values.fullName) } : {}), revision: sql`${people.revision} + 1`, updatedAt: now }).where(eq(people.id, id)).returning()
  return person!
}

const membershipColumns = {
  id: memberships.id,
  councilId: memberships.councilId,
  personId: memberships.personId,
  role: memberships.role,
  startsOn: memberships.startsOn,
  endsOn: memberships.endsOn,
  createdAt: memberships.createdAt,
  updatedAt: memberships.updatedAt,
  person: { fullName: people.fullName, kind: people.kind }
}

export type MembershipView = Membership & { person: { fullName: string, kind: Person['kind'] } }

export async function listMemberships (
  db: Db, councilId: string, filter: { activeOn?: string | undefined, role?: Membership['role'] | undefined }
): Promise<MembershipView[]> {
  const conditions: SQL[] = [eq(memberships.councilId, councilId)]
  if (filter.role) conditions.push(eq(memberships.role, filter.role))
  if (filter.activeOn) {
    conditions.push(lte(memberships.startsOn, filter.activeOn), or(isNull(memberships.endsOn), gte(memberships.endsOn, filter.activeOn))!)
  }
  return db.select(membershipColumns).from(memberships).innerJoin(people, eq(people.id, memberships.personId))
    .where(and(...conditions)).orderBy(asc(memberships.role), asc(people.fullName), asc(memberships.id))
}

export async function findMembership (db: Db, councilId: string, id: string): Promise<MembershipView | undefined> {
  const [membership] = await db.select(membershipColumns).from(memberships).innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.councilId, councilId), eq(memberships.id, id)))
  return membership
}

export async function insertMembership (tx: Db, values: typeof memberships.$inferInsert): Promise<string> {
  const [row] = await tx.insert(memberships).values(values).returning({ id: memberships.id })
  return row!.id
}

export async function updateMembershipRow (tx: Db, id: string, values: Partial<typeof memberships.$inferInsert>, now: Date): Promise<void> {
  await tx.update(memberships).set({ ...values, updatedAt: now }).where(eq(memberships.id, id))
}

export async function deleteMembershipRow (tx: Db, id: string): Promise<void> {
  await tx.delete(memberships).where(eq(memberships.id, id))
}

/** A hearing may have joined or left the person's calendar without a change to the hearing itself. */
export async function markScheduleChanged (tx: Db, personId: string, now: Date): Promise<void> {
  await tx.update(people).set({ scheduleChangedAt: now }).where(eq(people.id, personId))
}
