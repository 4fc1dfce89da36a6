import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { DataDirBusyError } from './db/data-dir-lock.js'

/** Reads the config, builds the app, listens; closes gracefully on SIGTERM/SIGINT. */
async function main (): Promise<void> {
  const startedAt = performance.now()
  const config = loadConfig()
  const app = await buildApp(config)
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })
  const address = await app.listen({ port: config.PORT, host: config.HOST })
  app.log.info({ address, engine: app.database.engine, readyMs: Math.round(performance.now() - startedAt) }, 'giaitrinh is ready')
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
