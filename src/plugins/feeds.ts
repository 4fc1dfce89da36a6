import fp from 'fastify-plugin'
import { CHANGES_CHANNEL } from '../db/queries/audit.js'
import { FeedCache } from '../feeds/cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    feeds: FeedCache
  }
}

/**
 * The calendar feed cache of this process. It learns of every committed write: its own at once
 * (app.ts invalidates after every successful write request), every replica's through LISTEN.
 */
export default fp<{ revalidateMs: number }>(async (app, { revalidateMs }) => {
  const feeds = new FeedCache(app.db, { revalidateMs, maxEntries: 5000, maxEvents: 2000, clock: () => app.now().getTime() })
  app.decorate('feeds', feeds)
  const unlisten = await app.database.listen(CHANGES_CHANNEL, () => feeds.invalidate())
  app.addHook('onClose', async () => {
    try { await unlisten() } catch { /* the connection is already closed: nothing to stop */ }
  })
}, { name: 'feeds', dependencies: ['database'] })
