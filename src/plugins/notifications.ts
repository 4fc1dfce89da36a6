import fp from 'fastify-plugin'
import { workerFromConfig, type NotificationWorker } from '../notifications/worker.js'
import { answerWrites, workerWrites } from '../services/notifications.js'
import { mailboxFromConfig, type AnswerMailbox } from '../notifications/mailbox.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's notification worker; undefined with NOTIFY_WORKER=off (`npm run worker` delivers). */
    notifier: NotificationWorker | undefined
    /** The mailbox calendar answers are read from (IMAP_URL), in the process that delivers notices. */
    answers: AnswerMailbox | undefined
  }
}

/**
 * Delivers the outbox in this process (NOTIFY_WORKER=on, the default): woken by every committed
 * write (this process's at once, other replicas' through LISTEN) and every NOTIFY_POLL_MS for rows
 * that become due with time (retries). Starts when the app is ready, stops with it.
 */
export default fp(async (app) => {
  const { config } = app
  if (config.NOTIFY_WORKER === 'off') {
    app.decorate('notifier', undefined)
    app.decorate('answers', undefined)
    return
  }
  const { worker, transport } = workerFromConfig(config, { db: app.db, now: app.now, log: app.log, baseUrl: app.publicBaseUrl, writes: workerWrites(app.db, app.now, app.sealing) })
  app.decorate('notifier', worker)
  app.changes.on(() => worker.wake())
  const answers = mailboxFromConfig(config, answerWrites(app.db, app.now, { quietHours: app.quietHours, announce: (changes) => app.changes.announce(changes) }), app.log)
  app.decorate('answers', answers)
  app.addHook('onReady', async () => {
    worker.start()
    answers?.start()
  })
  app.addHook('onClose', async () => {
    await answers?.stop()
    await worker.stop()
    transport.close()
  })
}, { name: 'notifications', dependencies: ['database', 'changes', 'secrets'] })
