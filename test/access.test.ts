import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'

type Headers = Record<string, string>

async function createPerson (app: FastifyInstance, headers: Headers, fullName: string) {
  const response = await call(app, { method: 'POST', url: '/v1/people', headers, payload: { fullName, kind: 'delegate', email: 'a@example.vn', phone: '+84 912 345 678' } })
  if (response.status !== 201) throw new Error(JSON.stringify(response.body))
  return response.body as { id: string }
}

async function auditCount (app: FastifyInstance): Promise<number> {
  const response = await call(app, { method: 'GET', url: '/v1/audit?limit=500', headers: admin })
  return response.body.items.length
}

t.test('access control', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const wardB = await tokenFor(app, 'secretariat', h.wardB.id)
  const districtSupervisor = await tokenFor(app, 'supervisor', h.district.id)
  const personA = await createPerson(app, wardA.headers, 'Nguyễn Thị Ánh')
  const personB = await createPerson(app, wardB.headers, 'Trần Văn Bình')
  const personOther = await createPerson(app, admin, 'Lê Cống Vị')
  await call(app, { method: 'POST', url: `/v1/councils/${h.otherWard.id}/members`, headers: admin, payload: { personId: personOther.id, role: 'delegate', startsOn: '2021-07-01' } })
  const memberB = await call(app, { method: 'POST', url: `/v1/councils/${h.wardB.id}/members`, headers: wardB.headers, payload: { personId: personB.id, role: 'chair', startsOn: '2021-07-01' } })
  t.equal(memberB.status, 201, 'a secretariat adds members to its own council')

  // Every route that needs a token, with a target in ward B where it has one.
  const privateRoutes = [
    { method: 'GET', url: '/v1/people' },
    { method: 'POST', url: '/v1/people', payload: { fullName: 'X', kind: 'official' } },
    { method: 'GET', url: `/v1/people/${personB.id}` },
    { method: 'PATCH', url: `/v1/people/${personB.id}`, payload: { position: 'Chủ tịch' } },
    { method: 'GET', url: `/v1/councils/${h.wardB.id}/members` },
    { method: 'POST', url: `/v1/councils/${h.wardB.id}/members`, payload: { personId: personB.id, role: 'delegate', startsOn: '2021-07-01' } },
    { method: 'PATCH', url: `/v1/councils/${h.wardB.id}/members/${memberB.body.id}`, payload: { endsOn: '2026-03-14' } },
    { method: 'DELETE', url: `/v1/councils/${h.wardB.id}/members/${memberB.body.id}` },
    { method: 'POST', url: '/v1/councils', payload: { code: 'new-ward', name: 'Phường Mới', level: 'ward', parentId: h.district.id, activeFrom: '2026-03-15' } },
    { method: 'PATCH', url: `/v1/councils/${h.wardB.id}`, payload: { name: 'Phường Hàng Bột mới' } },
    { method: 'GET', url: '/v1/tokens' },
    { method: 'POST', url: '/v1/tokens', payload: { name: 'x', role: 'admin' } },
    { method: 'DELETE', url: `/v1/tokens/${wardB.id}` },
    { method: 'GET', url: '/v1/audit' }
  ] as const

  t.test('every private route answers 401 without a token, and with a malformed one', async (t) => {
    for (const route of privateRoutes) {
      const none = await call(app, { method: route.method, url: route.url, ...('payload' in route ? { payload: route.payload } : {}) })
      t.equal(none.status, 401, `${route.method} ${route.url} without a token`)
      t.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.equal(none.headers['www-authenticate'], 'Bearer realm="giaitrinh"')
      const bad = await call(app, { method: route.method, url: route.url, headers: { authorization: 'Basic dXNlcjpwYXNz' } })
      t.equal(bad.status, 401, `${route.method} ${route.url} with Basic auth`)
    }
  })

  t.test('public routes answer without a token', async (t) => {
    for (const url of ['/v1/councils', `/v1/councils/${h.wardB.id}`, `/v1/councils/${h.city.id}/subtree`, '/healthz', '/readyz', '/openapi.json']) {
      t.equal((await call(app, { method: 'GET', url })).status, 200, url)
    }
  })

  t.test('a ward A secretariat gets 403 or 404 on ward B\'s private data and every write to ward B, and changes nothing', async (t) => {
    const before = await auditCount(app)
    for (const route of privateRoutes) {
      if (route.method === 'GET' && (route.url === '/v1/people')) continue
      if (route.method === 'POST' && route.url === '/v1/people') continue
      const response = await call(app, { method: route.method, url: route.url, headers: wardA.headers, ...('payload' in route ? { payload: route.payload } : {}) })
      t.ok([403, 404].includes(response.status), `${route.method} ${route.url}: ${response.status}`)
    }
    const list = await call(app, { method: 'GET', url: '/v1/people', headers: wardA.headers })
    t.same(list.body.items.map((p: { id: string }) => p.id), [personA.id], 'lists only its own council\'s people')
    const filtered = await call(app, { method: 'GET', url: `/v1/people?councilId=${h.wardB.id}`, headers: wardA.headers })
    t.equal(filtered.status, 403)
    const forB = await call(app, { method: 'POST', url: '/v1/people', headers: wardA.headers, payload: { fullName: 'X', kind: 'official', ownerCouncilId: h.wardB.id } })
    t.equal(forB.status, 403, 'cannot register a person for ward B')
    t.equal(await auditCount(app), before, 'no write happened')
    const own = await call(app, { method: 'GET', url: `/v1/people/${personA.id}`, headers: wardA.headers })
    t.equal(own.status, 200)
    t.equal(own.body.phone, '+84 912 345 678')
  })

  t.test('a district supervisor reads its wards\' private data and nothing outside, and writes nothing', async (t) => {
    const people = await call(app, { method: 'GET', url: '/v1/people', headers: districtSupervisor.headers })
    t.same(new Set(people.body.items.map((p: { id: string }) => p.id)), new Set([personA.id, personB.id]))
    t.equal((await call(app, { method: 'GET', url: `/v1/people/${personB.id}`, headers: districtSupervisor.headers })).status, 200)
    t.equal((await call(app, { method: 'GET', url: `/v1/people/${personOther.id}`, headers: districtSupervisor.headers })).status, 404)
    t.equal((await call(app, { method: 'GET', url: `/v1/councils/${h.wardB.id}/members`, headers: districtSupervisor.headers })).status, 200)
    t.equal((await call(app, { method: 'GET', url: `/v1/councils/${h.otherWard.id}/members`, headers: districtSupervisor.headers })).status, 403)
    t.equal((await call(app, { method: 'GET', url: `/v1/councils/${h.city.id}/members`, headers: districtSupervisor.headers })).status, 403, 'not the parent either')
    const audit = await call(app, { method: 'GET', url: '/v1/audit?limit=500', headers: districtSupervisor.headers })
    t.equal(audit.status, 200)
    const subtree = new Set([h.district.id, h.wardA.id, h.wardB.id])
    t.ok(audit.body.items.length > 0)
    t.ok(audit.body.items.every((e: { councilId: string }) => subtree.has(e.councilId)), 'audit entries only of its subtree')
    t.equal((await call(app, { method: 'GET', url: `/v1/audit?councilId=${h.otherWard.id}`, headers: districtSupervisor.headers })).status, 403)
    const before = await auditCount(app)
    for (const route of privateRoutes.filter((r) => r.method !== 'GET')) {
      const response = await call(app, { method: route.method, url: route.url, headers: districtSupervisor.headers, ...('payload' in route ? { payload: route.payload } : {}) })
      t.ok([403, 404].includes(response.status), `${route.method} ${route.url}: ${response.status}`)
    }
    t.equal(await auditCount(app), before)
  })

  t.test('a secretariat cannot read the audit log or manage tokens', async (t) => {
    t.equal((await call(app, { method: 'GET', url: '/v1/audit', headers: wardA.headers })).status, 403)
    t.equal((await call(app, { method: 'GET', url: '/v1/tokens', headers: wardA.headers })).status, 403)
  })

  t.test('a revoked token answers 401 at once; tokens are listed without secrets', async (t) => {
    const temporary = await tokenFor(app, 'secretariat', h.wardA.id)
    t.equal((await call(app, { method: 'GET', url: '/v1/people', headers: temporary.headers })).status, 200)
    const revoked = await call(app, { method: 'DELETE', url: `/v1/tokens/${temporary.id}`, headers: admin })
    t.equal(revoked.status, 200)
    t.type(revoked.body.revokedAt, 'string')
    t.equal((await call(app, { method: 'GET', url: '/v1/people', headers: temporary.headers })).status, 401)
    const list = await call(app, { method: 'GET', url: '/v1/tokens?includeRevoked=true', headers: admin })
    t.ok(list.body.items.some((tk: { id: string }) => tk.id === temporary.id))
    t.notOk(JSON.stringify(list.body).includes(temporary.headers.authorization.slice(7)), 'no secret in the list')
    t.notOk(JSON.stringify(list.body).includes('secretHash'))
    const active = await call(app, { method: 'GET', url: '/v1/tokens', headers: admin })
    t.notOk(active.body.items.some((tk: { id: string }) => tk.id === temporary.id), 'revoked tokens hidden by default')
    t.equal((await call(app, { method: 'DELETE', url: '/v1/tokens/00000000-0000-4000-8000-000000000000', headers: admin })).status, 404)
  })

  t.test('an admin token issued through the API acts as admin; the audit names it', async (t) => {
    const second = await tokenFor(app, 'admin')
    const created = await call(app, { method: 'PATCH', url: `/v1/councils/${h.otherWard.id}`, headers: second.headers, payload: { name: 'Phường Cống Vị' } })
    t.equal(created.status, 200)
    const audit = await call(app, { method: 'GET', url: `/v1/audit?entity=council&entityId=${h.otherWard.id}&limit=1`, headers: admin })
    t.equal(audit.body.items[0].actorTokenId, second.id)
  })

  t.test('token roles and scopes are checked', async (t) => {
    const adminWithCouncil = await call(app, { method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'x', role: 'admin', councilId: h.city.id } })
    t.equal(adminWithCouncil.status, 400)
    const supervisorWithout = await call(app, { method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'x', role: 'supervisor' } })
    t.equal(supervisorWithout.status, 400)
    t.match(supervisorWithout.body.detail, /needs councilId/)
    const unknownCouncil = await call(app, { method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'x', role: 'supervisor', councilId: '00000000-0000-4000-8000-000000000000' } })
    t.equal(unknownCouncil.status, 400)
  })
})

