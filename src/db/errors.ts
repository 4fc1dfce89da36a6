type Cause = { code?: unknown, cause?: unknown }

/** The error and what it wraps (drizzle's and the drivers' wrappers), a few levels deep. */
function * causes (error: unknown): Generator<Cause> {
  for (let current = error as Cause | undefined, depth = 0; current && depth < 4; depth++) {
    yield current
    current = current.cause as Cause | undefined
  }
}

/** The PostgreSQL error code (SQLSTATE) under a driver's or drizzle's wrapper, if any. */
export function databaseCode (error: unknown): string | undefined {
  for (const current of causes(error)) {
    if (typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code) && 'severity' in current) return current.code
  }
  return undefined
}

/** A violated exclusion constraint: a double booking that lost a race with another request. */
export function isExclusionViolation (error: unknown): boolean {
  return databaseCode(error) === '23P01'
}

/** Driver and socket codes (postgres.js, Node) of a connection that is gone or cannot be made. */
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])

/**
 * The database could not be reached or dropped the connection (SQLSTATE class 08, or 57P01–57P03:
 * shut down, crashed, starting): the request may succeed if sent again, so it is a 503, not a 500.
 */
export function isDatabaseUnavailable (error: unknown): boolean {
  const code = databaseCode(error)
  if (code && (code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code))) return true
  for (const current of causes(error)) {
    if (typeof current.code === 'string' && CONNECTION_CODES.has(current.code)) return true
  }
  return false
}
