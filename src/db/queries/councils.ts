import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { councils } from '../schema.js'

export type Council = typeof councils.$inferSelect
export type NewCouncil = typeof councils.$inferInsert

/** Hierarchies are shallow (province → district → ward); this bound only stops a corrupt cycle. */
const MAX_DEPTH = 16

export async function findCouncil (db: Db, id: string): Promise<Council | undefined> {
  const [council] = await db.select().from(councils).where(eq(councils.id, id))
  return council
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The id of the council a key names: an id is taken as it is (without a query), a code is looked up. */
/** A council by its code, or by its id (the command-line tools take either). */
export async function findCouncilByKey (db: Db, key: string): Promise<Council | undefined> {
  return (await findCouncilByCode(db, key)) ?? (UUID.test(key) ? await findCouncil(db, key) : undefined)
}

export async function councilIdOf (db: Db, key: string): Promise<string | undefined> {
  if (UUID.test(key)) return key
  return (await findCouncilByCode(db, key))?.id
}

export async function findCouncilByCode (db: Db, code: string): Promise<Council | undefined> {
  const [council] = await db.select().from(councils).where(eq(councils.code, code))
  return council
}

/**
 * Rows of a raw query, whichever driver ran it: postgres.js returns an array, PGlite an object
 * with `rows`. Only for what the query builder cannot say (recursive CTEs); cast columns to text or int.
 */
async function rawRows<T> (db: Db, query: SQL): Promise<T[]> {
  const result = await db.execute(query) as unknown as T[] | { rows: T[] }
  return Array.isArray(result) ? result : result.rows
}

/** The council's id, then its parent's, up to the root. Empty when the council does not exist. One query. */
export async function councilAncestry (db: Db, id: string): Promise<string[]> {
  const rows = await rawRows<{ id: string }>(db, sql`
    with recursive chain(id, parent_id, depth) as (
      select id, parent_id, 0 from ${councils} where id = ${id}
      union all
      select c.id, c.parent_id, chain.depth + 1 from ${councils} c join chain on c.id = chain.parent_id
      where chain.depth < ${MAX_DEPTH}
    ) cycle id set is_cycle using path
    select id::text as id from chain where not is_cycle order by depth`)
  return rows.map((row) => row.id)
}

/** The ids of a council and all its descendants with their depth (0 for the root). One query. */
async function subtreeDepths (db: Db, rootId: string): Promise<Map<string, number>> {
  const rows = await rawRows<{ id: string, depth: number }>(db, sql`
    with recursive tree(id, depth) as (
      select id, 0 from ${councils} where id = ${rootId}
      union all
      select c.id, tree.depth + 1 from ${councils} c join tree on c.parent_id = tree.id
      where tree.depth < ${MAX_DEPTH}
    ) cycle id set is_cycle using path
    select id::text as id, depth::int as depth from tree where not is_cycle`)
  return new Map(rows.map((row) => [row.id, Number(row.depth)]))
}

/** The council and all its descendants, each with its depth below the root (0 for the root), breadth first. */
export async function councilSubtree (db: Db, rootId: string, activeOn?: string): Promise<Array<Council & { depth: number }>> {
  const depths = await subtreeDepths(db, rootId)
  if (depths.size === 0) return []
  const rows = await db.select().from(councils).where(inArray(councils.id, [...depths.keys()]))
  const result = rows.map((council) => ({ ...council, depth: depths.get(council.id)! }))
    .sort((a, b) => a.depth - b.depth || a.code.localeCompare(b.code))
  return activeOn ? result.filter((council, i) => i === 0 || isActiveOn(council, activeOn)) : result
}

export async function descendantIds (db: Db, rootId: string): Promise<string[]> {
  return [...(await subtreeDepths(db, rootId)).keys()]
}

function isActiveOn (council: Council, day: string): boolean {
  return council.activeFrom <= day && (council.activeTo === null || council.activeTo >= day)
}

export function activeOnCondition (day: string): SQL {
  return and(lte(councils.activeFrom, day), or(isNull(councils.activeTo), gte(councils.activeTo, day)))!
}

export interface CouncilQuery {
  parentId?: string | undefined
  level?: Council['level'] | undefined
  activeOn?: string | undefined
  afterCode?: string | undefined
  limit: number
}

export async function listCouncils (db: Db, query: CouncilQuery): Promise<Council[]> {
  const conditions: SQL[] = []
  if (query.parentId) conditions.push(eq(councils.parentId, query.parentId))
  if (query.level) conditions.push(eq(councils.level, query.level))
  if (query.activeOn) conditions.push(activeOnCondition(query.activeOn))
  if (query.afterCode !== undefined) conditions.push(gt(councils.code, query.afterCode))
  return db.select().from(councils).where(and(...conditions)).orderBy(asc(councils.code)).limit(query.limit)
}

export async function insertCouncil (tx: Db, values: NewCouncil): Promise<Council> {
  const [council] = await tx.insert(councils).values(values).returning()
  return council!
}

export async function updateCouncilRow (tx: Db, id: string, values: Partial<NewCouncil>, now: Date): Promise<Council> {
  const [council] = await tx.update(councils).set({ ...values, revision: sql`${councils.revision} + 1`, updatedAt: now }).where(eq(councils.id, id)).returning()
  return council!
}

/** Serialises changes to the hierarchy, so two concurrent re-parentings cannot form a cycle. */
export async function lockHierarchy (tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7240411, 1)`)
}

/** Councils with units below them (the ones a coverage report is about), by name; within `ids` when given. */
export async function parentCouncils (db: Db, ids: string[] | undefined, limit = 500): Promise<Array<Pick<Council, 'id' | 'code' | 'name'>>> {
  const hasChildren = sql`exists (select 1 from ${councils} as "child" where "child"."parent_id" = ${councils.id})`
  return db.select({ id: councils.id, code: councils.code, name: councils.name }).from(councils)
    .where(and(hasChildren, ids ? inArray(councils.id, ids) : undefined))
    .orderBy(asc(councils.name)).limit(limit)
}

/** Ids of the councils with these codes, by code. */
export async function councilIdsByCode (db: Db, codes: string[]): Promise<Record<string, string>> {
  const rows = await db.select({ id: councils.id, code: councils.code }).from(councils).where(inArray(councils.code, codes))
  return Object.fromEntries(rows.map((row) => [row.code, row.id]))
}
