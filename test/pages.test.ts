import t from 'tap'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, createPerson, slotAt } from './hearings-helper.js'
import { getPage, postForm } from './pages-helper.js'

t.test('pages keep the strict CSP, speak HTML to browsers and problem+json to clients', async (t) => {
  const { app } = await build(t)
  const { wardA } = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  for (const url of ['/councils/dong-da-cat-linh', `/hearings/${hearing.id}`, '/dashboard/login']) {
    const page = await app.inject({ url, headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200, url)
    t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    t.match(String(page.headers['content-security-policy']), /script-src 'self'.*script-src-attr 'none'/, `${url}: the strict CSP`)
    t.equal(page.headers['referrer-policy'], 'no-referrer', 'links in pages (invitation secrets) never leak through Referer')
    t.notMatch(page.body, /<script/, 'no scripts at all')
  }
  const missing = await app.inject({ url: '/councils/nowhere', headers: { accept: 'text/html' } })
  t.equal(missing.statusCode, 404)
  t.match(missing.body, /Không tìm thấy trang/)
  const asClient = await call(app, { method: 'GET', url: '/councils/nowhere', headers: { accept: 'application/json' } })
  t.equal(asClient.status, 404)
  t.equal(asClient.headers['content-type'], 'application/problem+json; charset=utf-8', 'a client asking for JSON gets problem+json')
  const badYear = await app.inject({ url: '/console/councils/dong-da-cat-linh?year=99999', headers: { accept: 'text/html' } })
  t.equal(badYear.statusCode, 400, 'a year out of range is refused before anything runs')
  t.match(badYear.body, /Thông tin gửi lên chưa hợp lệ/)
  const publicCache = await app.inject({ url: '/councils/dong-da-cat-linh' })
  t.equal(publicCache.headers['cache-control'], 'public, max-age=60', 'an anonymous council page may be cached a minute')
})

t.test('forms need this site\'s CSRF token and origin; another council\'s forms are refused and change nothing', async (t) => {
  const { app } = await build(t)
  const { wardA, wardB } = await seedHierarchy(app)
  const { headers } = await tokenFor(app, 'secretariat', wardA.id)
  const other = await createHearing(app, { councilId: wardB.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const person = await createPerson(app, wardA.id, 'Hoàng Thị Lan')
  const mine = await createHearing(app, { councilId: wardA.id, status: 'scheduled', ...slotAt('2026-12-16') })
  const invited = await call(app, { method: 'POST', url: `/v1/hearings/${mine.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  const secret = invited.body.invitationToken as string

  const { session } = await getPage(app, `/invitations/${secret}`)
  t.ok(session.token, 'the page gives a CSRF token')
  const fromElsewhere = await postForm(app, `/invitations/${secret}`, session, { response: 'accepted' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
  t.equal(fromElsewhere.statusCode, 403, 'another site\'s form, even with a stolen token, is refused')
  t.match(fromElsewhere.body, /không được gửi từ trang này/)
  const noToken = await postForm(app, `/invitations/${secret}`, { ...session, token: 'forged' }, { response: 'accepted' })
  t.equal(noToken.statusCode, 403, 'a forged token is refused')
  const reasonless = await postForm(app, `/invitations/${secret}`, session, { response: 'delegated', substituteName: 'Ai đó' })
  t.equal(reasonless.statusCode, 400, 'delegating without a position: a sentence, not a 500')
  t.match(reasonless.body, /substitutePosition/)
  t.equal((await call(app, { method: 'GET', url: `/v1/invitations/${secret}`, headers: { accept: 'application/json' } })).body.invitation.response, 'pending', 'nothing changed')
  const declined = await postForm(app, `/invitations/${secret}`, session, { response: 'declined', reason: '  Đi công tác tỉnh  ', substituteName: 'ignored' })
  t.equal(declined.statusCode, 303)
  const read = await call(app, { method: 'GET', url: `/v1/invitations/${secret}`, headers: { accept: 'application/json' } })
  t.match(read.body.invitation, { response: 'declined', reason: 'Đi công tác tỉnh', substituteName: null }, 'the reason kept, trimmed; fields of other answers dropped')
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${secret}/response`, payload: { response: 'accepted', reason: 'x' } })).status, 400, 'the API takes a reason only with declined')
  const browser = await app.inject({ url: `/v1/invitations/${secret}`, headers: { accept: 'text/html,application/xhtml+xml' } })
  t.equal(browser.statusCode, 303)
  t.equal(browser.headers.location, `/invitations/${secret}`, 'a browser following the API link is sent to the page')

  // Signed in as Cát Linh's secretariat: Hàng Bột's hearing is not in its console.
  const { session: login } = await getPage(app, '/dashboard/login')
  const signedIn = await postForm(app, '/dashboard/login', login, { token: headers.authorization.slice(7), next: '/console' })
  const cookie = /gt_session=([^;]+)/.exec(String(signedIn.headers['set-cookie']))![1]!
  const session2 = { cookies: { ...login.cookies, gt_session: cookie }, token: login.token }
  const consolePage = await getPage(app, `/console/hearings/${mine.id}`, session2)
  t.equal(consolePage.response.statusCode, 200)
  const revision = /name="revision" value="([^"]+)"/.exec(consolePage.response.body)![1]!.replaceAll('&#34;', '"').replaceAll('&quot;', '"')
  const refused = await postForm(app, `/console/hearings/${other.id}/cancel`, session2, { revision, reason: 'Không phải của tôi' })
  t.equal(refused.statusCode, 403)
  t.match(refused.body, /không có quyền/)
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${other.id}` })).body.status, 'scheduled', 'and it stays scheduled')
  const bad = await postForm(app, `/console/hearings/${mine.id}/time`, session2, { revision, intent: 'confirm', startsAt: '2026-12-20T10:00', endsAt: '2026-12-20T09:00', reason: 'x' })
  t.equal(bad.statusCode, 400, 'an end before the start')
  t.match(bad.body, /The end must be after the start/)
  const noReason = await postForm(app, `/console/hearings/${mine.id}/time`, session2, { revision, intent: 'confirm', startsAt: '2026-12-20T08:00', endsAt: '2026-12-20T09:00' })
  t.equal(noReason.statusCode, 400, 'a reschedule needs a reason')
  const unknownField = await postForm(app, `/console/hearings/${mine.id}/cancel`, session2, { revision, reason: 'x', extra: '1' })
  t.equal(unknownField.statusCode, 400, 'unknown fields are refused, not dropped')
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${mine.id}` })).body.status, 'scheduled', 'nothing changed')
  const outsider = await app.inject({ url: `/console/hearings/${mine.id}`, headers: { accept: 'text/html' } })
  t.equal(outsider.statusCode, 303, 'not signed in: sent to sign in')
  t.match(String(outsider.headers.location), /^\/dashboard\/login\?next=%2Fconsole%2Fhearings%2F/)
})
