import { randomBytes } from 'node:crypto'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { networkInterfaces } from 'node:os'
import { Webhook } from 'standardwebhooks'
import { fail } from '../domain/errors.js'

/** A signing secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64. */
export function generateWebhookSecret (): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

/**
 * Where a webhook may go unless WEBHOOK_ALLOW_PRIVATE says otherwise: global unicast addresses only,
 * so that a council's endpoint cannot reach into the service's own network. Refused: this host's
 * own addresses (any port: its database too), the private networks, loopback, link-local (the
 * cloud metadata address among them), shared, documentation and reserved ranges; in IPv6 all but
 * 2000::/3, and within it 6to4 (2002::/16), Teredo (2001::/32) and documentation (2001:db8::/32),
 * whose packets may reach an IPv4 address behind them (NAT64, IPv4-compatible, IPv4-translated and
 * site-local addresses are outside 2000::/3).
 */
const RESERVED_V4 = new BlockList()
for (const [network, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4]
] as const) RESERVED_V4.addSubnet(network, bits, 'ipv4')
const GLOBAL_V6 = new BlockList()
GLOBAL_V6.addSubnet('2000::', 3, 'ipv6')
const RESERVED_V6 = new BlockList()
for (const [network, bits] of [['2002::', 16], ['2001::', 32], ['2001:db8::', 32]] as const) RESERVED_V6.addSubnet(network, bits, 'ipv6')

/** This host's own addresses, as its interfaces have them now. */
export function ownAddresses (): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address.toLowerCase())))
}

/** Whether a webhook may not be sent to this address (see above); a name that is no address counts as refused. */
export function isPrivateAddress (address: string, own: Set<string> = ownAddresses()): boolean {
  const family = isIP(address)
  if (family === 0) return true
  if (own.has(address.toLowerCase())) return true
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is the IPv4 one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return isPrivateAddress(mapped[1]!, own)
  if (family === 4) return RESERVED_V4.check(address, 'ipv4')
  return !GLOBAL_V6.check(address, 'ipv6') || RESERVED_V6.check(address, 'ipv6')
}

const privateRefusal = (host: string, address: string) => fail('WEBHOOK_URL_PRIVATE', { host, address }).message

/** Resolves a host the way the request will, refusing private answers (also at send time: DNS may change). */
function guardedLookup (allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const list = addresses as LookupAddress[]
      const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address))
      if (refused) return callback(Object.assign(new Error(privateRefusal(hostname, refused.address)), { code: 'EPRIVATE' }), '', 0)
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list)
      callback(null, list[0]!.address, list[0]!.family)
    })
  }
}

/** Checks an endpoint's URL when it is registered: http(s), no credentials in it, a public address. */
export async function checkWebhookUrl (text: string, allowPrivate: boolean): Promise<URL> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw fail('WEBHOOK_URL_INVALID', { text })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('WEBHOOK_URL_SCHEME', { protocol: url.protocol })
  if (url.username || url.password) throw fail('WEBHOOK_URL_CREDENTIALS')
  if (allowPrivate) return url
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw fail('WEBHOOK_URL_PRIVATE', { host, address: host })
    return url
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, found) => error ? reject(error) : resolve(found)))
    .catch(() => { throw fail('WEBHOOK_HOST_UNRESOLVED', { host }) })
  const refused = addresses.find((a) => isPrivateAddress(a.address))
  if (refused) throw fail('WEBHOOK_URL_PRIVATE', { host, address: refused.address })
  return url
}

/**
 * The Standard Webhooks headers: the message id (the same on every retry, so receivers can drop
 * duplicates), the time, and a signature by each valid secret (two during a rotation).
 */
export function signatureHeaders (secrets: string[], messageId: string, at: Date, body: string): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, at, body))
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' ')
  }
}

/** Retry-After as a delay: seconds, or an HTTP date; at most a day. */
export function retryAfterMs (value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now.getTime()
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(0, ms), 86_400_000)
}

export interface WebhookResponse { status: number, retryAfter: string | undefined }

/**
 * POSTs the signed body; no redirects followed. The receiver has `timeoutMs` for the whole exchange,
 * connect to the last byte of its answer (a total deadline: an idle timeout lets a receiver that
 * drips a byte every few seconds hold the send for ever); its answer's body is read and dropped.
 */
export function postWebhook (url: string, body: string, headers: Record<string, string>, options: { allowPrivate: boolean, timeoutMs: number }): Promise<WebhookResponse> {
  const target = new URL(url)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  // An address in the URL is not looked up: checked here.
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) return Promise.reject(new Error(privateRefusal(host, host)))
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const settle = () => clearTimeout(deadline)
    const req = request(target, {
      method: 'POST',
      lookup: guardedLookup(options.allowPrivate),
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'giaitrinh-webhooks' },
      timeout: options.timeoutMs
    }, (res) => {
      res.resume()
      res.on('end', () => { settle(); resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }) })
      res.on('error', (error) => { settle(); reject(error) })
    })
    const deadline = setTimeout(() => req.destroy(new Error(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs)
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)))
    req.on('error', (error) => { settle(); reject(error) })
    req.end(body)
  })
}
