import type { Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, connect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { ImapFlow } from 'imapflow'

// A real IMAP server for the calendar-answer tests: Debian's Dovecot (package dovecot-imapd, which
// .ci/run installs), started per test on a free loopback port with a configuration, a maildir and a
// throw-away user of its own, stopped at teardown.

export const DOVECOT = '/usr/sbin/dovecot'
export const hasDovecot = existsSync(DOVECOT)

export interface ImapServer {
  port: number
  user: string
  password: string
  /** IMAP_URL for the service. */
  url: string
  /** Puts a message in a folder (INBOX by default), as a mail server delivering it would. */
  deliver: (raw: string, folder?: string) => Promise<void>
  /** The messages' subjects per folder. */
  list: (folder: string) => Promise<Array<{ uid: number, subject: string, seen: boolean }>>
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function waitForPort (port: number, ms: number, log: () => Promise<string>): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true) })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > until) throw new Error(`Dovecot did not listen on ${port} in ${ms} ms: ${await log()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function startDovecot (t: Test): Promise<ImapServer> {
  const dir = await mkdtemp(join(tmpdir(), 'giaitrinh-dovecot-'))
  const port = await freePort()
  const user = 'answers'
  const password = randomBytes(12).toString('hex')
  // Run as root (CI): mail is kept by the dovecot system user; otherwise by whoever runs the tests.
  const owner = userInfo().uid === 0 ? 'dovecot' : userInfo().username
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
${userInfo().uid === 0 ? '' : `default_internal_user = ${owner}\ndefault_login_user = ${owner}\n`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${owner} gid=${userInfo().uid === 0 ? 'dovecot' : userInfo().gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`
  await writeFile(join(dir, 'dovecot.conf'), config)
  await writeFile(join(dir, 'users'), `${user}:{PLAIN}${password}\n`)
  await mkdir(join(dir, 'mail'))
  await mkdir(join(dir, 'home'))
  await chmod(dir, 0o755)
  if (userInfo().uid === 0) {
    const id = (name: string, flag: string) => Number(execFileSync('id', [flag, name]).toString().trim())
    for (const sub of ['mail', 'home']) await chown(join(dir, sub), id('dovecot', '-u'), id('dovecot', '-g'))
  }
  // The mail server keeps the real time: a clock moved by faketime (CI's run at another date) is the
  // service's, and Dovecot closes connections when it sees time jump.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FAKETIME') && key !== 'LD_PRELOAD'))
  const child = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'], env })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const log = async () => `${output}${await readFile(join(dir, 'log'), 'utf8').catch(() => '')}`
  t.teardown(async () => {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve).once('error', resolve))
    await rm(dir, { recursive: true, force: true })
  })
  await waitForPort(port, 10_000, log)

  const client = async <T>(work: (imap: ImapFlow) => Promise<T>): Promise<T> => {
    const imap = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false })
    await imap.connect()
    try {
      return await work(imap)
    } finally {
      await imap.logout()
    }
  }
  return {
    port,
    user,
    password,
    url: `imap://${user}:${password}@127.0.0.1:${port}/INBOX`,
    deliver: (raw, folder = 'INBOX') => client(async (imap) => {
      if (folder !== 'INBOX') await imap.mailboxCreate(folder).catch(() => undefined)
      await imap.append(folder, raw.replace(/\r?\n/g, '\r\n'))
    }),
    list: (folder) => client(async (imap) => {
      const exists = (await imap.list()).some((box) => box.path === folder)
      if (!exists) return []
      const lock = await imap.getMailboxLock(folder)
      try {
        if (!imap.mailbox || imap.mailbox.exists === 0) return []
        const messages = await imap.fetchAll('1:*', { uid: true, envelope: true, flags: true })
        return messages.map((message) => ({ uid: message.uid, subject: message.envelope?.subject ?? '', seen: message.flags?.has('\\Seen') ?? false }))
      } finally {
        lock.release()
      }
    })
  }
}
