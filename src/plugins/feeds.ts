import fp from 'fastify-plugin'
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
 * The calendar feed cache of this process. It learns of every committed write through the changes
 * plugin: this process's own at once, every replica's through LISTEN.
 * And the polls it answers before Fastify (app.ts's server hands them over).
 */
export default fp<{ revalidateMs: number, maxBytes: number }>(async (app, { revalidateMs, maxBytes }) => {
  const feeds = new FeedCache(app.db, { revalidateMs, maxEntries: 5000, maxBytes, clock: () => app.now().getTime() })
  app.decorate('feeds', feeds)
  // Polls answered at the HTTP server (see FeedPolls) get the same debug line as those Fastify serves.
  app.decorate('feedPolls', new FeedPolls(feeds, () => app.now(), (request) => {
    if (app.log.level === 'debug' || app.log.level === 'trace') {
      app.log.debug({ req: { method: request.method, url: redactUrl(request.url ?? '') }, res: { statusCode: 304 } }, 'feed served')
    }
  }))
  app.changes.on(() => feeds.invalidate())
}, { name: 'feeds', dependencies: ['database', 'changes'] })
