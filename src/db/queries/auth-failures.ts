import { lt, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { authFailures } from '../schema.js'

/** Counts one failure of the address in the window; returns the window's total across replicas. */
export async function countAuthFailure (db: Db, address: string, windowStart: Date): Promise<number> {
  const [row] = await db.insert(authFailures).values({ address, windowStart, failures: 1 })
    .onConflictDoUpdate({ target: [authFailures.address, authFailures.windowStart], set: { failures: sql`${authFailures.failures} + 1` } })
    .returning({ failures: authFailures.failures })
  return row!.failures
}

export async function pruneAuthFailures (db: Db, before: Date): Promise<void> {
  await db.delete(authFailures).where(lt(authFailures.windowStart, before))
}
