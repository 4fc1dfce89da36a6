import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import postgres from 'postgres'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { createPostgres, wrapPglite, type Database } from '../src/db/client.js'
import { openPgliteFromTemplate } from './setup/pglite-template.js'

export const ADMIN_TOKEN = 'test-admin-token-000000000000000000000000'
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
/** Tests run on PostgreSQL when DATABASE_URL is set (a server URL; each test gets its own database). */
export const onPostgres = Boolean(process.env.DATABASE_URL)

/** A settable clock for tests: no test sleeps to wait for time. */
export class TestClock {
  constructor (public current = new Date('2026-11-27T02:00:00Z')) {}
  now = (): Date => new Date(this.current)
  advance (ms: number): void { this.current = new Date(this.current.getTime() + ms) }
}

/** The URL of a server database with another database name. */
export function databaseUrl (name: string): string {
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `/${name}`
  return url.toString()
}

/** A new, empty PostgreSQL database dropped when the test ends. Returns its URL. */
export async function createTestPostgresDatabase (t: Test): Promise<string> {
  const name = `giaitrinh_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const server = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  await server.unsafe(`create database "${name}"`)
  t.teardown(async () => {
    await server.unsafe(`drop database if exists "${name}" with (force)`)
    await server.end()
  })
  return databaseUrl(name)
}

/** An isolated, migrated database for one test: PGlite in memory, or a fresh PostgreSQL database. */
export async function testDatabase (t: Test): Promise<Database> {
  let database: Database
  if (onPostgres) {
    database = createPostgres(await createTestPostgresDatabase(t), 4)
    await database.migrate()
  } else {
    database = wrapPglite(await openPgliteFromTemplate())
  }
  t.teardown(() => database.close())
  return database
}

export function testConfig (overrides: Record<string, string> = {}): Config {
  // Notifications are delivered only where a test asks for it (NOTIFY_WORKER=on).
  return loadConfig({ ADMIN_TOKEN, LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://giaitrinh.test', NOTIFY_WORKER: 'off', ...overrides })
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
