import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { createDatabase } from '../db/client.js'
import { findCouncilByKey } from '../db/queries/councils.js'
import { findUserByEmail, listUserRoles } from '../db/queries/accounts.js'
import type { Principal } from '../domain/access.js'
import { createUser, grantRole } from '../services/accounts.js'
import { TOKEN_ROLES } from '../schemas/tokens.js'

const USAGE = `Manage the users who sign in to the pages, offline (with the service stopped when it runs on PGlite).

  npm run user -- add --email <address> --name "<full name>" [--role admin|secretariat|supervisor] [--council <id or code>] [--locale vi|en]
  npm run user -- grant --email <address> --role admin|secretariat|supervisor [--council <id or code>]

Uses DATABASE_URL or DATA_DIR like the service. Users sign in by the link e-mailed to their address
(without SMTP_URL, the e-mail is an .eml file under DATA_DIR/mail) or by OpenID Connect.`

const cli: Principal = { role: 'admin', tokenId: null, label: `cli:${process.env.USER ?? 'unknown'}` }

async function main (argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      council: { type: 'string' },
      locale: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [command] = positionals
  if (values.help || !command || !['add', 'grant'].includes(command) || !values.email) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const database = await createDatabase(loadConfig())
  try {
    await database.migrate()
    const db = database.db
    const ctx = { db, principal: cli, now: new Date() }
    const council = values.council
      ? await findCouncilByKey(db, values.council)
      : undefined
    if (values.council && !council) throw new Error(`No council with id or code "${values.council}".`)
    let user = await findUserByEmail(db, values.email)
    if (command === 'add') {
      if (!values.name) throw new Error('--name is required.')
      if (values.locale && values.locale !== 'vi' && values.locale !== 'en') throw new Error('--locale must be vi or en.')
      user = await createUser(ctx, { email: values.email, name: values.name, locale: values.locale as 'vi' | 'en' | undefined })
    }
    if (!user) throw new Error(`No user with the address ${values.email}: add them first.`)
    if (values.role) {
      const role = values.role as typeof TOKEN_ROLES[number]
      if (!TOKEN_ROLES.includes(role)) throw new Error(`--role must be one of ${TOKEN_ROLES.join(', ')}.`)
      await grantRole(ctx, user.id, { role, councilId: council?.id ?? null })
    }
    const roles = await listUserRoles(db, user.id)
    console.log(JSON.stringify({ id: user.id, email: user.email, name: user.name, roles: roles.map((r) => ({ role: r.role, council: r.councilCode })) }, null, 2))
    return 0
  } finally {
    await database.close()
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  console.error((error as Error).message)
  process.exit(1)
})
