import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import postgres from 'postgres'
import { ADMIN_TOKEN, admin, build, call, createTestPostgresDatabase, onPostgres, seedHierarchy } from './helper.js'
import { startServer } from './process.js'

t.test('a POST retried with its Idempotency-Key is applied once and answered as the first time', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const payload = { councilId: h.wardA.id, title: 'Phiên giải trình về môi trường' }
  const headers = { ...admin, 'idempotency-key': 'c0a8e6f2-hearing-1' }
  const first = await call(app, { method: 'POST', url: '/v1/hearings', headers, payload })
  t.equal(first.status, 201)
  const retry = await call(app, { method: 'POST', url: '/v1/hearings', headers, payload })
  t.equal(retry.status, 201, 'the same status')
  t.same(retry.body, first.body, 'the same body')
  t.equal(retry.headers.location, first.headers.location, 'the same Location')
  t.equal(retry.headers['idempotent-replayed'], 'true', 'marked as a replay')
  const listed = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.wardA.id}`, headers: admin })
  t.equal(listed.body.items.length, 1, 'one hearing, not two')

  const other = await call(app, { method: 'POST', url: '/v1/hearings', headers, payload: { ...payload, title: 'Khác' } })
  t.equal(other.status, 422, 'the same key with another request is refused')
  t.match(other.body.detail, /was used for another request/)
  t.equal((await call(app, { method: 'POST', url: '/v1/hearings', headers: { ...admin, 'idempotency-key': 'bad key' }, payload })).status, 400, 'a key with spaces is not one')
  t.equal((await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload })).status, 201, 'without a key, each POST is a new write')
})

t.test('when the first answer was lost with the connection, a retry learns the write was applied', async (t) => {
  const { app, database } = await build(t)
  const h = await seedHierarchy(app)
  const headers = { ...admin, 'idempotency-key': 'lost-answer-1' }
  const first = await call(app, { method: 'POST', url: '/v1/people', headers, payload: { fullName: 'Trần Văn Lộc', kind: 'official', ownerCouncilId: h.wardA.id } })
  t.equal(first.status, 201)
  // What a connection lost after COMMIT leaves: the key, stored with the write, but no answer.
  const { idempotencyKeys } = await import('../src/db/schema.js')
  await database.db.update(idempotencyKeys).set({ status: null, response: null })
  const retry = await call(app, { method: 'POST', url: '/v1/people', headers, payload: { fullName: 'Trần Văn Lộc', kind: 'official', ownerCouncilId: h.wardA.id } })
  t.equal(retry.status, 409)
  t.match(retry.body.detail, /already applied: its result is person/)
  t.equal(retry.body.entityId, first.body.id, 'names the record it made')
  const people = await call(app, { method: 'GET', url: `/v1/people?q=${encodeURIComponent('Trần Văn Lộc')}`, headers: admin })
  t.equal(people.body.items.length, 1)
})

t.test('writes during lost database connections: 503 with Retry-After, never 500, and each write retried with its key exists once', { skip: onPostgres ? false : 'needs PostgreSQL (connections to terminate): run with DATABASE_URL' }, async (t) => {
  const url = await createTestPostgresDatabase(t)
  const service = await startServer({ DATABASE_URL: url, ADMIN_TOKEN, DB_POOL_SIZE: '4' })
  t.teardown(() => service.stop())
  const post = (path: string, body: unknown, key?: string) => fetch(`${service.address}${path}`, {
    method: 'POST', headers: { ...admin, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body)
  })
  const council = await (await post('/v1/councils', { code: 'cat-linh', name: 'Phường Cát Linh', level: 'ward', activeFrom: '2016-07-01' })).json() as { id: string }

  const killer = postgres(url, { max: 1, onnotice: () => {} })
  t.teardown(() => killer.end())
  const state = { killing: true, killed: 0 }
  const kills = (async () => {
    while (state.killing) {
      const rows = await killer`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name = 'giaitrinh'`
      state.killed += rows.length
      await sleep(40)
    }
  })()

  const statuses = new Map<number, number>()
  const unavailableWithoutRetryAfter: string[] = []
  const clients = Array.from({ length: 20 }, async (_, client) => {
    for (let n = 0; n < 4; n++) {
      const fullName = `Người thử ${client}-${n}`
      for (let attempt = 0; attempt < 100; attempt++) {
        const response = await post('/v1/people', { fullName, kind: 'official', ownerCouncilId: council.id }, `kill-${client}-${n}`)
        await response.arrayBuffer()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        if (response.status === 503 && response.headers.get('retry-after') === null) unavailableWithoutRetryAfter.push(fullName)
        if (response.status === 201 || response.status === 409) break
        await sleep(20)
      }
    }
  })
  await Promise.all(clients)
  state.killing = false
  await kills
  t.comment(`connections terminated: ${state.killed}; answers: ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.ok(state.killed > 20, 'connections were terminated during the writes')
  t.ok((statuses.get(503) ?? 0) > 0, 'some writes met a lost connection')
  t.notOk(statuses.has(500), 'no 500')
  t.same([...statuses.keys()].filter((status) => ![201, 409, 503].includes(status)), [], 'only 201, 409 (already applied) and 503')
  t.same(unavailableWithoutRetryAfter, [], 'every 503 says when to retry')
  t.equal(service.child.exitCode, null, 'the service is still running')
  const names = await killer`select full_name, count(*)::int as n from people where full_name like 'Người thử %' group by full_name`
  t.equal(names.length, 80, 'every write exists')
  t.ok(names.every((row) => row.n === 1), 'exactly once')
})

t.test('the installed postgres.js carries the closed-socket guard that `npm ci` applies (scripts/patch-postgres.mjs)', async (t) => {
  const { readFile } = await import('node:fs/promises')
  for (const file of ['node_modules/postgres/src/connection.js', 'node_modules/postgres/cjs/src/connection.js']) {
    t.match(await readFile(file, 'utf8'), /giaitrinh: closed-socket guard/, file)
  }
})
