import type { Db } from '../db/client.js'
import { councilAncestry, descendantIds, findCouncil, type Council } from '../db/queries/councils.js'
import { findHearing, type Hearing } from '../db/queries/hearings.js'
import { findPerson, personCouncilIds, type Person } from '../db/queries/people.js'
import { canReadPrivate, canWrite, readScope, type Principal } from '../domain/access.js'
import { fail, isError, type ErrorCode } from '../domain/errors.js'
import { isPublicHearing } from '../domain/hearings.js'

/**
 * Who may see or change what, as the routes ask it: the one place for object-level access.
 * The rules themselves are pure (domain/access.ts); this loads what they need. Every route
 * that touches a council's hearing, person or report asks here, never a copy of the rule.
 */

/** The councils whose private data the principal reads; undefined means all (admins). */
export async function readableCouncilIds (db: Db, principal: Principal): Promise<string[] | undefined> {
  const scope = readScope(principal)
  if (scope.all) return undefined
  return scope.descendants ? descendantIds(db, scope.rootCouncilId) : [scope.rootCouncilId]
}

/** Public, non-draft hearings are for everyone; the rest only within the council's scope. */
export async function canSeeHearing (db: Db, principal: Principal | undefined, hearing: Hearing) {
  const inScope = principal ? canReadPrivate(principal, await councilAncestry(db, hearing.councilId)) : false
  return { visible: inScope || isPublicHearing(hearing), inScope }
}

/** Whether the caller may see the hearing with this id (a conflict may name it only then). */
export async function canSeeHearingId (db: Db, principal: Principal, id: string): Promise<boolean> {
  const hearing = await findHearing(db, id)
  return hearing !== undefined && (await canSeeHearing(db, principal, hearing)).visible
}

/** The hearing if the caller may see it; otherwise a 404, so restricted hearings do not leak. */
export async function visibleHearing (db: Db, principal: Principal | undefined, id: string) {
  const hearing = await findHearing(db, id)
  if (hearing) {
    const access = await canSeeHearing(db, principal, hearing)
    if (access.visible) return { hearing, inScope: access.inScope }
  }
  throw fail('HEARING_NOT_VISIBLE', { id })
}

/** A person the caller may not read is a 404: their existence is private too. */
export async function readablePerson (db: Db, principal: Principal, id: string): Promise<{ person: Person, councilIds: string[] }> {
  const person = await findPerson(db, id)
  if (person) {
    const councilIds = await personCouncilIds(db, person)
    if (principal.role === 'admin') return { person, councilIds }
    for (const councilId of councilIds) {
      if (canReadPrivate(principal, await councilAncestry(db, councilId))) return { person, councilIds }
    }
  }
  throw fail('PERSON_NOT_VISIBLE', { id })
}

/** Whether the caller may read the person's record (and so where they attend, not only where they explain). */
export async function canReadPerson (db: Db, principal: Principal | undefined, id: string): Promise<boolean> {
  if (!principal) return false
  return readablePerson(db, principal, id).then(() => true, (error: { code?: string }) => {
    if (isError(error, 'PERSON_NOT_VISIBLE')) return false
    throw error
  })
}

/**
 * A person the caller may attach to its council's records (a membership, an invitation): only one
 * it may already see. Attaching would otherwise open someone else's records: a membership gives
 * the council their contact details, edits and a feed link showing their other council's hearings.
 */
export async function attachablePerson (db: Db, principal: Principal, personId: string): Promise<Person> {
  try {
    return (await readablePerson(db, principal, personId)).person
  } catch (error) {
    if (!isError(error, 'PERSON_NOT_VISIBLE')) throw error
    throw fail('PERSON_NOT_IN_COUNCIL', { id: personId })
  }
}

/** A person the caller may change (their record, their calendar link): the secretariat of a council they belong to, or an admin. */
export async function manageablePerson (db: Db, principal: Principal, id: string, forbidden: ErrorCode): Promise<Person> {
  const { person, councilIds } = await readablePerson(db, principal, id)
  if (principal.role !== 'admin' && !councilIds.some((councilId) => canWrite(principal, councilId))) throw fail(forbidden)
  return person
}

/**
 * A person whose private calendar link the caller manages: an administrator, or the secretariat of
 * the council that registered them. A council that only counts them as a member may not: a new link
 * cuts the person's own one to its grace period, and their feed shows every council's hearings they
 * are invited to, restricted ones included.
 */
export async function feedLinkPerson (db: Db, principal: Principal, id: string): Promise<Person> {
  const { person } = await readablePerson(db, principal, id)
  if (principal.role === 'admin' || (person.ownerCouncilId !== null && canWrite(principal, person.ownerCouncilId))) return person
  throw fail('FEED_LINK_FORBIDDEN')
}

/**
 * Who reads a coverage report: the parent's admins, secretariat and supervisors (of it or an
 * ancestor) read all of it; anyone reads it where the council made coverage public; a child's
 * secretariat reads its own line.
 */
export async function coverageAccess (db: Db, principal: Principal | undefined, councilId: string): Promise<{ parent: Council, onlyUnit?: string }> {
  const parent = await findCouncil(db, councilId)
  if (!parent) throw fail('COUNCIL_NOT_FOUND', { id: councilId })
  if (principal && canReadPrivate(principal, await councilAncestry(db, parent.id))) return { parent }
  if (parent.coveragePublic) return { parent }
  if (principal?.role === 'secretariat') {
    const own = await findCouncil(db, principal.councilId)
    if (own?.parentId === parent.id) return { parent, onlyUnit: own.id }
  }
  if (!principal) throw fail('COVERAGE_NEEDS_TOKEN')
  throw fail('COVERAGE_FORBIDDEN')
}

/** A coverage report as the policy sees it: per-unit lines, and totals and the parent's own line. */
interface Report { units: Array<{ councilId: string }>, totals: unknown, own: unknown }

/** A report limited to the caller's own line, when that is all it may read. */
export type VisibleReport<R extends Report> = Omit<R, 'totals' | 'own'> & { totals: R['totals'] | null, own: R['own'] | null }

export function restrict<R extends Report> (report: R, onlyUnit: string | undefined): VisibleReport<R> {
  if (!onlyUnit) return report
  return { ...report, totals: null, own: null, units: report.units.filter((u) => u.councilId === onlyUnit) }
}