t.test('an expired token is refused', async (t) => {
  const { app, clock } = await build(t)
  const h = await seedHierarchy(app)
  const response = await call(app, {
    method: 'POST',
    url: '/v1/tokens',
    headers: admin,
    payload: { name: 'short', role: 'supervisor', councilId: h.city.id, expiresAt: new Date(clock.current.getTime() + 3_600_000).toISOString() }
  })
  const headers = { authorization: `Bearer ${response.body.secret}` }
  t.equal((await call(app, { method: 'GET', url: '/v1/people', headers })).status, 200)
  clock.advance(3_600_001)
  t.equal((await call(app, { method: 'GET', url: '/v1/people', headers })).status, 401)
})

t.test('repeated failed authentication from one address is rate limited; valid tokens are not', async (t) => {
  const { app, clock } = await build(t, { config: { AUTH_FAILURES_PER_MINUTE: '5' } })
  const wrong = { authorization: 'Bearer gt_wrongwrongwrongwrongwrongwrongwrongwrongwro' }
  for (let i = 0; i < 5; i++) t.equal((await call(app, { method: 'GET', url: '/v1/people', headers: wrong })).status, 401)
  const limited = await call(app, { method: 'GET', url: '/v1/people', headers: wrong })
  t.equal(limited.status, 429)
  t.equal(limited.headers['retry-after'], '60')
  t.match(limited.body.detail, /Too many failed authentication attempts/)
  t.equal((await call(app, { method: 'GET', url: '/v1/people', headers: admin })).status, 429, 'even a right guess is refused while blocked')
  const other = await app.inject({ method: 'GET', url: '/v1/people', headers: admin, remoteAddress: '10.1.2.3' })
  t.equal(other.statusCode, 200, 'another address is not affected')
  for (let i = 0; i < 20; i++) {
    const ok = await app.inject({ method: 'GET', url: '/v1/people', headers: admin, remoteAddress: '10.9.9.9' })
    t.equal(ok.statusCode, 200)
  }
  clock.advance(60_000)
  t.equal((await call(app, { method: 'GET', url: '/v1/people', headers: admin })).status, 200, 'the block ends with its window')
})
