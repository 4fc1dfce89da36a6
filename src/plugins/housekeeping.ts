import fp from 'fastify-plugin'
import { pruneEnded, type Pruned } from '../db/queries/housekeeping.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Removes what ended more than RETENTION_DAYS ago; runs hourly by itself. */
    housekeeping: { run (): Promise<Pruned> }
  }
}

const HOUR = 3_600_000

/**
 * Tables that only grow are kept to what is still of use: every hour (and once at start), notices
 * done with, calendar links and API tokens that ended more than RETENTION_DAYS ago are removed.
 * Idempotency keys have their own day (plugins/idempotency.ts). Replicas may all run it: deleting
 * what another already deleted costs nothing.
 */
export default fp(async (app) => {
  const run = async (): Promise<Pruned> => {
    const before = new Date(app.now().getTime() - app.config.RETENTION_DAYS * 24 * HOUR)
    // A withdrawn invitation's calendar says 410 Gone for as long again after showing the event cancelled.
    const pruned = await pruneEnded(app.db, before, new Date(before.getTime() - app.config.RETENTION_DAYS * 24 * HOUR))
    if (Object.values(pruned).some((count) => count > 0)) app.log.info({ pruned, before }, 'housekeeping: removed what had ended')
    return pruned
  }
  app.decorate('housekeeping', { run })
  let timer: NodeJS.Timeout | undefined
  const round = () => { run().catch((error: unknown) => app.log.warn({ err: error }, 'housekeeping failed; it runs again in an hour')) }
  app.addHook('onReady', async () => {
    timer = setInterval(round, HOUR)
    timer.unref()
    round()
  })
  app.addHook('onClose', async () => clearInterval(timer))
}, { name: 'housekeeping', dependencies: ['database'] })
