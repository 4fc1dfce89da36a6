import fp from 'fastify-plugin'
import { CHANGES_CHANNEL } from '../db/queries/audit.js'
import { FeedCache } from '../feeds/cache.js'
import { FeedPolls } from '../feeds/polls.js'
import { redactUrl } from '../logging.js'

declare module 'fastify' {
  interface FastifyInstance {
    feeds: FeedCache
    feedPolls: FeedPolls
  }
}

/**
 * The calendar feed cache of this process. It learns of every committed write: its own at once
 * (app.ts invalidates after every successful write request), every replica's through LISTEN.
 * And the polls it answers before Fastify (app.ts's server hands them over).
 */
export default fp<{ revalidateMs: number }>(async (app, { revalidateMs }) => {
  const feeds = new FeedCache(app.db, { revalidateMs, maxEntries: 5000, maxEvents: 2000, clock: () => app.now().getTime() })
  app.decorate('feeds', feeds)
  // Polls answered at the HTTP server (see FeedPolls) get the same debug line as those Fastify serves.
  app.decorate('feedPolls', new FeedPolls(feeds, () => app.now(), (request) => {
    if (app.log.level === 'debug' || app.log.level === 'trace') {
      app.log.debug({ req: { method: request.method, url: redactUrl(request.url ?? '') }, res: { statusCode: 304 } }, 'feed served')
    }
  }))
  const unlisten = await app.database.listen(CHANGES_CHANNEL, () => feeds.invalidate())
  app.addHook('onClose', async () => {
    try { await unlisten() } catch { /* the connection is already closed: nothing to stop */ }
  })
}, { name: 'feeds', dependencies: ['database'] })
