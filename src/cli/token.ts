import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { createDatabase } from '../db/client.js'
import { findCouncilByKey } from '../db/queries/councils.js'
import { listTokens, tokenView } from '../db/queries/tokens.js'
import type { Principal } from '../domain/access.js'
import { issueToken, revokeToken } from '../services/tokens.js'
import { TOKEN_ROLES } from '../schemas/tokens.js'

const USAGE = `Manage API tokens offline (with the service stopped when it runs on PGlite).

  npm run token -- create --role admin|secretariat|supervisor [--council <id or code>] --name "<holder>" [--expires <ISO date-time>]
  npm run token -- revoke <token id>
  npm run token -- list [--council <id or code>] [--all]

Uses DATABASE_URL or DATA_DIR like the service. create prints the secret once; only its hash is stored.`

const cli: Principal = { role: 'admin', tokenId: null, label: `cli:${process.env.USER ?? 'unknown'}` }

async function main (argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      council: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [command, argument] = positionals
  if (values.help || !command || !['create', 'revoke', 'list'].includes(command)) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const database = await createDatabase(loadConfig())
  try {
    await database.migrate()
    const db = database.db
    const council = values.council
      ? await findCouncilByKey(db, values.council)
      : undefined
    if (values.council && !council) throw new Error(`No council with id or code "${values.council}".`)
    if (command === 'create') {
      const role = values.role as typeof TOKEN_ROLES[number]
      if (!TOKEN_ROLES.includes(role)) throw new Error(`--role must be one of ${TOKEN_ROLES.join(', ')}.`)
      if (!values.name) throw new Error('--name is required: say who holds the token.')
      const issued = await issueToken({ db, principal: cli, now: new Date() }, { role, name: values.name, councilId: council?.id, expiresAt: values.expires })
      console.log(JSON.stringify(issued.token, null, 2))
      console.log(`\nSecret (shown once, store it now):\n${issued.secret}`)
    } else if (command === 'revoke') {
      if (!argument) throw new Error('revoke needs the token id.')
      console.log(JSON.stringify(tokenView(await revokeToken({ db, principal: cli, now: new Date() }, argument)), null, 2))
    } else {
      const tokens = await listTokens(db, { councilId: council?.id, includeRevoked: values.all ?? false })
      console.log(JSON.stringify(tokens.map(tokenView), null, 2))
    }
    return 0
  } finally {
    await database.close()
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (error: unknown) => {
  console.error(`token: ${(error as Error).message}`)
  process.exitCode = 1
})
