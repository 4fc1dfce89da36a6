import fp from 'fastify-plugin'
import { ensureAdminUser } from '../services/accounts.js'

/**
 * The first administrator user, from ADMIN_EMAIL: made when the service is ready if no user has
 * that address (they then sign in by the e-mailed link). ADMIN_TOKEN stays a credential for
 * programs on /v1 only: it does not sign anyone in to the pages.
 */
export default fp(async (app) => {
  const email = app.config.ADMIN_EMAIL
  if (!email) return
  app.addHook('onReady', async () => {
    const user = await ensureAdminUser(app.db, email, app.now())
    app.log.info({ userId: user.id }, 'the first administrator user is ready to sign in by e-mail')
  })
}, { name: 'accounts', dependencies: ['database'] })
