import t from 'tap'
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { cookieHeader, getPage, postForm, signedInAs, type FormSession } from './pages-helper.js'

/**
 * The pages' access matrix and fuzzer, as test/access-matrix and test/fuzz are the API's: every
 * page route the app serves (read from the app itself, so a new page without an entry here fails),
 * called with valid forms by signed-in users of other councils and by anonymous browsers, must
 * change nothing of ward A and show none of its private data; and called with junk (paths, queries,
 * forms) as every kind of user, must never answer 5xx.
 */

/** Every route of the app as "METHOD /path", read from fastify's route tree (HEAD left out: it is GET's). */
function appRoutes (app: FastifyInstance): string[] {
  const stack: string[] = []
  const routes: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)(?:[├└]── )?(\S+) \(([A-Z, ]+)\)$/.exec(line)
    if (!match) continue
    const depth = match[1]!.length / 4
    const path = depth === 0 ? match[2]! : `${stack[depth - 1]}${match[2]}`.replace('//', '/')
    stack[depth] = path
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`)
  }
  return routes
}

/** The pages: everything but the API, the feeds, the API's documents and the probes. */
const isPage = (route: string) => !/^[A-Z]+ \/(v1\/|feeds\/|docs|openapi\.json|healthz|readyz)/.test(route)

/** Routes that only touch the caller's own session (covered by test/accounts*): calling them would end the caller's session mid-matrix. */
const OWN_SESSION = new Set(['POST /signout', 'POST /account/sign-out-everywhere'])

t.test('every page, as users of other councils and as an anonymous browser, with valid forms: nothing of ward A changes, nothing private shows, no 5xx', async (t) => {
  const { app, database } = await build(t, { config: { WEBHOOK_ALLOW_PRIVATE: 'true', AUTH_FAILURES_PER_MINUTE: '100000' } })
  const h = await seedHierarchy(app)
  const marker = { email: 'mat.khau.rieng@catlinh.example', phone: '0912 345 678', title: 'Kỷ luật cán bộ X (MẬT)', webhook: 'http://127.0.0.1:9/bi-mat' }
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Lưu Thị Kín', kind: 'official', email: marker.email, phone: marker.phone, ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, title: marker.title, visibility: 'restricted', status: 'scheduled', ...slotAt('2026-12-17') })
  const invited = (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })).body as { participant: { id: string } }
  await call(app, { method: 'POST', url: `/v1/invitations/${(await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants/${invited.participant.id}/invitation`, headers: admin })).body.invitationToken}/response`, payload: { response: 'delegated', substituteName: 'Người Thay Kín' } })
  const membership = (await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId: person.id, role: 'delegate', startsOn: '2026-01-01' } })).body as { id: string }
  const webhook = (await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/webhooks`, headers: admin, payload: { url: marker.webhook } })).body as { endpoint: { id: string } }
  const notifications = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items as Array<{ id: string }>
  await call(app, { method: 'PUT', url: '/v1/calendar/days/2026-01-03', headers: admin, payload: { kind: 'working_day', name: 'Làm bù' } })
  const rule = (await call(app, { url: '/v1/notice-rules' })).body.items[0] as { id: string, name: string, legalBasis: string, effectiveFrom: string }
  // Ward A's own staff: a user with a role and a token of their own.
  const wardStaff = await signedInAs(app, 'secretariat', h.wardA.id)
  const wardUser = (await call(app, { url: '/v1/users', headers: admin })).body.items.find((u: { email: string }) => u.email === wardStaff.email) as { id: string }
  const wardRole = /name="roleId">\s*<option value="([^"]+)"/.exec((await getPage(app, '/account', wardStaff)).response.body)![1]!
  const wardSecret = /value="(gt_[A-Za-z0-9_-]+)"/.exec((await postForm(app, '/account/tokens', wardStaff, { name: 'Của phường A', roleId: wardRole, days: '30' })).body)![1]!
  const wardToken = /action="\/account\/tokens\/([0-9a-f-]{36})\/revoke"/.exec((await getPage(app, '/account', wardStaff)).response.body)![1]!
  const etag = async () => String((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag)
  const councilRevision = async () => String((await call(app, { url: `/v1/councils/${h.wardA.id}`, headers: admin })).body.revision ?? 0)
  const random = '5e7c8a1e-0000-4000-8000-000000000000'

  const params: Record<string, (route: string) => string> = {
    code: () => 'dong-da-cat-linh',
    id: (route) => route.includes('/hearings/') ? hearing.id : route.includes('/users/') ? wardUser.id : route.includes('/tokens/') ? wardToken : route.includes('/notice-rules/') ? rule.id : route.includes('/sessions/') ? wardSessionId : random,
    membershipId: () => membership.id,
    participantId: () => invited.participant.id,
    personId: () => person.id,
    endpointId: () => webhook.endpoint.id,
    notificationId: () => notifications[0]?.id ?? random,
    roleId: () => wardRole,
    day: () => '2026-01-03',
    token: () => 'gt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    action: () => 'disable'
  }
  // A valid form for each page that takes one: access, not validation, must decide.
  const forms: Record<string, () => Promise<Record<string, string>> | Record<string, string>> = {
    'POST /': () => ({}),
    'POST /signin': () => ({ email: 'nguoi.la@example.com' }),
    'POST /signin/:token': () => ({}),
    'POST /invitations/:token': () => ({ response: 'accepted' }),
    'POST /commitments/:token': () => ({ note: 'Báo cáo lạ', progress: '50' }),
    'POST /account/role': () => ({ roleId: wardRole }),
    'POST /account/sessions/:id/end': () => ({}),
    'POST /account/tokens': () => ({ name: 'Mượn quyền', roleId: wardRole, days: '30' }),
    'POST /account/tokens/:id/revoke': () => ({}),
    'POST /console/councils/:code/hearings': () => ({ title: 'Phiên lạ', visibility: 'public' }),
    'POST /console/councils/:code/members': () => ({ personId: person.id, role: 'delegate', startsOn: '2026-02-01' }),
    'POST /console/councils/:code/members/:membershipId/end': () => ({ endsOn: '2026-12-31' }),
    'POST /console/councils/:code/settings': () => ({ explainer: '1 ngày', notificationEmail: 'ke.la@example.com' }),
    'POST /console/councils/:code/webhooks': () => ({ url: 'http://127.0.0.1:9/ke-la' }),
    'POST /console/councils/:code/webhooks/:endpointId/rotate-secret': () => ({}),
    'POST /console/councils/:code/webhooks/:endpointId/:action': () => ({}),
    'POST /console/hearings/:id/edit': async () => ({ revision: await etag(), title: 'Đổi tên', visibility: 'public' }),
    'POST /console/hearings/:id/time': async () => ({ revision: await etag(), intent: 'confirm', startsAt: '2026-12-18T08:00', endsAt: '2026-12-18T10:00', reason: 'Đổi giờ' }),
    'POST /console/hearings/:id/postpone': async () => ({ revision: await etag(), reason: 'Hoãn' }),
    'POST /console/hearings/:id/cancel': async () => ({ revision: await etag(), reason: 'Hủy' }),
    'POST /console/hearings/:id/outcome': async () => ({ revision: await etag(), summary: 'Kết quả lạ' }),
    'POST /console/hearings/:id/participants': () => ({ role: 'guest', personId: person.id }),
    'POST /console/hearings/:id/participants/:participantId/link': () => ({}),
    'POST /console/hearings/:id/participants/:participantId/role': () => ({ role: 'guest' }),
    'POST /console/hearings/:id/participants/:participantId/withdraw': () => ({}),
    'POST /console/hearings/:id/participants/:participantId/invite-substitute': () => ({ email: 'thay@example.com' }),
    'POST /console/hearings/:id/people/:personId/feed-link': () => ({}),
    'POST /console/hearings/:id/notifications/:notificationId/resend': () => ({}),
    'POST /console/hearings/:id/conclusion': () => ({ text: 'Kết luận lạ', voter: person.id, choice: 'for' }),
    'POST /console/hearings/:id/commitments': () => ({ title: 'Việc lạ', dueOn: '2026-12-31', responsibleAgency: 'Lạ' }),
    'POST /console/hearings/:id/commitments/:commitmentId': () => ({ note: 'Lạ', progress: '10' }),
    'POST /console/hearings/:id/commitments/:commitmentId/link': () => ({}),
    'POST /console/people/:personId': () => ({ fullName: 'Đổi tên', locale: 'vi' }),
    'POST /console/users': () => ({ email: 'moi@example.com', name: 'Người mới', role: 'secretariat', councilId: h.wardA.id }),
    'POST /console/users/:id/roles/:roleId/revoke': () => ({}),
    'POST /console/users/:id/sign-out-everywhere': () => ({}),
    'POST /console/admin/councils': () => ({ name: 'Phường Lạ', code: 'phuong-la', level: 'ward', parent: 'dong-da', activeFrom: '2026-01-01', coveragePercent: '100', coverageMinHearings: '1' }),
    'POST /console/admin/councils/:code': async () => ({ revision: await councilRevision(), name: 'Đổi tên', level: 'ward', parent: 'dong-da', activeFrom: '2016-07-01', activeTo: '2026-01-01', coveragePercent: '100', coverageMinHearings: '1' }),
    'POST /console/admin/calendar/days': () => ({ day: '2026-01-05', kind: 'day_off', name: 'Nghỉ lạ' }),
    'POST /console/admin/calendar/days/:day/withdraw': () => ({}),
    'POST /console/admin/notice-rules': () => ({ code: 'la', name: 'Lạ', legalBasis: 'Lạ', effectiveFrom: '2030-01-01', explainerNoticeDays: '1', dayKind: 'calendar' }),
    'POST /console/admin/notice-rules/:id': () => ({ name: rule.name, legalBasis: rule.legalBasis, effectiveFrom: rule.effectiveFrom, explainerNoticeDays: '0', dayKind: 'calendar' })
  }

  const routes = appRoutes(app).filter(isPage)
  const missing = routes.filter((route) => route.startsWith('POST') && !OWN_SESSION.has(route) && !(route in forms))
  t.same(missing, [], 'every page form has a valid body in this matrix')
  t.ok(routes.length > 50, `${routes.length} page routes`)

  // What ward A has: its audit rows (every write records one), the service-wide ones (councils, days,
  // rules, defaults) and its staff's (their sessions, tokens and roles).
  const audited = async () => (await database.db.execute(sql`select count(*)::int as n from audit_log
    where council_id = ${h.wardA.id} or entity in ('council', 'notice_rule', 'calendar_day', 'service_settings') or entity_id = ${wardUser.id}`) as unknown as { rows?: Array<{ n: number }> } & Array<{ n: number }>)
  const count = async () => { const result = await audited(); return (result.rows ?? result)[0]!.n }
  const wardSession = await database.db.execute(sql`select id from sessions where user_id = ${wardUser.id}`) as unknown as { rows?: Array<{ id: string }> } & Array<{ id: string }>
  const wardSessionId = (wardSession.rows ?? wardSession)[0]!.id

  const foreign: Record<string, FormSession | undefined> = {
    'sibling ward secretariat': await signedInAs(app, 'secretariat', h.wardB.id),
    'other district supervisor': await signedInAs(app, 'supervisor', h.otherDistrict.id),
    'other ward secretariat': await signedInAs(app, 'secretariat', h.otherWard.id),
    anonymous: undefined,
    // Reads ward A (its private data too, rightly) and may change none of it.
    'district supervisor': await signedInAs(app, 'supervisor', h.district.id)
  }
  const readers = new Set(['district supervisor'])
  const before = await count()
  const problems: string[] = []
  let checked = 0
  for (const route of routes) {
    if (OWN_SESSION.has(route)) continue
    const [method, template] = route.split(' ') as [string, string]
    const url = template.replace(/:(\w+)/g, (_, name: string) => params[name]?.(template) ?? random)
    for (const [who, session] of Object.entries(foreign)) {
      const browser = session ?? { cookies: {}, token: 'x' }
      const response = method === 'GET'
        ? await app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: cookieHeader(browser) } })
        : await postForm(app, url, browser, await forms[route]!())
      checked++
      const label = `${route} as ${who} → ${response.statusCode}`
      if (response.statusCode >= 500) problems.push(`${label}: ${response.body.slice(0, 200)}`)
      if (!readers.has(who) && Object.values(marker).some((value) => response.body.includes(value) || response.body.includes(value.replace(/&/g, '&amp;')))) problems.push(`${label}: shows ward A's private data`)
      // A form that a foreign caller could use successfully on ward A's things (the few public forms aside).
      if (method === 'POST' && response.statusCode < 400 && !['POST /', 'POST /signin'].includes(route)) problems.push(`${label}: accepted`)
    }
  }
  t.ok(checked > 250, `${checked} calls`)
  t.same(problems, [], '0 leaks, 0 accepted, 0 × 5xx')
  t.equal(await count(), before, 'ward A\'s audit log and the service-wide one: unchanged')
  t.match((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body, { title: marker.title, status: 'scheduled', visibility: 'restricted' })
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.id}/webhooks`, headers: admin })).body.items[0].enabled, true)
  t.equal((await getPage(app, '/account', wardStaff)).response.statusCode, 200, 'ward A\'s user is still signed in')
  t.equal((await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: { authorization: `Bearer ${wardSecret}` } })).status, 200, 'and their token still works')
})

t.test('junk in every page\'s path, query and form, as every kind of user: never a 5xx; errors are pages or problem+json', async (t) => {
  const { app } = await build(t, { config: { AUTH_FAILURES_PER_MINUTE: '100000' } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-17') })
  const routes = appRoutes(app).filter(isPage).filter((route) => !OWN_SESSION.has(route) && route !== 'POST /console/users/:id/sign-out-everywhere')
  const users: Record<string, FormSession> = {
    anonymous: { cookies: {}, token: 'x' },
    secretariat: await signedInAs(app, 'secretariat', h.wardA.id),
    admin: await signedInAs(app, 'admin')
  }
  const junk = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom('', ' ', '\r\n', '\u0000', '%00', '%0D%0A', 'Đ', '../..', '//evil.example', '-1', '99999999999', '2026-02-30', 'NaN', '1e400', '[]', '{}', '<script>', 'a'.repeat(5000), hearing.id, 'dong-da-cat-linh', '0', 'on', 'vi', 'en'),
    fc.integer().map(String)
  )
  const fields = fc.dictionary(fc.constantFrom('lang', 'year', 'q', 'next', 'status', 'parent', 'back', 'saved', 'name', 'email', 'title', 'role', 'day', 'kind', 'url', 'revision', 'startsAt', 'endsAt', 'explainer', 'quietHours', 'days', 'roleId', 'personId', 'code', 'level', 'activeFrom', 'coveragePercent', 'response', 'token', 'zzz'), junk, { maxKeys: 5 })
  const samples = fc.sample(fc.record({ path: fc.array(junk, { minLength: 4, maxLength: 4 }), query: fields, form: fields }), { numRuns: 6, seed: Number(process.env.FUZZ_SEED ?? 20261208) })
  const problems: string[] = []
  let checked = 0
  for (const route of routes) {
    const [method, template] = route.split(' ') as [string, string]
    for (const sample of samples) {
      let i = 0
      const url = template.replace(/:(\w+)/g, () => encodeURIComponent(sample.path[i++ % 4]!)) + '?' + new URLSearchParams(sample.query).toString()
      for (const [who, session] of Object.entries(users)) {
        const response = method === 'GET'
          ? await app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: cookieHeader(session) } })
          : await postForm(app, url, session, sample.form)
        checked++
        const type = String(response.headers['content-type'] ?? '')
        if (response.statusCode >= 500) problems.push(`${method} ${url.slice(0, 120)} as ${who} → ${response.statusCode}: ${response.body.slice(0, 160)}`)
        else if (response.statusCode >= 400 && !/text\/html|application\/problem\+json/.test(type)) problems.push(`${method} ${url.slice(0, 120)} as ${who} → ${response.statusCode} ${type}`)
      }
    }
  }
  t.ok(checked > 800, `${checked} calls`)
  t.same(problems, [], 'no 5xx; every error is a page or problem+json')
})
