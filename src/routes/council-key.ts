import type { FastifyInstance, FastifyRequest } from 'fastify'
import { councilIdOf } from '../db/queries/councils.js'
import { fail } from '../domain/errors.js'

/**
 * Lets a route take a council's code where it takes its id (/v1/councils/dong-da): a preHandler
 * that puts the id in place of the code in `params[name]`, or answers 404 for a code no council has.
 */
export function councilKeyHook (app: FastifyInstance, name = 'id') {
  return async (request: FastifyRequest) => {
    const params = request.params as Record<string, string | undefined>
    const key = params[name]
    if (key === undefined) return
    const id = await councilIdOf(app.db, key)
    if (!id) throw fail('COUNCIL_CODE_NOT_FOUND', { code: key })
    params[name] = id
  }
}
