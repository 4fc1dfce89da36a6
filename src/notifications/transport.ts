import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { MEMORY } from '../db/client.js'
import type { Email } from './compose.js'

/** Messages sent at once by one worker (the SMTP pool keeps as many connections). */
export const SEND_CONCURRENCY = 10

/** Where e-mail goes: SMTP (nodemailer), or .eml files when no SMTP server is configured. */
export interface MailTransport {
  send (email: Email & { from: string }): Promise<{ messageId: string }>
  close (): void
}

/** The work, or a rejection once `ms` have passed: a total deadline (an idle timeout lets a server that drips a byte now and then hold a send for ever). */
export async function withDeadline<T> (work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(message)), ms) })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export function createMailTransport (smtpUrl: string | undefined, dataDir: string, timeoutMs = 30_000): MailTransport {
  if (smtpUrl) {
    // Pooled: a few connections kept open and reused, rather than a handshake for every message.
    // nodemailer's own timeouts are idle ones (its socket's, 10 minutes by default): set to the
    // deadline, they close a connection left hanging after the deadline gave up on it.
    const transport = nodemailer.createTransport({
      url: smtpUrl, pool: true, maxConnections: SEND_CONCURRENCY, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs
    })
    return {
      async send (email) {
        const info = await withDeadline(transport.sendMail(email), timeoutMs, `the SMTP server did not accept the message within ${timeoutMs} ms`)
        return { messageId: info.messageId }
      },
      close: () => transport.close()
    }
  }
  // Without SMTP_URL: each message as an .eml file (RFC 5322, CRLF) that a mail client opens.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  // An in-memory database (DATA_DIR=memory://) has no directory: its e-mails go to the system's temporary one.
  const folder = dataDir === MEMORY ? join(tmpdir(), `giaitrinh-mail-${process.pid}`) : join(dataDir, 'mail')
  return {
    async send (email) {
      const info = await transport.sendMail(email)
      await mkdir(folder, { recursive: true })
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9.-]/g, '')}.eml`
      await writeFile(join(folder, name), info.message as Buffer)
      return { messageId: info.messageId }
    },
    close: () => transport.close()
  }
}

/** The address e-mails come from: MAIL_FROM, or noreply at the public host. */
export function mailFrom (mailFromSetting: string | undefined, baseUrl: string): string {
  return mailFromSetting ?? `giaitrinh <noreply@${new URL(baseUrl).hostname}>`
}
