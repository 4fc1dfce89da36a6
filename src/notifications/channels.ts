import type { WebhookEndpoint } from '../db/queries/notifications.js'
import type { Email } from './compose.js'
import type { MailTransport } from './transport.js'
import { postWebhook, retryAfterMs, signatureHeaders } from './webhooks.js'

/** What became of one send. */
export type Delivery =
  | { outcome: 'sent', messageId: string }
  /** Not delivered this time: tried again after the backoff, or after the receiver's Retry-After. */
  | { outcome: 'failed', error: string, retryAfterMs?: number | undefined }
  /** Refused for good (an SMTP 5xx reply, a webhook's 4xx but 408 and 429): dead at once, with the reason. */
  | { outcome: 'rejected', error: string }
  /** The receiver says it is gone for good (410): its endpoint is disabled. */
  | { outcome: 'gone', error: string }

/** A message ready to go: the e-mail, and for a webhook the JSON body gateways read. */
export interface Message {
  id: string
  email: Email
  /** A webhook's JSON body, and the time it names (signed with it). */
  webhook?: { body: string, sentAt: Date } | undefined
}

/** A way notices leave the service. The worker only claims, sends through one of these, and records. */
export interface Channel {
  send (message: Message, to: { endpoint?: WebhookEndpoint | undefined }, now: Date): Promise<Delivery>
}

/** E-mail through SMTP (or .eml files). */
export function emailChannel (transport: MailTransport, from: () => string): Channel {
  return {
    async send (message) {
      try {
        const { fromName, ...email } = message.email
        // The council as the sender people see, at the service's address.
        const sender = from()
        const address = /<([^>]+)>\s*$/.exec(sender)?.[1] ?? sender
        const { messageId } = await transport.send({ ...email, from: fromName ? `"${fromName.replace(/["\\\r\n]/g, '')}" <${address}>` : sender })
        return { outcome: 'sent', messageId }
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode
        return { outcome: code !== undefined && code >= 500 ? 'rejected' : 'failed', error: String((error as Error).message ?? error) }
      }
    }
  }
}

/**
 * A webhook, signed by Standard Webhooks (by both secrets during a rotation): 2xx is delivered;
 * 410 Gone is gone; anything else is retried, after the receiver's Retry-After when it gives one.
 */
export function webhookChannel (options: { allowPrivate: boolean, timeoutMs: number }, unseal: (secret: string) => string = (secret) => secret): Channel {
  return {
    async send (message, { endpoint }, now) {
      if (!endpoint || !message.webhook) return { outcome: 'failed', error: 'no webhook endpoint' }
      const { body, sentAt } = message.webhook
      const secrets = [endpoint.secret, ...(endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? [endpoint.previousSecret] : [])].map(unseal)
      let response
      try {
        response = await postWebhook(endpoint.url, body, signatureHeaders(secrets, message.id, sentAt, body), options)
      } catch (error) {
        return { outcome: 'failed', error: `${endpoint.url}: ${(error as Error).message}` }
      }
      if (response.status >= 200 && response.status < 300) return { outcome: 'sent', messageId: message.id }
      // The receiver's own words are not repeated: what it answers is not the API's to show.
      const error = `HTTP ${response.status} from ${endpoint.url}`
      if (response.status === 410) return { outcome: 'gone', error }
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) return { outcome: 'rejected', error }
      return { outcome: 'failed', error, retryAfterMs: retryAfterMs(response.retryAfter, now) }
    }
  }
}
