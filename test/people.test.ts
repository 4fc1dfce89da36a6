import t from 'tap'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'

t.test('people and memberships', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const secretariat = await tokenFor(app, 'secretariat', h.wardA.id)

  t.test('a secretariat registers a person for its council; defaults apply; a change keeps what was not sent', async (t) => {
    const created = await call(app, {
      method: 'POST',
      url: '/v1/people',
      headers: secretariat.headers,
      payload: { fullName: 'Phạm Minh Châu', kind: 'official', organization: 'UBND phường Cát Linh', position: 'Chủ tịch', email: 'chau@catlinh.example', locale: 'en' }
    })
    t.equal(created.status, 201)
    t.equal(created.headers.location, `/v1/people/${created.body.id}`)
    t.match(created.body, { ownerCouncilId: h.wardA.id, locale: 'en', phone: null })
    const changed = await call(app, { method: 'PATCH', url: `/v1/people/${created.body.id}`, headers: secretariat.headers, payload: { position: 'Phó Chủ tịch' } })
    t.equal(changed.status, 200)
    t.match(changed.body, { position: 'Phó Chủ tịch', locale: 'en', email: 'chau@catlinh.example', organization: 'UBND phường Cát Linh' })
    const cleared = await call(app, { method: 'PATCH', url: `/v1/people/${created.body.id}`, headers: secretariat.headers, payload: { email: null } })
    t.equal(cleared.body.email, null, 'null clears an optional field')
    const plain = await call(app, { method: 'POST', url: '/v1/people', headers: secretariat.headers, payload: { fullName: 'Đinh Văn Dũng', kind: 'delegate' } })
    t.equal(plain.body.locale, 'vi', 'Vietnamese by default')
  })

  t.test('memberships carry a role and dates; filters by day and role', async (t) => {
    const person = await call(app, { method: 'POST', url: '/v1/people', headers: secretariat.headers, payload: { fullName: 'Võ Thị Hạnh', kind: 'delegate' } })
    const first = await call(app, {
      method: 'POST',
      url: `/v1/councils/${h.wardA.id}/members`,
      headers: secretariat.headers,
      payload: { personId: person.body.id, role: 'delegate', startsOn: '2021-07-01', endsOn: '2026-03-14' }
    })
    t.equal(first.status, 201)
    t.match(first.body, { councilId: h.wardA.id, role: 'delegate', startsOn: '2021-07-01', endsOn: '2026-03-14', person: { fullName: 'Võ Thị Hạnh' } })
    const second = await call(app, {
      method: 'POST',
      url: `/v1/councils/${h.wardA.id}/members`,
      headers: secretariat.headers,
      payload: { personId: person.body.id, role: 'vice_chair', startsOn: '2026-03-15' }
    })
    t.equal(second.status, 201)
    const in2023 = await call(app, { method: 'GET', url: `/v1/councils/${h.wardA.id}/members?activeOn=2023-01-01`, headers: secretariat.headers })
    t.same(in2023.body.items.map((m: { role: string }) => m.role), ['delegate'])
    const in2026 = await call(app, { method: 'GET', url: `/v1/councils/${h.wardA.id}/members?activeOn=2026-06-01&role=vice_chair`, headers: secretariat.headers })
    t.equal(in2026.body.items.length, 1)
    const ended = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}/members/${second.body.id}`, headers: secretariat.headers, payload: { endsOn: '2026-06-30' } })
    t.equal(ended.status, 200)
    t.equal(ended.body.endsOn, '2026-06-30')
    const backwards = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}/members/${second.body.id}`, headers: secretariat.headers, payload: { endsOn: '2020-01-01' } })
    t.equal(backwards.status, 422)
    const wrongCouncil = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardB.id}/members/${second.body.id}`, headers: admin, payload: { role: 'chair' } })
    t.equal(wrongCouncil.status, 404, 'a membership is addressed under its own council only')
    const removed = await call(app, { method: 'DELETE', url: `/v1/councils/${h.wardA.id}/members/${first.body.id}`, headers: secretariat.headers })
    t.equal(removed.status, 204)
    const again = await call(app, { method: 'DELETE', url: `/v1/councils/${h.wardA.id}/members/${first.body.id}`, headers: secretariat.headers })
    t.equal(again.status, 404)
    const unknownPerson = await call(app, {
      method: 'POST',
      url: `/v1/councils/${h.wardA.id}/members`,
      headers: secretariat.headers,
      payload: { personId: '00000000-0000-4000-8000-000000000000', role: 'delegate', startsOn: '2021-07-01' }
    })
    t.equal(unknownPerson.status, 422)
    const audit = await call(app, { method: 'GET', url: `/v1/audit?entity=membership&entityId=${first.body.id}`, headers: admin })
    t.same(audit.body.items.map((e: { action: string }) => e.action), ['delete', 'create'])
    t.equal(audit.body.items[0].actorTokenId, secretariat.id)
  })

  t.test('a member of another council becomes visible to that council\'s secretariat', async (t) => {
    const wardB = await tokenFor(app, 'secretariat', h.wardB.id)
    const person = await call(app, { method: 'POST', url: '/v1/people', headers: secretariat.headers, payload: { fullName: 'Cao Thị Yến', kind: 'official' } })
    t.equal((await call(app, { method: 'GET', url: `/v1/people/${person.body.id}`, headers: wardB.headers })).status, 404)
    const itself = await call(app, { method: 'POST', url: `/v1/councils/${h.wardB.id}/members`, headers: wardB.headers, payload: { personId: person.body.id, role: 'delegate', startsOn: '2026-03-15' } })
    t.equal(itself.status, 422, 'ward B cannot make someone it may not see its member (that would take over their record)')
    // An administrator, who sees everyone, records the membership.
    t.equal((await call(app, { method: 'POST', url: `/v1/councils/${h.wardB.id}/members`, headers: admin, payload: { personId: person.body.id, role: 'delegate', startsOn: '2026-03-15' } })).status, 201)
    t.equal((await call(app, { method: 'GET', url: `/v1/people/${person.body.id}`, headers: wardB.headers })).status, 200)
    const filtered = await call(app, { method: 'GET', url: `/v1/people?councilId=${h.wardB.id}`, headers: wardB.headers })
    t.ok(filtered.body.items.some((p: { id: string }) => p.id === person.body.id))
  })

  t.test('lists people page by page, by kind and by name', async (t) => {
    const officials = await call(app, { method: 'GET', url: '/v1/people?kind=official', headers: admin })
    t.ok(officials.body.items.every((p: { kind: string }) => p.kind === 'official'))
    const byName = await call(app, { method: 'GET', url: `/v1/people?q=${encodeURIComponent('minh châu')}`, headers: admin })
    t.same(byName.body.items.map((p: { fullName: string }) => p.fullName), ['Phạm Minh Châu'])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const response: { body: { items: Array<{ id: string }>, nextCursor: string | null } } =
        await call(app, { method: 'GET', url: `/v1/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: admin })
      seen.push(...response.body.items.map((p) => p.id))
      cursor = response.body.nextCursor
    } while (cursor)
    const all = await call(app, { method: 'GET', url: '/v1/people', headers: admin })
    t.same(seen, all.body.items.map((p: { id: string }) => p.id))
    t.equal(new Set(seen).size, seen.length, 'no person twice')
  })

  t.test('an admin registers a person for any council, or for none', async (t) => {
    const none = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Chuyên gia độc lập', kind: 'official' } })
    t.equal(none.body.ownerCouncilId, null)
    const missing = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'X', kind: 'official', ownerCouncilId: '00000000-0000-4000-8000-000000000000' } })
    t.equal(missing.status, 400)
  })
})
