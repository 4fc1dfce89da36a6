import { loadConfig } from '../config.js'
import { createDatabase } from '../db/client.js'

/** Applies pending migrations and exits; the service also does this at every start. */
const config = loadConfig()
const database = await createDatabase(config)
try {
  await database.migrate()
  console.log(`migrations applied (${database.engine})`)
} finally {
  await database.close()
}
