import { loadConfig, publicBaseUrl } from '../config.js'
import { createDatabase } from '../db/client.js'
import { workerFromConfig } from '../notifications/worker.js'
import { CHANGES_CHANNEL } from '../services/write.js'
import { answerWrites, workerWrites } from '../services/notifications.js'
import { mailboxFromConfig } from '../notifications/mailbox.js'
import { sealing } from '../domain/sealing.js'

/**
 * Delivers the outbox in a process of its own (npm run worker): on PostgreSQL any number of them
 * beside the servers (set NOTIFY_WORKER=off on the servers, or keep both: rows are claimed once);
 * on PGlite only the process that holds the data directory can, so there the server's own worker
 * is the one. Woken by every committed write (LISTEN) and every NOTIFY_POLL_MS.
 */
const config = loadConfig()
if (!config.DATABASE_URL) {
  console.error('npm run worker needs DATABASE_URL (PostgreSQL). On PGlite the server delivers notifications itself (NOTIFY_WORKER=on, the default).')
  process.exit(2)
}
const database = await createDatabase(config)
const base = () => publicBaseUrl(config, config.PORT)
const log = {
  warn: (object: object, message: string) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...object })),
  error: (object: object, message: string) => console.error(JSON.stringify({ level: 'error', msg: message, ...object, err: String((object as { err?: unknown }).err ?? '') }))
}
const now = () => new Date()
const { worker, transport } = workerFromConfig(config, { db: database.db, now, log, baseUrl: base, writes: workerWrites(database.db, now, config.SECRET_KEY ? sealing(config.SECRET_KEY, config.SECRET_KEY_PREVIOUS) : undefined) })
const unlisten = await database.listen(CHANGES_CHANNEL, () => worker.wake(), () => worker.wake())
const answers = mailboxFromConfig(config, answerWrites(database.db, now, { quietHours: config.QUIET_HOURS }), { ...log, info: (object, message) => console.log(JSON.stringify({ level: 'info', msg: message, ...object })) })
worker.start()
answers?.start()
console.log(JSON.stringify({ msg: 'giaitrinh worker is ready', pid: process.pid }))

let stopping = false
async function stop () {
  if (stopping) return
  stopping = true
  await answers?.stop()
  await worker.stop()
  await unlisten()
  transport.close()
  await database.close()
  process.exit(0)
}
process.on('SIGTERM', () => { stop().catch(() => process.exit(1)) })
process.on('SIGINT', () => { stop().catch(() => process.exit(1)) })
