import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { databaseCode, isDatabaseUnavailable } from '../db/errors.js'
import { PATTERN_MESSAGES } from '../schemas/common.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

interface FieldError { field: string, message: string }

/** PostgreSQL error codes a client can cause; anything else is a 500. */
export const DATABASE_PROBLEMS: Record<string, { status: number, detail: string }> = {
  23505: { status: 409, detail: 'This would duplicate an existing record' },
  23503: { status: 409, detail: 'This refers to a record that does not exist, or is still referred to by another' },
  23514: { status: 422, detail: 'This breaks a rule of the data' },
  '23P01': { status: 409, detail: 'This conflicts with an existing record' },
  '22P02': { status: 400, detail: 'A value has the wrong form' },
  22021: { status: 400, detail: 'Text contains a character that cannot be stored, such as a NUL byte' },
  '22P05': { status: 400, detail: 'Text contains a character that cannot be stored, such as a NUL byte' },
  22007: { status: 400, detail: 'A date or time is not valid' },
  22008: { status: 400, detail: 'A date or time is out of range' }
}

function slug (title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}

function fieldErrors (error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as Record<string, string>
    const path = issue.instancePath || ''
    const context = error.validationContext ?? 'body'
    if (issue.keyword === 'additionalProperties') {
      return { field: `${context}${path}/${params.additionalProperty}`, message: `unknown field "${params.additionalProperty}": remove it` }
    }
    if (issue.keyword === 'format' && params.format === 'date-time') {
      return { field: `${context}${path}`, message: 'must be an ISO 8601 date-time with an offset or Z, e.g. 2026-12-10T08:00:00+07:00 (a time without an offset is ambiguous)' }
    }
    if (issue.keyword === 'format' && params.format === 'date') {
      return { field: `${context}${path}`, message: 'must be a calendar date, YYYY-MM-DD' }
    }
    if (issue.keyword === 'pattern' && PATTERN_MESSAGES[params.pattern!]) {
      return { field: `${context}${path}`, message: PATTERN_MESSAGES[params.pattern!]! }
    }
    if (issue.keyword === 'required') {
      return { field: `${context}${path}/${params.missingProperty}`, message: 'is required' }
    }
    return { field: `${context}${path}`, message: issue.message ?? 'is not valid' }
  })
}

/**
 * One error handler for the whole app: every 4xx and 5xx is RFC 9457 problem+json.
 * 5xx details stay in the log, with the request id the client is given.
 */
export default fp(async (app) => {
  app.setErrorHandler(async (error: FastifyError & { problem?: Record<string, unknown> }, request, reply) => {
    let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    let detail = error.message
    let errors: FieldError[] | undefined
    const pgCode = databaseCode(error)

    if (error.validation) {
      status = 400
      errors = fieldErrors(error)
      detail = `The request is not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`
    } else if (isDatabaseUnavailable(error)) {
      status = 503
      reply.header('retry-after', '5')
      request.log.warn({ err: error }, 'database unavailable')
      detail = 'The database cannot be reached just now; send the request again in a few seconds. ' +
        'To retry a write safely, send it with the same Idempotency-Key header: it is then applied once.'
    } else if (pgCode && DATABASE_PROBLEMS[pgCode]) {
      const known = DATABASE_PROBLEMS[pgCode]
      status = known.status
      const constraint = (error as { cause?: { constraint_name?: string, constraint?: string } }).cause
      const name = constraint?.constraint_name ?? constraint?.constraint
      detail = `${known.detail}${name ? ` (${name})` : ''}.`
      request.log.info({ err: error }, 'database refused a client request')
    } else if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      detail = `An internal error occurred. Quote request id ${request.id} when you report it.`
    }

    if (status === 401) reply.header('www-authenticate', 'Bearer realm="giaitrinh"')
    if (status === 429 && error.code === 'GT_TOO_MANY_AUTH_FAILURES') {
      reply.header('retry-after', /\d+/.exec(error.message)?.[0] ?? '60')
    }
    return sendProblem(reply, request, status, detail, { errors, ...(status < 500 ? error.problem : undefined) })
  })

  app.setNotFoundHandler(async (request, reply) => {
    return sendProblem(reply, request, 404, `There is no route ${request.method} ${request.url.split('?')[0]}. See /docs for the API.`)
  })
}, { name: 'errors' })

export function sendProblem (
  reply: FastifyReply, request: FastifyRequest, status: number, detail: string, extra: Record<string, unknown> = {}
) {
  const title = STATUS_CODES[status] ?? 'Error'
  const body: Record<string, unknown> = { type: `/problems/${slug(title)}`, title, status, detail, instance: request.url.split('?')[0], requestId: request.id }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) body[key] = value
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(body)
}
