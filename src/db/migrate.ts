import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import postgres from 'postgres'

/** drizzle/ at the package root, from src/db (tsx, tap) and dist/db (built) alike. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

/** Any fixed number: the key of the session advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK_KEY = 7_240_411_2019

/**
 * Applies pending migrations on PostgreSQL. Replicas starting together wait on one advisory lock,
 * so the migrations run once and every replica comes up after them.
 */
export async function migratePostgresUrl (url: string): Promise<void> {
  // One connection: the session lock and the migrations must share it.
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'giaitrinh-migrate' } })
  try {
    const db = drizzlePostgres(client)
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`)
    try {
      await migratePostgres(db, { migrationsFolder })
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`)
    }
  } finally {
    await client.end({ timeout: 5 })
  }
}

/** PGlite has one connection and one process: no lock needed. */
export async function migratePgliteDb (db: unknown): Promise<void> {
  await migratePglite(db as PgliteDatabase, { migrationsFolder })
}
