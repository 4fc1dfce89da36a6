import createError from '@fastify/error'

/**
 * Errors with a stable `code`; the error handler maps them to problem+json.
 * Check errors by code, never by class.
 */
export const NotFoundError = createError<[string]>('GT_NOT_FOUND', '%s', 404)
export const UnauthorizedError = createError<[string]>('GT_UNAUTHORIZED', '%s', 401)
export const ForbiddenError = createError<[string]>('GT_FORBIDDEN', '%s', 403)
export const ConflictError = createError<[string]>('GT_CONFLICT', '%s', 409)
export const InvalidError = createError<[string]>('GT_INVALID', '%s', 400)
export const UnprocessableError = createError<[string]>('GT_UNPROCESSABLE', '%s', 422)

/** Extra members of a problem document (RFC 9457) carried by an error. */
export function withDetails<E extends Error> (error: E, details: Record<string, unknown>): E {
  return Object.assign(error, { problem: details })
}
export const PreconditionRequiredError = createError<[string]>('GT_PRECONDITION_REQUIRED', '%s', 428)
export const PreconditionFailedError = createError<[string]>('GT_PRECONDITION_FAILED', '%s', 412)
