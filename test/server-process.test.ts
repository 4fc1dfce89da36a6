import t from 'tap'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { ADMIN_TOKEN, createTestPostgresDatabase, onPostgres } from './helper.js'
import { runToExit, spawnServer, startServer } from './process.js'
import { migrationsFolder } from '../src/db/migrate.js'

type Page = { items: Array<{ name: string }> }

const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

t.test('on PGlite: starts, keeps data across restarts, refuses a second process, shuts down gracefully', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { DATA_DIR: dataDir, ADMIN_TOKEN }

  const first = await startServer(env)
  t.teardown(() => first.stop('SIGKILL'))
  const ready = await fetch(`${first.address}/readyz`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok', database: 'pglite' })
  const created = await fetch(`${first.address}/v1/councils`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ code: 'ha-noi', name: 'Thành phố Hà Nội', level: 'city', activeFrom: '2008-08-01' })
  })
  t.equal(created.status, 201)

  const second = await runToExit(spawnServer(env))
  t.equal(second.code, 1, 'the second process exits non-zero')
  t.match(second.output, /giaitrinh cannot start: The data directory .* is in use by process \d+/)
  t.notMatch(second.output, /at .*\.ts:\d+/, 'a clear message, not a stack trace')

  const stillServing = await fetch(`${first.address}/v1/councils`)
  t.equal(stillServing.status, 200)
  t.equal(((await stillServing.json()) as Page).items[0]!.name, 'Thành phố Hà Nội', 'the first keeps serving its data')

  t.equal(await first.stop('SIGTERM'), 0, 'SIGTERM closes gracefully with exit code 0')
  const restarted = await startServer(env)
  t.teardown(() => restarted.stop('SIGKILL'))
  const councils = await (await fetch(`${restarted.address}/v1/councils`)).json() as Page
  t.equal(councils.items.length, 1, 'data kept across a restart')
  t.equal(councils.items[0]!.name, 'Thành phố Hà Nội')

  t.equal(await restarted.stop('SIGKILL'), null, 'killed without a chance to clean up')
  const lock = await readFile(join(dataDir, 'giaitrinh.lock'), 'utf8')
  t.match(JSON.parse(lock), { pid: restarted.child.pid }, 'a stale lock is left behind')
  const afterCrash = await startServer(env)
  t.teardown(() => afterCrash.stop('SIGKILL'))
  t.equal((await fetch(`${afterCrash.address}/readyz`)).status, 200, 'a stale lock of a dead process is taken over')
  t.equal(((await (await fetch(`${afterCrash.address}/v1/councils`)).json()) as Page).items.length, 1, 'no data lost')
  t.equal(await afterCrash.stop('SIGINT'), 0, 'SIGINT closes gracefully too')
})

t.test('an invalid setting stops the start with a message naming the variable', async (t) => {
  for (const [name, value] of [['PORT', 'eighty'], ['DATABASE_URL', 'mysql://localhost/x'], ['LOG_LEVEL', 'loud'], ['ADMIN_TOKEN', 'short']] as const) {
    const result = await runToExit(spawnServer({ DATA_DIR: join(tmpdir(), 'never-created'), [name]: value }))
    t.equal(result.code, 1, `${name}=${value} exits 1`)
    t.match(result.output, new RegExp(`giaitrinh cannot start: Invalid configuration: ${name}`), `names ${name}`)
  }
})

t.test('three replicas started at once on one fresh PostgreSQL database all become ready; migrations run once', { skip: onPostgres ? false : 'needs PostgreSQL: run with DATABASE_URL' }, async (t) => {
  const url = await createTestPostgresDatabase(t)
  const replicas = await Promise.all([1, 2, 3].map(() => startServer({ DATABASE_URL: url, ADMIN_TOKEN })))
  t.teardown(() => Promise.all(replicas.map((replica) => replica.stop('SIGKILL'))))
  for (const replica of replicas) {
    const ready = await fetch(`${replica.address}/readyz`)
    t.equal(ready.status, 200)
    t.same(await ready.json(), { status: 'ok', database: 'postgres' })
  }
  const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<[{ applied: number, distinct: number }]>`select count(*)::int as applied, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`
    t.equal(row!.applied, journal.entries.length, 'each migration recorded exactly once')
    t.equal(row!.distinct, journal.entries.length)
  } finally {
    await sql.end()
  }
  for (const replica of replicas) t.equal(await replica.stop('SIGTERM'), 0)
})
