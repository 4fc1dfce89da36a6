import { loadConfig } from '../config.js'
import { createDatabase } from '../db/client.js'
import { seedDemo } from '../demo/seed.js'

/** Loads the Đống Đa demo (idempotently), then starts the service on the same database. */
const config = loadConfig()
const database = await createDatabase(config)
try {
  await database.migrate()
  const { inserted } = await seedDemo(database.db)
  console.log(inserted > 0 ? `demo data loaded (${inserted} records)` : 'demo data already present')
} finally {
  await database.close()
}
await import('../server.js')
