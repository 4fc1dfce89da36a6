import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { databaseCode, isDatabaseUnavailable } from '../db/errors.js'
import { PATTERN_MESSAGES } from '../schemas/common.js'
import { AppError, fail, type ErrorCode } from '../domain/errors.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

interface FieldError { field: string, message: string }

/** PostgreSQL error codes a client can cause, as the service's own; anything else is a 500. */
const DATABASE_PROBLEMS: Record<string, ErrorCode> = {
  23505: 'DUPLICATE',
  23503: 'REFERENCE_BROKEN',
  23514: 'DATA_RULE',
  '23P01': 'OVERLAP',
  '22P02': 'VALUE_FORM',
  22021: 'UNSTORABLE_CHARACTER',
  '22P05': 'UNSTORABLE_CHARACTER',
  22007: 'DATE_INVALID',
  22008: 'DATE_OUT_OF_RANGE'
}

/**
 * The service's own error for any error a request ended in: a coded error as it is; a database's
 * refusal that a client can cause, or the database being out of reach, as its code (never with the
 * database's own message, which holds the query); anything else is INTERNAL.
 */
export function asAppError (error: FastifyError, request: FastifyRequest): AppError | undefined {
  if (error instanceof AppError) return error
  if (error.validation) return undefined
  if (isDatabaseUnavailable(error)) return fail('DATABASE_UNAVAILABLE')
  const database = DATABASE_PROBLEMS[databaseCode(error) ?? '']
  if (database) {
    const cause = (error as { cause?: { constraint_name?: string, constraint?: string } }).cause
    return fail(database, { constraint: cause?.constraint_name ?? cause?.constraint ?? '' })
  }
  const status = error.statusCode ?? 500
  if (status >= 500 || status < 400) return fail('INTERNAL', { requestId: request.id })
  return undefined
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
    const known = asAppError(error, request)

    if (error.validation) {
      status = 400
      errors = fieldErrors(error)
      detail = fail('REQUEST_INVALID', { errors: errors.map((e) => `${e.field} ${e.message}`).join('; ') }).message
    } else if (known) {
      status = known.statusCode
      detail = known.message
      if (known.code === 'DATABASE_UNAVAILABLE') {
        reply.header('retry-after', '5')
        request.log.warn({ err: error }, 'database unavailable')
      } else if (known.code === 'INTERNAL') {
        request.log.error({ err: error }, 'request failed')
      } else if (known !== error) {
        request.log.info({ err: error }, 'database refused a client request')
      }
    }

    if (status === 401) reply.header('www-authenticate', 'Bearer realm="giaitrinh"')
    if (known?.code === 'TOO_MANY_AUTH_FAILURES') reply.header('retry-after', String(known.params.seconds ?? 60))
    if (known?.code === 'RESEND_LIMIT') reply.header('retry-after', '3600')
    return sendProblem(reply, request, status, detail, { code: error.validation ? 'REQUEST_INVALID' : known?.code, errors, ...(status < 500 ? error.problem : undefined) })
  })

  app.setNotFoundHandler(async (request, reply) => {
    const notFound = fail('ROUTE_NOT_FOUND', { method: request.method, path: request.url.split('?')[0]! })
    return sendProblem(reply, request, 404, notFound.message, { code: notFound.code })
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
