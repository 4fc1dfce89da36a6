import type { FastifyInstance, FastifyRequest } from 'fastify'
import { councilAncestry, findCouncil, type Council } from '../../db/queries/councils.js'
import { canReadPrivate } from '../../domain/access.js'
import { ForbiddenError, InvalidError, NotFoundError, UnauthorizedError } from '../../domain/errors.js'
import type { Period } from '../../domain/coverage.js'

/**
 * Who reads a coverage report: the parent's admins, secretariat and supervisors (of it or an
 * ancestor) read all of it; anyone reads it where the council made coverage public; a child's
 * secretariat reads its own line.
 */
export async function coverageAccess (app: FastifyInstance, request: FastifyRequest, councilId: string): Promise<{ parent: Council, onlyUnit?: string }> {
  const parent = await findCouncil(app.db, councilId)
  if (!parent) throw new NotFoundError(`No council with id ${councilId}.`)
  const principal = request.principal
  if (principal && canReadPrivate(principal, await councilAncestry(app.db, parent.id))) return { parent }
  if (parent.coveragePublic) return { parent }
  if (principal?.role === 'secretariat') {
    const own = await findCouncil(app.db, principal.councilId)
    if (own?.parentId === parent.id) return { parent, onlyUnit: own.id }
  }
  if (!principal) throw new UnauthorizedError('This council\'s coverage is not public: send "Authorization: Bearer <token>", or sign in on the dashboard.')
  throw new ForbiddenError('Your token does not cover this council\'s coverage report.')
}

export function periodOf (query: { year?: number | undefined, from?: string | undefined, to?: string | undefined }): Period {
  if (query.year !== undefined) {
    if (query.from || query.to) throw new InvalidError('Give either year, or from and to, not both.')
    return { from: `${query.year}-01-01`, to: `${query.year}-12-31` }
  }
  if (!query.from || !query.to) throw new InvalidError('Give year, or from and to (e.g. a council term: from=2016-07-01&to=2021-06-30).')
  if (query.to < query.from) throw new InvalidError('to must not be before from.')
  return { from: query.from, to: query.to }
}
