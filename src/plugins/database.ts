import fp from 'fastify-plugin'
import { createDatabase, type Database, type Db } from '../db/client.js'
import type { Config } from '../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    db: Db
  }
}

export interface DatabasePluginOptions {
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'DB_POOL_SIZE'>
  /** An open database to use instead of one made from config; the caller owns and closes it. */
  database?: Database | undefined
}

/** Opens the database (PGlite or PostgreSQL), applies migrations, and closes it with the app. */
export default fp<DatabasePluginOptions>(async (app, { config, database }) => {
  const owned = !database
  const opened = database ?? await createDatabase(config)
  try {
    await opened.migrate()
  } catch (error) {
    if (owned) await opened.close()
    throw error
  }
  app.decorate('database', opened)
  app.decorate('db', opened.db)
  if (owned) app.addHook('onClose', async () => { await opened.close() })
}, { name: 'database' })
