import t from 'tap'
import { sql } from 'drizzle-orm'
import { buildApp } from '../src/app.js'
import { admin, build, call, seedHierarchy, testConfig } from './helper.js'
import { sealing } from '../src/domain/sealing.js'
import type { Database } from '../src/db/client.js'

/** Every text of a table, as one string to search (what someone reading the database would see). */
async function tableText (database: Database, table: string): Promise<string> {
  const result = await database.db.execute(sql.raw(`select coalesce(json_agg(t), '[]')::text as rows from ${table} t`)) as unknown as Array<{ rows: string }> | { rows: Array<{ rows: string }> }
  return (Array.isArray(result) ? result : result.rows)[0]!.rows
}

t.test('sealing: what is sealed opens with the key, or the previous key after a rotation, and with no other', async (t) => {
  const old = sealing('an-old-secret-key-of-at-least-32-characters')
  const sealed = old.seal('whsec_abc')
  t.match(sealed, /^sealed:v1:/)
  t.not(sealed, old.seal('whsec_abc'), 'a fresh nonce each time')
  t.equal(old.unseal(sealed), 'whsec_abc')
  t.equal(sealing('a-new-secret-key-of-at-least-32-characters!', 'an-old-secret-key-of-at-least-32-characters').unseal(sealed), 'whsec_abc', 'SECRET_KEY_PREVIOUS opens what the old key sealed')
  t.throws(() => sealing('another-key-of-at-least-32-characters-long').unseal(sealed), /cannot be opened/)
  t.equal(old.unseal('kept in clear before'), 'kept in clear before', 'a value from before sealing is read as it is')
})

t.test('no readable secret at rest: webhook signing secrets and answers replayed under an Idempotency-Key are sealed; the replay still gives the secret', async (t) => {
  const { app, database } = await build(t)
  const h = await seedHierarchy(app)
  const key = { ...admin, 'idempotency-key': 'webhook-1' }
  const created = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: key, payload: { url: 'https://93.184.215.14/hook' } })
  t.equal(created.status, 201)
  const secret = created.body.secret as string
  t.match(secret, /^whsec_/)
  const rotated = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks/${created.body.endpoint.id}/rotate-secret`, headers: admin })
  const token = await call(app, { method: 'POST', url: '/v1/tokens', headers: { ...admin, 'idempotency-key': 'token-1' }, payload: { name: 'Văn phòng', role: 'secretariat', councilId: h.wardA.id } })
  t.equal(token.status, 201)
  const stored = (await tableText(database, 'webhook_endpoints')) + (await tableText(database, 'idempotency_keys'))
  for (const shown of [secret, rotated.body.secret as string, token.body.secret as string]) {
    t.notOk(stored.includes(shown), `${shown.slice(0, 8)}… is not in the tables`)
  }
  t.notMatch(stored, /whsec_|"gt_/, 'no secret of either kind in clear')
  const replay = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: key, payload: { url: 'https://93.184.215.14/hook' } })
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.body.secret, secret, 'the replayed answer gives the same secret')
})

t.test('without SECRET_KEY: no webhook can be registered, a shown-once answer is not kept (a retry is told what was made), and a database with endpoints refuses to start', async (t) => {
  const { app, database } = await build(t)
  const h = await seedHierarchy(app)
  t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook' } })).status, 201, 'one endpoint, made with the key')

  const refused = buildApp(testConfig({ SECRET_KEY: '' }), { database })
  await t.rejects(refused, /SECRET_KEY is not set, and 1 webhook endpoint\(s\) exist/, 'the service does not start: it could not sign their notices')

  await call(app, { method: 'DELETE', url: `/v1/councils/${h.wardA.code}/webhooks/${(await call(app, { url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin })).body.items[0].id}`, headers: admin })
  await app.close()
  const keyless = await buildApp(testConfig({ SECRET_KEY: '' }), { database })
  t.teardown(() => keyless.close())
  await keyless.ready()
  const webhook = await call(keyless, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook' } })
  t.equal(webhook.status, 409)
  t.match(webhook.body, { code: 'SECRET_KEY_MISSING' })
  const headers = { ...admin, 'idempotency-key': 'token-keyless' }
  const payload = { name: 'Giám sát', role: 'supervisor', councilId: h.city.id }
  const first = await call(keyless, { method: 'POST', url: '/v1/tokens', headers, payload })
  t.equal(first.status, 201)
  t.notOk((await tableText(database, 'idempotency_keys')).includes(first.body.secret), 'the answer with the secret is not kept')
  const retry = await call(keyless, { method: 'POST', url: '/v1/tokens', headers, payload })
  t.equal(retry.status, 409)
  t.match(retry.body, { code: 'IDEMPOTENCY_ALREADY_APPLIED', entityId: first.body.token.id })
  t.notOk(JSON.stringify(retry.body).includes(first.body.secret))
})

t.test('signing secrets an older version kept in clear are sealed at the next start with SECRET_KEY; the endpoint keeps signing with the same secret', async (t) => {
  const { app, database } = await build(t)
  const h = await seedHierarchy(app)
  const created = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.code}/webhooks`, headers: admin, payload: { url: 'https://93.184.215.14/hook' } })
  const secret = created.body.secret as string
  // As a version before sealing left it.
  await database.db.execute(sql`update webhook_endpoints set secret = ${secret}, previous_secret = ${'whsec_older'}`)
  t.match(await tableText(database, 'webhook_endpoints'), /whsec_/, 'in clear before')
  await app.close()
  const restarted = await buildApp(testConfig(), { database })
  t.teardown(() => restarted.close())
  await restarted.ready()
  const stored = await tableText(database, 'webhook_endpoints')
  t.notMatch(stored, /whsec_/, 'sealed after the start')
  const [row] = JSON.parse(stored) as Array<{ secret: string, previous_secret: string }>
  t.equal(restarted.sealing!.unseal(row!.secret), secret, 'the same secret, sealed')
  t.equal(restarted.sealing!.unseal(row!.previous_secret), 'whsec_older')
})
