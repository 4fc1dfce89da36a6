import { isIP } from 'node:net'
import { envSchema } from 'env-schema'
import { Type, type Static } from '@sinclair/typebox'
import { parseOfficeHours, parseQuietHours } from './domain/calendar.js'

/**
 * Every setting comes from the environment and is validated here, at start.
 * An invalid value stops the start with a message naming the variable.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
type LogLevel = typeof LOG_LEVELS[number]

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 24 })),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Where people reach the service; links in feeds and invitations start with it. Unset: http://localhost:<the port listened on>' })),
  LOG_LEVEL: Type.Unsafe<LogLevel>({ type: 'string', enum: LOG_LEVELS, default: 'info' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  AUTH_FAILURES_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  TRUST_PROXY: Type.Optional(Type.String({ maxLength: 2000, description: 'The reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or CIDR ranges (or loopback, linklocal, uniquelocal); unset or false: none' })),
  FEED_REVALIDATE_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 1000 }),
  FEED_REFRESH_MINUTES: Type.Integer({ minimum: 5, maximum: 10_080, default: 60 }),
  FEED_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  FEED_CACHE_MB: Type.Integer({ minimum: 1, maximum: 4096, default: 64, description: 'Memory for built calendar feeds and events; the least recently used go first' }),
  FEED_TOKEN_GRACE_HOURS: Type.Integer({ minimum: 0, maximum: 8760, default: 72 }),
  FEED_ORGANIZER_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  OFFICE_HOURS: Type.String({ default: '08:00-12:00,13:00-17:00', description: 'Office hours in the council\'s zone, comma-separated ranges' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'Where e-mail goes (nodemailer URL, e.g. smtp://user:pass@mail.example:587); unset: written as .eml files under DATA_DIR/mail' })),
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3, maxLength: 200, description: 'The From of e-mails; default giaitrinh <noreply@the public host>' })),
  QUIET_HOURS: Type.String({ default: '21:00-07:00', description: 'No reminder goes out in these hours (the council\'s zone); one due then goes when they end, or is skipped when that is after the hearing starts' }),
  NOTIFY_WORKER: Type.Unsafe<'on' | 'off'>({ type: 'string', enum: ['on', 'off'], default: 'on', description: 'Deliver notifications in this process (off: run npm run worker instead)' }),
  NOTIFY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
  NOTIFY_LEASE_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 120_000, description: 'How long a worker holds the notifications it claimed; a worker that died leaves them to others after this' }),
  NOTIFY_BATCH: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'Notifications a worker claims at a time' }),
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false, description: 'Let councils register webhook endpoints on private, loopback and link-local addresses (a gateway inside the same network); refused by default' }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 500, maximum: 60_000, default: 10_000, description: 'How long a webhook receiver has for the whole exchange (connect, headers, body) before the attempt counts as failed' }),
  SECRET_KEY: Type.Optional(Type.String({ minLength: 32, maxLength: 500, description: 'Seals the secrets the service must read again (webhook signing secrets, answers replayed under an Idempotency-Key that hold a shown-once secret); at least 32 characters, e.g. openssl rand -base64 32' })),
  SECRET_KEY_PREVIOUS: Type.Optional(Type.String({ minLength: 32, maxLength: 500, description: 'The key before SECRET_KEY, while secrets sealed with it are still read (a rotation)' })),
  RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 180, description: 'How long what has ended is kept: notices done with (sent, superseded, skipped, dead), revoked or expired calendar links and API tokens' }),
  SMTP_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 300_000, default: 30_000, description: 'How long the SMTP server has to accept one message (connect, greeting, DATA) before the attempt counts as failed' }),
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254, description: 'The first administrator user: made at start (with the admin role) when no user has this address; they sign in by the e-mailed link' })),
  OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500, description: 'The OpenID provider for single sign-on (a province\'s), e.g. https://sso.hanoi.gov.vn/realms/hdnd; unset: sign-in by e-mailed link only' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  OIDC_EMAIL_CLAIM: Type.String({ minLength: 1, maxLength: 100, default: 'email', description: 'The ID token\'s claim that holds the user\'s e-mail address' }),
  IMAP_URL: Type.Optional(Type.String({ pattern: '^imaps?://[^\\s]+$', maxLength: 2000, description: 'The mailbox calendar answers arrive in (imaps://user:password@host:993/INBOX): the address of FEED_ORGANIZER_EMAIL, which invitations name as their ORGANIZER. Unset: calendar answers are not read (the e-mails\' answer links still work)' })),
  IMAP_POLL_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000, description: 'How often the answers mailbox is read' }),
  IMAP_DONE_FOLDER: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f*%]+$', default: 'giaitrinh-answers', description: 'Where calendar replies go once read (recorded or ignored); created when missing. Other mail is left where it is' }),
  NOTIFY_POLL_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 5000, description: 'How often the worker looks for due notifications when no write wakes it' })
}, { additionalProperties: true })

export type Config = Static<typeof ConfigSchema>

/**
 * The base of the links the service gives out (feeds, invitations). PUBLIC_BASE_URL when set;
 * otherwise this machine at the port actually listened on (PORT=0 picks one), reachable only
 * locally: a deployment reached from other machines sets PUBLIC_BASE_URL (the start log says so).
 */
