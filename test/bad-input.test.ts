import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, seedHierarchy } from './helper.js'

/** Every Vietnamese vowel with every tone, both cases, and đ/Đ: composed (NFC) as keyboards send them. */
export function everyVietnameseLetter (): string {
  const vowels = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y']
  const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']
  const lower = vowels.flatMap((vowel) => tones.map((tone) => (vowel + tone).normalize('NFC'))).join('')
  return `${lower}${lower.toUpperCase()}đĐ`
}

async function snapshot (app: FastifyInstance) {
  const [councils, people, audit] = await Promise.all([
    call(app, { method: 'GET', url: '/v1/councils?limit=500' }),
    call(app, { method: 'GET', url: '/v1/people?limit=500', headers: admin }),
    call(app, { method: 'GET', url: '/v1/audit?limit=500', headers: admin })
  ])
  return JSON.stringify([councils.body, people.body, audit.body])
}

t.test('bad input gets 4xx problem+json and changes nothing', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Nguyễn Văn A', kind: 'delegate', ownerCouncilId: h.wardA.id } })
  const before = await snapshot(app)
  const json = { ...admin, 'content-type': 'application/json' }
  const validCouncil = { code: 'phuong-moi', name: 'Phường Mới', level: 'ward', parentId: h.district.id, activeFrom: '2026-03-15' }

  const cases: Array<{ name: string, method: 'POST' | 'PATCH' | 'GET' | 'DELETE', url: string, headers?: Record<string, string>, body?: string, expect: number, field?: RegExp }> = [
    { name: 'malformed JSON', method: 'POST', url: '/v1/councils', headers: json, body: '{"code": "x",', expect: 400 },
    { name: 'JSON that is not an object', method: 'POST', url: '/v1/councils', headers: json, body: '[1,2,3]', expect: 400 },
    { name: 'an empty body', method: 'POST', url: '/v1/councils', headers: json, body: '', expect: 400 },
    { name: 'a number where a string goes', method: 'POST', url: '/v1/councils', headers: json, body: JSON.stringify({ ...validCouncil, name: 42 }), expect: 400, field: /body\/name/ },
    { name: 'a string where a boolean-free enum goes', method: 'POST', url: '/v1/councils', headers: json, body: JSON.stringify({ ...validCouncil, level: 'village' }), expect: 400, field: /body\/level/ },
    { name: 'an unknown field', method: 'POST', url: '/v1/councils', headers: json, body: JSON.stringify({ ...validCouncil, mayor: 'x' }), expect: 400, field: /unknown field .*mayor/ },
    { name: 'an unknown field in an update', method: 'PATCH', url: `/v1/people/${person.body.id}`, headers: json, body: JSON.stringify({ fullName: 'B', salary: 1 }), expect: 400, field: /salary/ },
    { name: 'an empty update', method: 'PATCH', url: `/v1/people/${person.body.id}`, headers: json, body: '{}', expect: 400 },
    { name: 'a missing required field', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ kind: 'delegate' }), expect: 400, field: /fullName.*is required/ },
    { name: 'null for a required field', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ fullName: null, kind: 'delegate' }), expect: 400 },
    { name: 'an impossible date', method: 'POST', url: '/v1/councils', headers: json, body: JSON.stringify({ ...validCouncil, activeFrom: '2026-02-30' }), expect: 400, field: /activeFrom/ },
    { name: 'a bad e-mail', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ fullName: 'A', kind: 'official', email: 'not-an-email' }), expect: 400, field: /email/ },
    { name: 'control characters in a name', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ fullName: 'A\u0000B', kind: 'official' }), expect: 400, field: /fullName/ },
    { name: 'an escape sequence in a name', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ fullName: 'A\u001b[31mB', kind: 'official' }), expect: 400 },
    { name: 'a blank name', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ fullName: '   ', kind: 'official' }), expect: 400 },
    { name: 'a body of 2 MB', method: 'POST', url: '/v1/people', headers: json, body: JSON.stringify({ fullName: 'x'.repeat(2 * 1024 * 1024), kind: 'official' }), expect: 413 },
    { name: 'neither an id nor a code in the path', method: 'GET', url: '/v1/councils/not_a_key', expect: 400, field: /params\/id/ },
    { name: 'a bad uuid in the path', method: 'GET', url: '/v1/hearings/not-a-uuid', expect: 400, field: /params\/id/ },
    { name: 'SQL in the path', method: 'GET', url: "/v1/councils/1'%20OR%20'1'='1", expect: 400 },
    { name: 'a bad uuid in a nested path', method: 'DELETE', url: `/v1/councils/${h.wardA.id}/members/123`, headers: admin, expect: 400 },
    { name: 'a bad query parameter', method: 'GET', url: '/v1/councils?limit=abc', expect: 400, field: /querystring\/limit/ },
    { name: 'an out-of-range limit', method: 'GET', url: '/v1/councils?limit=100000', expect: 400 },
    { name: 'an unknown query parameter', method: 'GET', url: '/v1/councils?colour=red', expect: 400, field: /colour/ },
    { name: 'a NUL byte in a search', method: 'GET', url: '/v1/people?q=a%00b', headers: admin, expect: 400 },
    { name: 'a forged cursor', method: 'GET', url: '/v1/councils?cursor=%27%3B--', expect: 400 },
    { name: 'a bad date in the query', method: 'GET', url: '/v1/councils?activeOn=yesterday', expect: 400 },
    { name: 'a wrong content type', method: 'POST', url: '/v1/people', headers: { ...admin, 'content-type': 'text/plain' }, body: 'hello', expect: 415 },
    { name: 'an unknown route', method: 'GET', url: '/v1/nothing-here', expect: 404 },
    { name: 'an unknown method on a route', method: 'DELETE', url: '/v1/councils', headers: admin, expect: 404 },
    { name: 'a hearing time without an offset', method: 'POST', url: '/v1/hearings', headers: json, body: JSON.stringify({ councilId: h.wardA.id, title: 'x', startsAt: '2026-12-15 08:00', endsAt: '2026-12-15 10:00' }), expect: 400, field: /with an offset/ },
    { name: 'an unknown hearing field', method: 'POST', url: '/v1/hearings', headers: json, body: JSON.stringify({ councilId: h.wardA.id, title: 'x', room: 'A' }), expect: 400, field: /room/ },
    { name: 'a hearing status that cannot be created', method: 'POST', url: '/v1/hearings', headers: json, body: JSON.stringify({ councilId: h.wardA.id, title: 'x', status: 'postponed' }), expect: 400, field: /status/ },
    { name: 'a control character in a description', method: 'POST', url: '/v1/hearings', headers: json, body: JSON.stringify({ councilId: h.wardA.id, title: 'x', description: 'a\u0007b' }), expect: 400, field: /description/ },
    { name: 'an outcome of the wrong shape', method: 'POST', url: '/v1/hearings', headers: json, body: JSON.stringify({ councilId: h.wardA.id, title: 'x', status: 'held', outcome: { summary: 1 } }), expect: 400 },
    { name: 'a bad action body', method: 'POST', url: `/v1/hearings/${h.wardA.id}/cancel`, headers: json, body: '{"reason": ""}', expect: 400 },
    { name: 'an action on an unknown hearing', method: 'POST', url: '/v1/hearings/00000000-0000-4000-8000-000000000000/cancel', headers: json, body: '{"reason": "x"}', expect: 404 },
    { name: 'an unknown action', method: 'POST', url: '/v1/hearings/00000000-0000-4000-8000-000000000000/archive', headers: json, body: '{}', expect: 404 },
    { name: 'an invitation answer of the wrong kind', method: 'POST', url: '/v1/invitations/gt_x/response', headers: { 'content-type': 'application/json' }, body: '{"response":"maybe"}', expect: 400 },
    { name: 'a rule with negative days', method: 'POST', url: '/v1/notice-rules', headers: json, body: JSON.stringify({ code: 'x-rule', name: 'x', legalBasis: 'x', effectiveFrom: '2026-01-01', effectiveTo: null, explainerNoticeDays: -1, dayKind: 'calendar', verified: false }), expect: 400 },
    { name: 'a code with spaces and SQL', method: 'POST', url: '/v1/councils', headers: json, body: JSON.stringify({ ...validCouncil, code: "x'; drop table councils; --" }), expect: 400, field: /code/ }
  ]

  for (const c of cases) {
    const response = await app.inject({ method: c.method, url: c.url, headers: c.headers ?? {}, ...(c.body !== undefined ? { body: c.body } : {}) })
    t.equal(response.statusCode, c.expect, `${c.name}: status`)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', `${c.name}: problem+json`)
    const problem = JSON.parse(response.body)
    t.match(problem, { type: String, title: String, status: c.expect, detail: String }, `${c.name}: problem members`)
    t.ok(problem.detail.length > 10, `${c.name}: a detail a person can act on`)
    if (c.field) t.match(JSON.stringify(problem.errors ?? problem.detail), c.field, `${c.name}: names the field`)
  }
  t.equal(await snapshot(app), before, 'the database is unchanged')
})

