/** The PostgreSQL error code (SQLSTATE) under a driver's or drizzle's wrapper, if any. */
export function databaseCode (error: unknown): string | undefined {
  for (let current = error as { code?: unknown, cause?: unknown } | undefined, depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code) && 'severity' in current) return current.code
    current = current.cause as typeof current
  }
  return undefined
}

/** A violated exclusion constraint: a double booking that lost a race with another request. */
export function isExclusionViolation (error: unknown): boolean {
  return databaseCode(error) === '23P01'
}
