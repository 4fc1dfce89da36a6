import fp from 'fastify-plugin'
import { countAllWebhookEndpoints, sealClearWebhookSecrets } from '../db/queries/notifications.js'
import { SEALED, sealing, type Sealing } from '../domain/sealing.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Seals and opens the secrets kept to be read again; undefined without SECRET_KEY. */
    sealing: Sealing | undefined
  }
}

/**
 * SECRET_KEY as the app's sealing. Without it, no webhook endpoint can be registered (its secret
 * would be kept in clear), and a service whose database already has endpoints refuses to start:
 * it could not sign their notices.
 */
export default fp(async (app) => {
  const { SECRET_KEY, SECRET_KEY_PREVIOUS } = app.config
  app.decorate('sealing', SECRET_KEY ? sealing(SECRET_KEY, SECRET_KEY_PREVIOUS) : undefined)
  if (SECRET_KEY) {
    // Signing secrets an older version kept in clear are sealed now (the endpoints keep working).
    const sealed = await sealClearWebhookSecrets(app.db, app.sealing!.seal, SEALED)
    if (sealed > 0) app.log.info({ endpoints: sealed }, 'sealed the webhook signing secrets kept in clear')
  } else {
    const endpoints = await countAllWebhookEndpoints(app.db)
    if (endpoints > 0) {
      throw new Error(`SECRET_KEY is not set, and ${endpoints} webhook endpoint(s) exist whose signing secrets it seals: set SECRET_KEY (see README.md, "Configuration")`)
    }
  }
}, { name: 'secrets', dependencies: ['database'] })
