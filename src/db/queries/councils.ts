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

export async function findCouncilByCode (db: Db, code: string): Promise<Council | undefined> {
  const [council] = await db.select().from(councils).where(eq(councils.code, code))
  return council
}

/** The council's id, then its parent's, up to the root. Empty when the council does not exist. */
export async function councilAncestry (db: Db, id: string): Promise<string[]> {
  const chain: string[] = []
  let current: string | null = id
  while (current && chain.length < MAX_DEPTH) {
    const [row]: { id: string, parentId: string | null }[] = await db
      .select({ id: councils.id, parentId: councils.parentId }).from(councils).where(eq(councils.id, current))
    if (!row || chain.includes(row.id)) break
    chain.push(row.id)
    current = row.parentId
  }
  return chain
}

/** The council and all its descendants, each with its depth below the root (0 for the root). */
export async function councilSubtree (db: Db, rootId: string, activeOn?: string): Promise<Array<Council & { depth: number }>> {
  const [root] = await db.select().from(councils).where(eq(councils.id, rootId))
  if (!root) return []
  const result: Array<Council & { depth: number }> = [{ ...root, depth: 0 }]
  const seen = new Set([root.id])
  let frontier = [root.id]
  for (let depth = 1; frontier.length > 0 && depth < MAX_DEPTH; depth++) {
    const children = await db.select().from(councils)
      .where(inArray(councils.parentId, frontier)).orderBy(asc(councils.code))
    frontier = []
    for (const child of children) {
      if (seen.has(child.id)) continue
      seen.add(child.id)
      frontier.push(child.id)
      result.push({ ...child, depth })
    }
  }
  return activeOn ? result.filter((council, i) => i === 0 || isActiveOn(council, activeOn)) : result
}

export async function descendantIds (db: Db, rootId: string): Promise<string[]> {
  return (await councilSubtree(db, rootId)).map((council) => council.id)
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

export async function updateCouncilRow (tx: Db, id: string, values: Partial<NewCouncil>): Promise<Council> {
  const [council] = await tx.update(councils).set({ ...values, updatedAt: sql`now()` }).where(eq(councils.id, id)).returning()
  return council!
}

/** Serialises changes to the hierarchy, so two concurrent re-parentings cannot form a cycle. */
export async function lockHierarchy (tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7240411, 1)`)
}
