/**
 * The service with the Đống Đa demo loaded, in its own process, for benchmarks:
 * prints {"msg":"giaitrinh is ready","address":…} when it listens. Uses DATABASE_URL or a fresh DATA_DIR.
 */
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDatabase } from '../src/db/client.js'
import { seedDemo } from '../src/demo/seed.js'

const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env })
const database = await createDatabase(config)
await database.migrate()
if (!process.env.SKIP_DEMO) await seedDemo(database.db)
const app = await buildApp(config, { database })
app.addHook('onClose', () => database.close())
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ msg: 'giaitrinh is ready', address, engine: database.engine }))
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
