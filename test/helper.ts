import { randomBytes } from 'node:crypto'
import tap, { type Test } from 'tap'
import postgres from 'postgres'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { createPostgres, wrapPglite, type Database } from '../src/db/client.js'
import { openPgliteFromTemplate } from './setup/pglite-template.js'
import { databaseUrl, templateName } from './setup/postgres-template.js'
import { reset, snapshot, type Snapshot } from './setup/reset.js'

export const ADMIN_TOKEN = 'test-admin-token-000000000000000000000000'
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
/** The tests' SECRET_KEY (webhook secrets and replayed shown-once answers are sealed with it). */
export const SECRET_KEY = 'test-secret-key-0000000000000000000000000000'
/** Tests run on PostgreSQL when DATABASE_URL is set (a server URL; each test gets its own database). */
export const onPostgres = Boolean(process.env.DATABASE_URL)

/** A settable clock for tests: no test sleeps to wait for time. */
export class TestClock {
  constructor (public current = new Date('2026-11-27T02:00:00Z')) {}
  now = (): Date => new Date(this.current)
  advance (ms: number): void { this.current = new Date(this.current.getTime() + ms) }
}

export { databaseUrl }

/** A new PostgreSQL database, cloned from the migrated template, dropped when the test ends. Returns its URL. */
export async function createTestPostgresDatabase (t: Test, options: { migrated?: boolean } = {}): Promise<string> {
  const name = `giaitrinh_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const server = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  await server.unsafe(options.migrated ? `create database "${name}" template "${templateName()}"` : `create database "${name}"`)
  t.teardown(async () => {
    await server.unsafe(`drop database if exists "${name}" with (force)`)
    await server.end()
  })
  return databaseUrl(name)
}

/** A new, migrated database: PGlite loaded from the template, or a PostgreSQL database cloned from it. */
async function openMigrated (t: Test): Promise<Database> {
  if (onPostgres) return createPostgres(await createTestPostgresDatabase(t, { migrated: true }), 4)
  return wrapPglite(await openPgliteFromTemplate())
}

/**
 * The file's database: loading one costs a second or two of CPU, emptying one a few milliseconds.
 * Each test file is its own process; its first database is kept for the whole file and returned to
 * its migrated state (reset) for each test that asks for one while it is free. A test that asks
 * while it is in use (two apps on two databases at once) gets a database of its own.
 */
let shared: { database: Database, state: Snapshot, inUse: boolean } | undefined

/** An isolated, migrated database for one test, as a fresh one would be. */
export async function testDatabase (t: Test): Promise<Database> {
  if (shared && !shared.inUse) {
    const current = shared
    await reset(current.database, current.state)
    current.inUse = true
    t.teardown(() => { current.inUse = false })
    return current.database
  }
  if (shared) {
    const database = await openMigrated(t)
    t.teardown(() => database.close())
    return database
  }
  // The file's root test outlives every subtest: the shared database closes with it.
  const database = await openMigrated(tap)
  tap.teardown(() => database.close())
  const current = shared = { database, state: await snapshot(database), inUse: true as boolean }
  t.teardown(() => { current.inUse = false })
  return database
}

export function testConfig (overrides: Record<string, string> = {}): Config {
  // Notifications are delivered only where a test asks for it (NOTIFY_WORKER=on).
  return loadConfig({ ADMIN_TOKEN, SECRET_KEY, LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://giaitrinh.test', NOTIFY_WORKER: 'off', ...overrides })
}

export interface Built {
  app: FastifyInstance
  database: Database
  clock: TestClock
}

/** The whole app through the same buildApp as production, on its own database, closed at teardown. */
export async function build (t: Test, options: { config?: Record<string, string>, deps?: AppDeps, database?: Database } = {}): Promise<Built> {
  const database = options.database ?? await testDatabase(t)
  const clock = new TestClock()
  const app = await buildApp(testConfig(options.config), { database, now: clock.now, ...options.deps })
  t.teardown(() => app.close())
  await app.ready()
  return { app, database, clock }
}

/** app.inject with JSON parsed, for brevity in tests. */
export async function call (app: FastifyInstance, options: InjectOptions) {
  const response = await app.inject(options)
  const type = String(response.headers['content-type'] ?? '')
  const body = type.includes('json') && response.body ? JSON.parse(response.body) : response.body
  return { status: response.statusCode, headers: response.headers, body, raw: response }
}

/** Councils of a small hierarchy: a city, a district with two wards, and another district with one. */
export async function seedHierarchy (app: FastifyInstance) {
  const create = async (code: string, name: string, level: string, parentId: string | null, activeFrom = '2016-07-01') => {
    const response = await call(app, { method: 'POST', url: '/v1/councils', headers: admin, payload: { code, name, level, parentId, activeFrom } })
    if (response.status !== 201) throw new Error(`seed ${code}: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body as { id: string, code: string }
  }
  const city = await create('ha-noi', 'Thành phố Hà Nội', 'city', null, '2008-08-01')
  const district = await create('dong-da', 'Quận Đống Đa', 'district', city.id)
  const wardA = await create('dong-da-cat-linh', 'Phường Cát Linh', 'ward', district.id)
  const wardB = await create('dong-da-hang-bot', 'Phường Hàng Bột', 'ward', district.id)
  const otherDistrict = await create('ba-dinh', 'Quận Ba Đình', 'district', city.id)
  const otherWard = await create('ba-dinh-cong-vi', 'Phường Cống Vị', 'ward', otherDistrict.id)
  return { city, district, wardA, wardB, otherDistrict, otherWard }
}

/** Issues a token through the API and returns the headers that carry it. */
export async function tokenFor (app: FastifyInstance, role: 'admin' | 'secretariat' | 'supervisor', councilId?: string) {
  const response = await call(app, { method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: `${role} test`, role, councilId } })
  if (response.status !== 201) throw new Error(`token: ${response.status} ${JSON.stringify(response.body)}`)
  return { headers: { authorization: `Bearer ${response.body.secret}` }, id: response.body.token.id as string }
}
