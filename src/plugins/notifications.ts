import fp from 'fastify-plugin'
import { feedOptions } from '../routes/feeds/http.js'
import { createMailTransport, NotificationWorker } from '../notifications/worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's notification worker; undefined with NOTIFY_WORKER=off (`npm run worker` delivers). */
    notifier: NotificationWorker | undefined
  }
}

/** The address e-mails come from: MAIL_FROM, or noreply at the public host. */
export function mailFrom (mailFromSetting: string | undefined, baseUrl: string): string {
  return mailFromSetting ?? `giaitrinh <noreply@${new URL(baseUrl).hostname}>`
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
    return
  }
  const transport = createMailTransport(config.SMTP_URL, config.DATA_DIR)
  const options = feedOptions(config, app.publicBaseUrl)
  const worker = new NotificationWorker({
    db: app.db,
    now: app.now,
    transport,
    feedOptions: () => options('vi'),
    from: () => mailFrom(config.MAIL_FROM, app.publicBaseUrl()),
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    pollMs: config.NOTIFY_POLL_MS,
    leaseMs: config.NOTIFY_LEASE_MS,
    log: app.log
  })
  app.decorate('notifier', worker)
  app.changes.on(() => worker.wake())
  app.addHook('onReady', async () => worker.start())
  app.addHook('onClose', async () => {
    await worker.stop()
    transport.close()
  })
}, { name: 'notifications', dependencies: ['database', 'changes'] })
