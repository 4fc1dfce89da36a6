import type { Db } from '../db/client.js'
import { descendantIds } from '../db/queries/councils.js'
import { readScope, type Principal } from '../domain/access.js'

/** The councils whose private data the principal reads; undefined means all (admins). */
export async function readableCouncilIds (db: Db, principal: Principal): Promise<string[] | undefined> {
  const scope = readScope(principal)
  if (scope.all) return undefined
  return scope.descendants ? descendantIds(db, scope.rootCouncilId) : [scope.rootCouncilId]
}
