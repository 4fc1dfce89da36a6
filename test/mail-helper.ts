import type { Test } from 'tap'
import { EventEmitter } from 'node:events'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

// A real SMTP server for the notification tests (smtp-server), whose mail is parsed as a mail client would (mailparser).

export interface Sink {
  port: number
  url: string
  mails: ParsedMail[]
  /** Addresses refused for good (550). */
  refuse: Set<string>
  /** Addresses refused for now (451: try again later). */
  defer: Set<string>
  /** Resolves when the sink holds `count` messages (waits on their arrival, not a poll); rejects after `ms`. */
  received: (count: number, ms?: number) => Promise<void>
  close: () => Promise<void>
}

export async function smtpSink (t: Test): Promise<Sink> {
  const mails: ParsedMail[] = []
  const refuse = new Set<string>()
  const defer = new Set<string>()
  const arrivals = new EventEmitter()
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo (address, _session, callback) {
      if (refuse.has(address.address)) return callback(Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550 }))
      if (defer.has(address.address)) return callback(Object.assign(new Error('451 try again later'), { responseCode: 451 }))
      callback()
    },
    onData (stream, _session, callback) {
      simpleParser(stream).then((mail) => { mails.push(mail); arrivals.emit('mail'); callback() }, callback)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  t.teardown(close)
  const received = (count: number, ms = 10_000) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (mails.length < count) return
      clearTimeout(timer)
      arrivals.off('mail', check)
      resolve()
    }
    const timer = setTimeout(() => { arrivals.off('mail', check); reject(new Error(`${mails.length} of ${count} messages arrived in ${ms} ms`)) }, ms)
    arrivals.on('mail', check)
    check()
  })
  return { port, url: `smtp://127.0.0.1:${port}`, mails, refuse, defer, received, close }
}

/** Lets the round a write started finish, then delivers what is due at the (test) clock's time. */
export async function settle (app: { notifier: { idle: () => Promise<void>, drain: () => Promise<number> } | undefined }) {
  await app.notifier!.idle()
  await app.notifier!.drain()
}
