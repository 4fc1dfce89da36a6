import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { DataDirBusyError } from './db/data-dir-lock.js'
import { isDatabaseUnavailable } from './db/errors.js'

/** Reads the config, builds the app, listens; closes gracefully on SIGTERM/SIGINT. */
async function main (): Promise<void> {
  const startedAt = performance.now()
  const config = loadConfig()
  const app = await buildApp(config)
  closeWithGrace({ delay: 10_000, skip: ['unhandledRejection'] }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })
  // postgres.js can leave the rejection of a query unhandled when its connection is terminated while
  // it connects (seen with connections killed under load). That is a lost connection, which requests
  // already answer as 503: it must not take the service down. Any other unhandled rejection is a
  // bug: rethrown, it closes the service as an uncaught exception does.
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      app.log.warn({ err: reason }, 'a query failed with its lost database connection, and nothing awaited it')
      return
    }
    setImmediate(() => { throw reason })
  })
  const address = await app.listen({ port: config.PORT, host: config.HOST })
  const linksBase = app.publicBaseUrl()
  app.log.info({ address, engine: app.database.engine, linksBase, readyMs: Math.round(performance.now() - startedAt) }, 'giaitrinh is ready')
  if (!config.PUBLIC_BASE_URL && !['127.0.0.1', '::1', 'localhost'].includes(config.HOST)) {
    app.log.warn(`PUBLIC_BASE_URL is not set: links in feeds and invitations start with ${linksBase}, which other machines cannot open. Set PUBLIC_BASE_URL to the address people use.`)
  }
}

main().catch((error: unknown) => {
  // Known start-up refusals get one clear line; anything else its stack.
  if (error instanceof ConfigError || error instanceof DataDirBusyError) {
    console.error(`giaitrinh cannot start: ${error.message}`)
  } else {
    console.error('giaitrinh cannot start:', error)
  }
  process.exit(1)
})
