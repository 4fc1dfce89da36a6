import type { Test } from 'tap'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

// A real SMTP server for the notification tests (smtp-server), whose mail is parsed as a mail client would (mailparser).

export interface Sink { port: number, url: string, mails: ParsedMail[], refuse: Set<string>, close: () => Promise<void> }

export async function smtpSink (t: Test): Promise<Sink> {
  const mails: ParsedMail[] = []
  const refuse = new Set<string>()
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo (address, _session, callback) {
      if (refuse.has(address.address)) return callback(Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550 }))
      callback()
    },
    onData (stream, _session, callback) {
      simpleParser(stream).then((mail) => { mails.push(mail); callback() }, callback)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  t.teardown(close)
  return { port, url: `smtp://127.0.0.1:${port}`, mails, refuse, close }
}

/** Lets the round a write started finish, then delivers what is due at the (test) clock's time. */
export async function settle (app: { notifier: { idle: () => Promise<void>, drain: () => Promise<number> } | undefined }) {
  await app.notifier!.idle()
  await app.notifier!.drain()
}