t.test('text round-trips byte for byte: every diacritic, SQL, quotes, emoji', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const letters = everyVietnameseLetter()
  t.equal([...letters].length, 12 * 6 * 2 + 2)
  const names = [
    `Phường ${letters}`,
    "Robert'); DROP TABLE councils; --",
    'Quận "Đống Đa" \\ 100% _x_ $1 ${x} <script>alert(1)</script>', // eslint-disable-line no-template-curly-in-string -- a literal "${x}" is the point

    'Nguyễn Thị Ngọc Ánh 👩‍⚖️',
    'Ủy ban nhân dân – Văn Miếu – Quốc Tử Giám'
  ]
  for (const [i, name] of names.entries()) {
    const created = await call(app, {
      method: 'POST',
      url: '/v1/councils',
      headers: admin,
      payload: { code: `test-${i}`, name, level: 'ward', parentId: h.district.id, activeFrom: '2026-03-15' }
    })
    t.equal(created.status, 201, name)
    const read = await app.inject({ method: 'GET', url: `/v1/councils/${created.body.id}` })
    t.equal(read.headers['content-type'], 'application/json; charset=utf-8')
    t.ok(Buffer.from(JSON.parse(read.body).name, 'utf8').equals(Buffer.from(name, 'utf8')), `bytes of ${name}`)
    const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: name, kind: 'official', organization: name, position: `Chủ tịch ${letters}` } })
    t.equal(person.status, 201)
    const again = await call(app, { method: 'GET', url: `/v1/people/${person.body.id}`, headers: admin })
    t.equal(again.body.fullName, name)
    t.equal(again.body.position, `Chủ tịch ${letters}`)
  }
  const decomposed = 'Nguyễn'.normalize('NFD')
  const stored = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: decomposed, kind: 'official' } })
  t.equal(stored.body.fullName, decomposed, 'decomposed input is kept as sent, not rewritten')
  const search = await call(app, { method: 'GET', url: `/v1/people?q=${encodeURIComponent("'); DROP")}`, headers: admin })
  t.equal(search.status, 200)
  t.equal(search.body.items.length, 1, 'SQL in a search is just text')
  const wildcard = await call(app, { method: 'GET', url: `/v1/people?q=${encodeURIComponent('100%')}`, headers: admin })
  t.equal(wildcard.body.items.length, 1, 'LIKE wildcards in a search are literal')
})
