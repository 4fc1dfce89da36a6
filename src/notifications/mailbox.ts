import { ImapFlow, type MessageStructureObject } from 'imapflow'
import type { Config } from '../config.js'
import { isCalendarReply, readCalendarReply, type CalendarReply } from './replies.js'

/** What became of one calendar reply. */
export type ReplyOutcome =
  | { outcome: 'recorded' }
  /** The invitation already had this answer (a reply read twice, or sent twice). */
  | { outcome: 'unchanged' }
  /** Not recorded, and why (an old SEQUENCE, nobody invited at that address, answers closed, …). */
  | { outcome: 'ignored', reason: string }

/** The write a calendar reply causes, made by the caller's services (the invitation page's own). */
export interface AnswerWrites {
  recordCalendarAnswer (reply: CalendarReply): Promise<ReplyOutcome>
}

export interface MailboxOptions {
  /** imap://user:password@host:143/INBOX or imaps://…:993/INBOX (the path names the mailbox; INBOX when none). */
  url: string
  /** Where calendar replies go once read (recorded or ignored); created when missing. */
  doneFolder: string
  writes: AnswerWrites
  pollMs: number
  /** Larger messages are not calendar replies (a reply is a few kilobytes). */
  maxBytes?: number
  /** How long a connection, a greeting or a command may take. */
  timeoutMs?: number
  log?: { info: (object: object, message: string) => void, warn: (object: object, message: string) => void, error: (object: object, message: string) => void }
}

/** What one poll found: per message read, its UID and what became of it. */
export interface PollResult {
  uid: number
  outcome: ReplyOutcome['outcome'] | 'not an answer'
  reason?: string
}

function hasCalendarPart (node: MessageStructureObject | undefined): boolean {
  if (!node) return false
  if (/^(text\/calendar|application\/ics)$/i.test(node.type) || /\.ics$/i.test(String(node.dispositionParameters?.filename ?? node.parameters?.name ?? ''))) return true
  return (node.childNodes ?? []).some(hasCalendarPart)
}

/**
 * The mailbox calendar answers arrive in (the ORGANIZER's address, FEED_ORGANIZER_EMAIL): read over
 * IMAP every pollMs. A message with an iTIP REPLY is recorded as the person's answer (through
 * `writes`, the invitation page's service) or ignored with a reason, then moved to doneFolder;
 * anything else — a person writing back, an out-of-office reply — is left where it is, unread, for
 * people to read.
 */
export class AnswerMailbox {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  /** Messages already looked at in this mailbox (per UIDVALIDITY): those left alone are not read again. */
  private seen = { validity: '', lastUid: 0 }
  private readonly target: { host: string, port: number, secure: boolean, user: string, pass: string, mailbox: string }

  constructor (private readonly options: MailboxOptions) {
    const url = new URL(options.url)
    const secure = url.protocol === 'imaps:'
    this.target = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port) || (secure ? 993 : 143),
      secure,
      user: decodeURIComponent(url.username),
      pass: decodeURIComponent(url.password),
      mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX'
    }
  }

  start (): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs)
    this.timer.unref()
    this.wake()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.running?.catch(() => undefined)
  }

  private wake (): void {
    if (this.running) return
    this.poll().catch((error: unknown) => {
      this.options.log?.error({ err: error }, 'calendar answers: the mailbox could not be read; trying again at the next poll')
    })
  }

  /** Reads what arrived since the last read (after the one under way, if any); returns what became of each message looked at. */
  async poll (): Promise<PollResult[]> {
    while (this.running) await this.running.catch(() => undefined)
    const round = this.read()
    this.running = round
    try {
      return await round
    } finally {
      if (this.running === round) this.running = undefined
    }
  }

  private async read (): Promise<PollResult[]> {
    const timeout = this.options.timeoutMs ?? 30_000
    const client = new ImapFlow({
      host: this.target.host,
      port: this.target.port,
      secure: this.target.secure,
      auth: { user: this.target.user, pass: this.target.pass },
      logger: false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 4,
      disableAutoIdle: true
    })
    client.on('error', (error: unknown) => this.options.log?.warn({ err: error }, 'calendar answers: the IMAP connection failed'))
    await client.connect()
    const results: PollResult[] = []
    try {
      const lock = await client.getMailboxLock(this.target.mailbox)
      try {
        const mailbox = client.mailbox
        const validity = mailbox ? String(mailbox.uidValidity) : ''
        if (validity !== this.seen.validity) this.seen = { validity, lastUid: 0 }
        if (!mailbox || mailbox.exists === 0) return results
        // Headers only first: the messages that hold a calendar part are downloaded, one at a time.
        const listed = await client.fetchAll(`${this.seen.lastUid + 1}:*`, { uid: true, size: true, bodyStructure: true }, { uid: true })
        const fresh = listed.filter((message) => message.uid > this.seen.lastUid).sort((a, b) => a.uid - b.uid)
        const maxBytes = this.options.maxBytes ?? 1_048_576
        const done: number[] = []
        try {
          for (const message of fresh) {
            if (!hasCalendarPart(message.bodyStructure) || (message.size ?? 0) > maxBytes) {
              results.push({ uid: message.uid, outcome: 'not an answer', reason: (message.size ?? 0) > maxBytes ? 'too large for a calendar reply' : 'no calendar part' })
              this.seen.lastUid = message.uid
              continue
            }
            const full = await client.fetchOne(String(message.uid), { source: true }, { uid: true })
            const read = full && full.source ? await readCalendarReply(full.source) : { skip: 'the message could not be read' }
            if (!isCalendarReply(read)) {
              results.push({ uid: message.uid, outcome: 'not an answer', reason: read.skip })
              this.seen.lastUid = message.uid
              continue
            }
            // A database that fails here leaves the message, and the ones after it, for the next poll.
            const outcome = await this.options.writes.recordCalendarAnswer(read)
            results.push({ uid: message.uid, ...outcome })
            const facts = { uid: read.uid, attendee: read.attendee.email, partstat: read.partstat, sequence: read.sequence, messageId: read.messageId }
            if (outcome.outcome === 'ignored') this.options.log?.warn({ ...facts, reason: outcome.reason }, 'calendar answer ignored')
            else this.options.log?.info({ ...facts, outcome: outcome.outcome }, 'calendar answer read')
            done.push(message.uid)
            this.seen.lastUid = message.uid
          }
        } finally {
          // What was read is moved even when a later message failed: it is not read twice.
          if (done.length > 0) {
            await client.mailboxCreate(this.options.doneFolder).catch(() => undefined)
            await client.messageMove(done.join(','), this.options.doneFolder, { uid: true })
          }
        }
      } finally {
        lock.release()
      }
    } finally {
      await client.logout().catch(() => client.close())
    }
    return results
  }
}

/** The answers mailbox as the settings say (IMAP_URL), for the server's plugin and `npm run worker` alike; undefined without IMAP_URL. */
export function mailboxFromConfig (config: Config, writes: AnswerWrites, log?: MailboxOptions['log']): AnswerMailbox | undefined {
  if (!config.IMAP_URL) return undefined
  return new AnswerMailbox({ url: config.IMAP_URL, doneFolder: config.IMAP_DONE_FOLDER, pollMs: config.IMAP_POLL_MS, writes, ...(log ? { log } : {}) })
}
