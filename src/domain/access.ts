/**
 * Who may see or change which council's data. Pure: callers load the ancestry of the council
 * they touch (the council itself first, then its parent, up to the root) and ask here.
 */
export type Principal =
  | { role: 'admin', tokenId: string | null, label: string, userId?: string | undefined }
  | { role: 'secretariat' | 'supervisor', tokenId: string | null, label: string, councilId: string, userId?: string | undefined }

/** A council's id followed by its ancestors' ids, nearest first. */
export type Ancestry = readonly string[]

/** Private data (contact details, memberships, audit) of the council at the head of `ancestry`. */
export function canReadPrivate (principal: Principal | undefined, ancestry: Ancestry): boolean {
  if (!principal) return false
  switch (principal.role) {
    case 'admin': return true
    case 'secretariat': return ancestry[0] === principal.councilId
    case 'supervisor': return ancestry.includes(principal.councilId)
  }
}

/** Writes to the council's own data: its admin or its own secretariat. Supervisors only read. */
export function canWrite (principal: Principal | undefined, councilId: string): boolean {
  if (!principal) return false
  return principal.role === 'admin' || (principal.role === 'secretariat' && principal.councilId === councilId)
}

/**
 * The councils whose private data a principal reads, as a rule a query can apply:
 * everything, one council, or a council with all its descendants.
 */
export type ReadScope = { all: true } | { all: false, rootCouncilId: string, descendants: boolean }

export function readScope (principal: Principal): ReadScope {
  if (principal.role === 'admin') return { all: true }
  return { all: false, rootCouncilId: principal.councilId, descendants: principal.role === 'supervisor' }
}
