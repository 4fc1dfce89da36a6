import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { listAudit } from '../../db/queries/audit.js'
import { COUNCIL_ZONE } from '../../domain/councils.js'
import { fail } from '../../domain/errors.js'
import { zoned } from '../../views/hearing.js'
import { problems } from '../../schemas/common.js'
import { AuditPageSchema, QueryAuditSchema } from '../../schemas/audit.js'
import { readableCouncilIds } from '../../policy/index.js'

/** The audit log: administrators read all of it, supervisors the part of their subtree. */
const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: {
      tags: ['audit'],
      summary: 'Who changed what, newest first',
      security: [{ bearer: [] }],
      querystring: QueryAuditSchema,
      response: { 200: AuditPageSchema, ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const principal = app.requirePrincipal(request)
    if (principal.role === 'secretariat') {
      throw fail('AUDIT_FORBIDDEN')
    }
    const { limit = 100, cursor, councilId, ...filter } = request.query
    let councilIds = await readableCouncilIds(app.db, principal)
    if (councilId) {
      if (councilIds && !councilIds.includes(councilId)) throw fail('TOKEN_COUNCIL_NOT_COVERED')
      councilIds = [councilId]
    }
    const rows = await listAudit(app.db, { ...filter, councilIds, beforeId: cursor === undefined ? undefined : Number(cursor), limit: limit + 1 })
    // Times as hearings show them: ISO 8601 in the councils' zone (Hà Nội), not UTC.
    const items = rows.slice(0, limit).map((row) => ({ ...row, at: zoned(row.at, COUNCIL_ZONE) }))
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]!.id) : null }
  })
}

export default auditRoutes
