import fp from 'fastify-plugin'
import { createMailTransport, mailFrom, type MailTransport } from '../notifications/transport.js'
import type { Email } from '../notifications/compose.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends one e-mail at once, outside the outbox (a sign-in link: no use once minutes have passed). */
    mailer: { send (email: Omit<Email, 'headers'> & { headers?: Record<string, string> }): Promise<{ messageId: string }> }
  }
}

/**
 * Mail a person waits for (a sign-in link) goes straight out through the configured transport
 * (SMTP_URL, or an .eml file under DATA_DIR/mail): no retries to plan, the person asks again.
 */
export default fp(async (app) => {
  const { config } = app
  let transport: MailTransport | undefined
  app.decorate('mailer', {
    async send (email) {
      transport ??= createMailTransport(config.SMTP_URL, config.DATA_DIR, config.SMTP_TIMEOUT_MS)
      const { fromName: _fromName, ...rest } = email
      return transport.send({ ...rest, headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', ...email.headers }, from: mailFrom(config.MAIL_FROM, app.publicBaseUrl()) })
    }
  })
  app.addHook('onClose', async () => transport?.close())
}, { name: 'mail' })
