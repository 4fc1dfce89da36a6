import t from 'tap'
import { admin, build, call, seedHierarchy } from './helper.js'

t.test('councils', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)

  t.test('creates a council and reads it back without a token, diacritics intact', async (t) => {
    const response = await call(app, { method: 'GET', url: `/v1/councils/${h.wardA.id}` })
    t.equal(response.status, 200)
    t.match(response.body, {
      id: h.wardA.id,
      code: 'dong-da-cat-linh',
      name: 'Phường Cát Linh',
      level: 'ward',
      parentId: h.district.id,
      activeFrom: '2016-07-01',
      activeTo: null,
      timezone: 'Asia/Ho_Chi_Minh'
    })
  })

  t.test('lists by parent, level and active date, ordered by code, with cursor pages', async (t) => {
    const children = await call(app, { method: 'GET', url: `/v1/councils?parentId=${h.district.id}` })
    t.same(children.body.items.map((c: { code: string }) => c.code), ['dong-da-cat-linh', 'dong-da-hang-bot'])
    const districts = await call(app, { method: 'GET', url: '/v1/councils?level=district' })
    t.same(districts.body.items.map((c: { code: string }) => c.code), ['ba-dinh', 'dong-da'])
    const first = await call(app, { method: 'GET', url: '/v1/councils?limit=2' })
    t.equal(first.body.items.length, 2)
    t.type(first.body.nextCursor, 'string')
    const all: string[] = []
    let cursor: string | null = null
    do {
      const next: { body: { items: Array<{ code: string }>, nextCursor: string | null } } =
        await call(app, { method: 'GET', url: `/v1/councils?limit=4${cursor ? `&cursor=${cursor}` : ''}` })
      all.push(...next.body.items.map((c) => c.code))
      cursor = next.body.nextCursor
    } while (cursor)
    t.same(all, [...all].sort())
    t.equal(all.length, 6)
  })

  t.test('a council exists only between activeFrom and activeTo', async (t) => {
    const merged = await call(app, {
      method: 'POST',
      url: '/v1/councils',
      headers: admin,
      payload: { code: 'dong-da-trung-tu', name: 'Phường Trung Tự', level: 'ward', parentId: h.district.id, activeFrom: '2016-07-01', activeTo: '2021-06-30' }
    })
    t.equal(merged.status, 201)
    const in2019 = await call(app, { method: 'GET', url: `/v1/councils?parentId=${h.district.id}&activeOn=2019-06-01` })
    t.ok(in2019.body.items.some((c: { code: string }) => c.code === 'dong-da-trung-tu'))
    const in2022 = await call(app, { method: 'GET', url: `/v1/councils?parentId=${h.district.id}&activeOn=2022-06-01` })
    t.notOk(in2022.body.items.some((c: { code: string }) => c.code === 'dong-da-trung-tu'))
    const subtree = await call(app, { method: 'GET', url: `/v1/councils/${h.district.id}/subtree?activeOn=2022-06-01` })
    t.notOk(subtree.body.items.some((c: { code: string }) => c.code === 'dong-da-trung-tu'))
    const backwards = await call(app, {
      method: 'PATCH', url: `/v1/councils/${merged.body.id}`, headers: admin, payload: { activeTo: '2010-01-01' }
    })
    t.equal(backwards.status, 422)
    t.match(backwards.body.detail, /activeTo .* is before activeFrom/)
  })

  t.test('returns the subtree with depths', async (t) => {
    const response = await call(app, { method: 'GET', url: `/v1/councils/${h.city.id}/subtree` })
    t.equal(response.status, 200)
    const depths = Object.fromEntries(response.body.items.map((c: { code: string, depth: number }) => [c.code, c.depth]))
    t.match(depths, { 'ha-noi': 0, 'dong-da': 1, 'ba-dinh': 1, 'dong-da-cat-linh': 2, 'ba-dinh-cong-vi': 2 })
  })

  t.test('refuses a parent that does not exist, a cycle, and a level above its parent', async (t) => {
    const missing = await call(app, {
      method: 'POST',
      url: '/v1/councils',
      headers: admin,
      payload: { code: 'x-ward', name: 'Phường X', level: 'ward', parentId: '00000000-0000-4000-8000-000000000000', activeFrom: '2020-01-01' }
    })
    t.equal(missing.status, 422)
    t.match(missing.body.detail, /parentId .* does not name an existing council/)
    const cycle = await call(app, { method: 'PATCH', url: `/v1/councils/${h.city.id}`, headers: admin, payload: { parentId: h.wardA.id } })
    t.equal(cycle.status, 422)
    const self = await call(app, { method: 'PATCH', url: `/v1/councils/${h.district.id}`, headers: admin, payload: { parentId: h.district.id } })
    t.equal(self.status, 422)
    t.match(self.body.detail, /own ancestor/)
    const upside = await call(app, {
      method: 'POST',
      url: '/v1/councils',
      headers: admin,
      payload: { code: 'x-city', name: 'Thành phố X', level: 'city', parentId: h.wardA.id, activeFrom: '2020-01-01' }
    })
    t.equal(upside.status, 422)
    t.match(upside.body.detail, /cannot be placed under a ward/)
  })

  t.test('refuses a duplicate code with 409 and an unknown time zone with 400', async (t) => {
    const duplicate = await call(app, {
      method: 'POST',
      url: '/v1/councils',
      headers: admin,
      payload: { code: 'dong-da', name: 'Quận Đống Đa', level: 'district', parentId: h.city.id, activeFrom: '2016-07-01' }
    })
    t.equal(duplicate.status, 409)
    t.equal(duplicate.headers['content-type'], 'application/problem+json; charset=utf-8')
    const zone = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardB.id}`, headers: admin, payload: { timezone: 'Mars/Olympus' } })
    t.equal(zone.status, 400)
    t.match(zone.body.detail, /not an IANA time zone/)
  })

  t.test('updates a council and records before and after in the audit log', async (t) => {
    const updated = await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardB.id}`, headers: admin, payload: { name: 'Phường Hàng Bột (cũ)' } })
    t.equal(updated.status, 200)
    t.equal(updated.body.name, 'Phường Hàng Bột (cũ)')
    const audit = await call(app, { method: 'GET', url: `/v1/audit?entity=council&entityId=${h.wardB.id}`, headers: admin })
    t.equal(audit.status, 200)
    const entry = audit.body.items[0]
    t.match(entry, { action: 'update', entity: 'council', entityId: h.wardB.id, actor: 'ADMIN_TOKEN', actorTokenId: null })
    t.equal(entry.before.name, 'Phường Hàng Bột')
    t.equal(entry.after.name, 'Phường Hàng Bột (cũ)')
  })

  t.test('answers 404 as problem+json for an unknown council', async (t) => {
    const response = await call(app, { method: 'GET', url: '/v1/councils/00000000-0000-4000-8000-000000000000' })
    t.equal(response.status, 404)
    t.match(response.body, { status: 404, title: 'Not Found', detail: /No council/ })
  })
})
