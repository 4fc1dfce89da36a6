import { ERRORS, type ErrorCode, type ErrorParams } from '../words/errors.js'

export type { ErrorCode, ErrorParams }

/**
 * An error the service answers with, by its code (see src/words/errors.ts): the error handler maps
 * the code to its status and problem+json, in English for the API and in the person's language on
 * pages. Check errors by code, never by class or message.
 */
export class AppError extends Error {
  readonly statusCode: number
  /** Extra members of the problem document (RFC 9457). */
  problem?: Record<string, unknown>

  constructor (readonly code: ErrorCode, readonly params: ErrorParams = {}) {
    super(ERRORS[code].en(params))
    this.name = 'AppError'
    this.statusCode = ERRORS[code].status
  }
}

/** The error for a code and its facts: `throw fail('HEARING_NOT_FOUND', { id })`. */
export function fail (code: ErrorCode, params: ErrorParams = {}, problem?: Record<string, unknown>): AppError {
  const error = new AppError(code, params)
  if (problem) error.problem = problem
  return error
}

/** Whether an error is one of these codes (e.g. a "not found" to answer in another way). */
export function isError (error: unknown, ...codes: ErrorCode[]): boolean {
  return error instanceof Error && codes.includes((error as { code?: string }).code as ErrorCode)
}

/** Extra members of a problem document (RFC 9457) carried by an error. */
export function withDetails<E extends Error> (error: E, details: Record<string, unknown>): E {
  return Object.assign(error, { problem: details })
}
