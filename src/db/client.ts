import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { btree_gist as btreeGist } from '@electric-sql/pglite/contrib/btree_gist'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import * as schema from './schema.js'
import { acquireDataDirLock } from './data-dir-lock.js'
import { migratePgliteDb, migratePostgresUrl } from './migrate.js'

/** Fits PGlite, postgres.js and a transaction handle alike. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  readonly db: Db
  readonly engine: 'pglite' | 'postgres'
  /** The connection URL, on PostgreSQL. */
  readonly url?: string
  /** Applies pending migrations from drizzle/ (under an advisory lock on PostgreSQL). */
  migrate(): Promise<void>
  /** Answers when the database answers a query; throws otherwise. */
  ping(): Promise<void>
  /**
   * Calls back on every NOTIFY on the channel, after the notifying transaction commits; returns unlisten.
   * `onListen` is called each time listening starts, also after a lost connection comes back (when
   * notifications may have been missed).
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** DATA_DIR value for a throw-away in-memory database (tools, experiments). */
export const MEMORY = 'memory://'

/** Extensions the migrations create; PGlite must have them loaded at construction. */
export const pgliteExtensions = { btree_gist: btreeGist }

export interface DatabaseOptions {
  DATABASE_URL?: string | undefined
  DATA_DIR: string
  DB_POOL_SIZE?: number
}

/**
 * PostgreSQL through postgres.js when DATABASE_URL is set, otherwise an embedded PGlite in DATA_DIR
 * (or in memory when DATA_DIR is memory://).
 * A PGlite data directory is locked for this process: a second process refuses to open it.
 */
export async function createDatabase (options: DatabaseOptions): Promise<Database> {
  if (options.DATABASE_URL) return createPostgres(options.DATABASE_URL, options.DB_POOL_SIZE ?? 10)
  if (options.DATA_DIR === MEMORY) return wrapPglite(await PGlite.create({ extensions: pgliteExtensions }))
  const dataDir = resolve(options.DATA_DIR)
  await mkdir(dataDir, { recursive: true })
  const lock = acquireDataDirLock(dataDir)
  try {
    const client = await PGlite.create({ dataDir: join(dataDir, 'pgdata'), extensions: pgliteExtensions })
    return wrapPglite(client, () => lock.release())
  } catch (error) {
    lock.release()
    throw error
  }
}

export function createPostgres (url: string, max = 10): Database {
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'giaitrinh' } })
  const db = drizzlePostgres(client, { schema }) as unknown as Db
  return {
    db,
    engine: 'postgres',
    url,
    migrate: () => migratePostgresUrl(url),
    async ping () { await db.execute(sql`select 1`) },
    async listen (channel, onNotify, onListen) {
      const { unlisten } = await client.listen(channel, onNotify, onListen)
      return unlisten
    },
    async close () { await client.end({ timeout: 5 }) }
  }
}

/** Wraps an open PGlite (a data directory, memory, or a loaded dump in tests). */
export function wrapPglite (client: PGlite, afterClose: () => void = () => {}): Database {
  const db = drizzlePglite(client, { schema }) as unknown as Db
  return {
    db,
    engine: 'pglite',
    migrate: () => migratePgliteDb(db),
    async ping () { await db.execute(sql`select 1`) },
    async listen (channel, onNotify, onListen) {
      // One process, one connection, in the same process: it cannot be lost without the process.
      const unlisten = await client.listen(channel, onNotify)
      onListen?.()
      return async () => { if (!client.closed) await unlisten() }
    },
    async close () {
      try {
        if (!client.closed) await client.close()
      } finally {
        afterClose()
      }
    }
  }
}