export function publicBaseUrl (config: Pick<Config, 'PUBLIC_BASE_URL' | 'HOST'>, port: number): string {
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/$/, '')
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.HOST) ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST
  return `http://${host}:${port}`
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal']

/**
 * TRUST_PROXY as the list of proxies to believe. `true` (believe anyone's X-Forwarded-For) is refused:
 * a client could then pick its address, get past the failure limit and get others blocked.
 */
function trustedProxies (value: string | undefined): string | undefined {
  if (value === undefined || value === 'false') return undefined
  if (value === 'true') throw new Error('TRUST_PROXY=true would believe any client\'s X-Forwarded-For: list your proxies\' addresses instead, e.g. TRUST_PROXY=127.0.0.1 or 10.0.0.0/8')
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/')
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address!) === 6 ? 128 : 32))
    if (!PROXY_NAMES.includes(entry) && (rest.length > 0 || isIP(address!) === 0 || !validBits)) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an IP address, a CIDR range or one of ${PROXY_NAMES.join(', ')}`)
    }
  }
  return entries.length > 0 ? entries.join(',') : undefined
}

/**
 * Calendar answers go to the ORGANIZER of the invitations: with IMAP_URL set, FEED_ORGANIZER_EMAIL
 * must be that mailbox's address (a noreply@ default would send every answer where nobody reads).
 */
function checkAnswersMailbox (config: Config): void {
  if (config.IMAP_URL && !config.FEED_ORGANIZER_EMAIL) {
    throw new Error('IMAP_URL is set, but FEED_ORGANIZER_EMAIL is not: set it to the address of the mailbox IMAP_URL reads (calendar answers are sent to the invitations\' ORGANIZER)')
  }
}

/**
 * Mail servers refuse a sender whose domain is an IP literal (noreply@10.0.0.5): with SMTP_URL set,
 * MAIL_FROM must name a domain, and must be set when PUBLIC_BASE_URL's host (the default sender's
 * domain) is an address.
 */
function checkSender (config: Config): void {
  if (!config.SMTP_URL) return
  if (config.MAIL_FROM) {
    const domain = (/<([^>]+)>\s*$/.exec(config.MAIL_FROM)?.[1] ?? config.MAIL_FROM).split('@')[1]?.replace(/^\[|\]$/g, '')
    if (!domain) throw new Error(`MAIL_FROM "${config.MAIL_FROM}" has no address: give e.g. "HĐND phường <hdnd@phuong.gov.vn>"`)
    if (isIP(domain)) throw new Error(`MAIL_FROM's domain ${domain} is an IP address, which mail servers refuse: give an address at your domain`)
    return
  }
  const host = config.PUBLIC_BASE_URL ? new URL(config.PUBLIC_BASE_URL).hostname.replace(/^\[|\]$/g, '') : undefined
  if (host && isIP(host)) throw new Error(`MAIL_FROM must be set: PUBLIC_BASE_URL's host ${host} is an IP address, and mail servers refuse a sender noreply@${host}`)
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration; throws a ConfigError naming each bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings in the environment mean "not set", as a shell user expects.
  const data = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  try {
    const config = envSchema<Config>({ schema: ConfigSchema, data, env: false, dotenv: false })
    try {
      parseQuietHours(config.QUIET_HOURS)
    } catch (error) {
      throw new Error(`QUIET_HOURS ${(error as Error).message}`)
    }
    try {
      parseOfficeHours(config.OFFICE_HOURS)
    } catch (error) {
      throw new Error(`OFFICE_HOURS ${(error as Error).message}`)
    }
    config.TRUST_PROXY = trustedProxies(config.TRUST_PROXY)
    checkSender(config)
    checkAnswersMailbox(config)
    return Object.fromEntries(
      Object.keys(ConfigSchema.properties).filter((key) => key in config).map((key) => [key, config[key as keyof Config]])
    ) as Config
  } catch (error) {
    const reasons = (error as Error).message.replaceAll('env/', '')
    throw new ConfigError(`Invalid configuration: ${reasons}. See README.md, "Configuration".`)
  }
}
