import t from 'tap'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnServer } from './process.js'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { smtpSink, type Sink } from './mail-helper.js'
import { cookieHeader, getPage, postForm, signedInAs, type FormSession } from './pages-helper.js'

// Issue "Staff accounts and the office's desk", part 1 and 2: users with roles per council, signing
// in by a one-time link e-mailed through a real SMTP server, sessions kept on the server (an opaque
// id in the cookie, never a credential of the API), CSRF tokens bound to the session.

const ADMIN_EMAIL = 'quantri@hanoi.example'

/** Asks for a sign-in link as a browser would and returns the link the e-mail carries. */
async function requestLink (app: FastifyInstance, sink: Sink, email: string, next = '/console') {
  const before = sink.mails.length
  const { session } = await getPage(app, '/signin')
  const sent = await postForm(app, '/signin', session, { email, next })
  if (sent.statusCode !== 200) throw new Error(`sign-in request: ${sent.statusCode} ${sent.body}`)
  await sink.received(before + 1)
  const mail = sink.mails[before]!
  const link = /https?:\/\/giaitrinh\.test(\/signin\/gl_[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')
  if (!link) throw new Error(`no link in: ${mail.text}`)
  return { path: link[1]!, mail, page: sent }
}

/** Opens the link and presses the button: the browser's cookies after signing in. */
async function signIn (app: FastifyInstance, path: string, planted: Record<string, string> = {}) {
  const { response, session } = await getPage(app, path, { cookies: planted, token: '' })
  if (response.statusCode !== 200) throw new Error(`link page: ${response.statusCode}`)
  const done = await postForm(app, path, session, {})
  const set = String(done.headers['set-cookie'] ?? '')
  // Over https (the tests' PUBLIC_BASE_URL) the cookie is __Host- prefixed; over plain HTTP it is not.
  const [, name, cookie] = /((?:__Host-)?gt_session)=(gs_[A-Za-z0-9_-]+)/.exec(set) ?? []
  return { done, cookie, name, browser: { cookies: { ...session.cookies, ...(cookie ? { [name!]: cookie } : {}) }, token: session.token } satisfies FormSession }
}

t.test('the first administrator from ADMIN_EMAIL signs in by an e-mailed link; the link works once; the session is a server-side id the API ignores; signing out ends it', async (t) => {
  const sink = await smtpSink(t)
  const { app, database } = await build(t, { config: { ADMIN_EMAIL, SMTP_URL: sink.url, MAIL_FROM: 'HĐND <hdnd@hanoi.example>' } })
  const { path, mail, page } = await requestLink(app, sink, 'QuanTri@HaNoi.example')
  t.match(page.body, /Nếu địa chỉ này có tài khoản, một đường dẫn đăng nhập vừa được gửi tới/, 'the page says a link was sent, in Vietnamese')
  t.equal(mail.subject, 'Đường dẫn đăng nhập hệ thống phiên giải trình HĐND')
  t.match(mail.text, /Kính gửi Ông\/Bà quantri,[\s\S]*dùng được một lần, trong 15 phút/)
  t.equal(mail.headers.get('auto-submitted'), 'auto-generated')

  // An address without an account gets the same page, and no e-mail.
  const { session: other } = await getPage(app, '/signin')
  const unknown = await postForm(app, '/signin', other, { email: 'nobody@hanoi.example' })
  t.equal(unknown.statusCode, 200)
  t.match(unknown.body, /Nếu địa chỉ này có tài khoản/, 'the same answer: addresses cannot be probed')

  // Following the link shows a button (a mail scanner that follows links signs nobody in); pressing it signs in.
  const { done, cookie, browser } = await signIn(app, path)
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/console')
  t.match(String(done.headers['set-cookie']), /^__Host-gt_session=gs_[A-Za-z0-9_-]{43};.*HttpOnly; Secure; SameSite=Strict/i, 'an opaque id, HttpOnly, SameSite=Strict; over https __Host- and Secure (no other port of the host can read or set it)')
  const stored = await database.db.execute('select secret_hash, csrf_token from sessions' as never) as unknown as Array<{ secret_hash: string }> | { rows: Array<{ secret_hash: string }> }
  const rows = Array.isArray(stored) ? stored : stored.rows
  t.equal(rows.length, 1)
  t.notOk(JSON.stringify(rows).includes(cookie!), 'only its hash is kept')
  const consolePage = await getPage(app, '/console', browser)
  t.equal(consolePage.response.statusCode, 200, 'the console opens')
  t.match(consolePage.response.body, /Tài khoản/, 'with the account link')
  t.equal((await app.inject({ url: '/v1/tokens', headers: { cookie: cookieHeader(browser) } })).statusCode, 401, 'the cookie is no credential on /v1')
  t.equal((await app.inject({ url: '/v1/tokens', headers: { authorization: `Bearer ${cookie}` } })).statusCode, 401, 'nor as a bearer token')

  const again = await getPage(app, path)
  t.equal(again.response.statusCode, 410, 'the link works once')
  t.equal((await postForm(app, path, (await getPage(app, '/signin')).session, {})).statusCode, 410)

  const account = await getPage(app, '/account', browser)
  t.match(account.response.body, /Quản trị viên/, 'the account page lists the roles')
  t.equal((account.response.body.match(/data-testid="session"/g) ?? []).length, 1, 'and the one session')

  const out = await postForm(app, '/signout', { cookies: browser.cookies, token: /name="_csrf" value="([^"]+)"/.exec(account.response.body)![1]! }, {})
  t.equal(out.statusCode, 303)
  const after = await app.inject({ url: '/console', headers: { accept: 'text/html', cookie: cookieHeader(browser) } })
  t.equal(after.statusCode, 303, 'the old cookie no longer signs in')
  t.match(after.headers.location, /^\/signin\?next=/)
})

t.test('ADMIN_TOKEN and API tokens no longer sign in to the pages; the old sign-in path sends to the new one', async (t) => {
  const { app } = await build(t)
  const old = await app.inject({ url: '/dashboard/login?next=/console', headers: { accept: 'text/html' } })
  t.equal(old.statusCode, 303)
  t.equal(old.headers.location, '/signin?next=%2Fconsole&lang=vi')
  const { session } = await getPage(app, '/signin')
  const tokenForm = await postForm(app, '/dashboard/login', session, { token: 'test-admin-token-000000000000000000000000' })
  t.equal(tokenForm.statusCode, 404, 'there is no form that takes a token')
  const planted = await app.inject({ url: '/console', headers: { accept: 'text/html', cookie: '__Host-gt_session=test-admin-token-000000000000000000000000' } })
  t.equal(planted.statusCode, 303, 'a token in the session cookie signs nobody in')
})

t.test('roles: an administrator or the parent council\'s secretariat grants a ward\'s role; the user acts in it; sign out everywhere; invalid session cookies never lock out API tokens', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { SMTP_URL: sink.url, AUTH_FAILURES_PER_MINUTE: '5' } })
  const h = await seedHierarchy(app)
  const created = await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'Mai.Le@CatLinh.example', name: 'Lê Thị Mai' } })
  t.equal(created.status, 201)
  t.equal(created.body.email, 'mai.le@catlinh.example', 'kept in lower case')
  t.match(await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'mai.le@catlinh.example', name: 'Lê Thị Mai' } }), { status: 409, body: { code: 'USER_EXISTS' } })
  const district = await tokenFor(app, 'secretariat', h.district.id)
  const ward = await tokenFor(app, 'secretariat', h.wardA.id)
  t.match(await call(app, { method: 'POST', url: `/v1/users/${created.body.id}/roles`, headers: ward.headers, payload: { role: 'secretariat', councilId: h.wardB.id } }), { status: 403, body: { code: 'ROLE_GRANT_FORBIDDEN' } }, 'a ward cannot grant roles for another ward')
  t.match(await call(app, { method: 'POST', url: `/v1/users/${created.body.id}/roles`, headers: district.headers, payload: { role: 'admin' } }), { status: 403 }, 'nor a district the admin role')
  const granted = await call(app, { method: 'POST', url: `/v1/users/${created.body.id}/roles`, headers: district.headers, payload: { role: 'secretariat', councilId: h.wardA.id } })
  t.equal(granted.status, 201, 'the district\'s secretariat grants its ward\'s role')
  t.match(granted.body, { role: 'secretariat', councilId: h.wardA.id, councilName: 'Phường Cát Linh' })
  t.match(await call(app, { method: 'POST', url: `/v1/users/${created.body.id}/roles`, headers: admin, payload: { role: 'supervisor', councilId: h.district.id } }), { status: 201 })

  const { path } = await requestLink(app, sink, 'mai.le@catlinh.example', '/console')
  const { browser } = await signIn(app, path)
  const account = await getPage(app, '/account', browser)
  t.match(account.response.body, /Văn phòng \(Thường trực\) — HĐND phường Cát Linh/)
  t.match(account.response.body, /Giám sát — HĐND quận Đống Đa/)
  // The council switcher: act as the district's supervisor.
  const supervisorRole = (await call(app, { url: '/v1/users', headers: admin })).body.items[0].roles.find((r: { role: string }) => r.role === 'supervisor').id as string
  const switched = await postForm(app, '/account/role', account.session, { roleId: supervisorRole })
  t.equal(switched.statusCode, 303)
  t.match((await getPage(app, '/account', browser)).response.body, /Giám sát — HĐND quận Đống Đa <span class="badge s-held">Đang làm việc với quyền/, 'now acting as supervisor')
  const wardHearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  t.equal((await getPage(app, `/console/hearings/${wardHearing.id}`, browser)).response.statusCode, 200, 'a supervisor reads the ward\'s hearing')

  // Thirty requests with a stale session cookie: the address's API tokens keep working.
  for (let i = 0; i < 30; i++) await app.inject({ url: '/console', headers: { accept: 'text/html', cookie: '__Host-gt_session=gs_stale00000000000000000000000000000000000000000' } })
  t.equal((await call(app, { url: '/v1/tokens', headers: admin })).status, 200, 'no lock-out from stale cookies')

  const everywhere = await call(app, { method: 'POST', url: `/v1/users/${created.body.id}/sign-out-everywhere`, headers: admin, payload: { disable: true } })
  t.match(everywhere, { status: 200, body: { sessionsEnded: 1 } })
  t.equal((await app.inject({ url: '/console', headers: { accept: 'text/html', cookie: cookieHeader(browser) } })).statusCode, 303, 'signed out everywhere')
  const { session: retry } = await getPage(app, '/signin')
  const before = sink.mails.length
  await postForm(app, '/signin', retry, { email: 'mai.le@catlinh.example' })
  t.equal(sink.mails.length, before, 'a disabled user is sent no link')
  const audit = await call(app, { url: `/v1/audit?entity=user&entityId=${created.body.id}`, headers: admin })
  t.same(audit.body.items.map((e: { action: string }) => e.action).sort(), ['create', 'disable', 'grant', 'grant', 'request_sign_in', 'sign_in'].sort(), 'every change audited')
})

t.test('the cross-port attack: a page on another port of the host, plain HTTP, no-referrer, with a CSRF cookie it set, cannot act for the signed-in victim; session fixation fails', async (t) => {
  const sink = await smtpSink(t)
  // Plain HTTP, as on an office network: the cookie has no __Host- prefix and reaches every port of the host.
  const { app } = await build(t, { config: { ADMIN_EMAIL, SMTP_URL: sink.url, PUBLIC_BASE_URL: 'http://giaitrinh.test' } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  // The attacker's own session, planted in the victim's browser (cookies ignore ports): replaced at sign-in.
  const attackerLink = await requestLink(app, sink, ADMIN_EMAIL)
  const attacker = await signIn(app, attackerLink.path)
  const { path } = await requestLink(app, sink, ADMIN_EMAIL)
  const victim = await signIn(app, path, { gt_session: attacker.cookie! })
  t.equal(victim.name, 'gt_session', 'plain HTTP: no prefix')
  t.ok(victim.cookie && victim.cookie !== attacker.cookie, 'a new session id at sign-in (fixation fails)')

  const victimPage = await getPage(app, `/console/hearings/${hearing.id}`, victim.browser)
  const revision = /name="revision" value="([^"]+)"/.exec(victimPage.response.body)![1]!.replaceAll('&quot;', '"')
  // The attacker's CSRF pair: a cookie and a token made by a page of the service it loaded itself.
  const { session: forged } = await getPage(app, '/signin')
  const attack = await app.inject({
    method: 'POST',
    url: `/console/hearings/${hearing.id}/postpone`,
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      // no-referrer: Origin "null", no Referer; plain HTTP: no Sec-Fetch-Site.
      origin: 'null',
      cookie: `gt_session=${victim.cookie!}; gt_csrf=${forged.cookies.gt_csrf!}`
    },
    payload: new URLSearchParams({ _csrf: forged.token, revision, reason: 'Tấn công' }).toString()
  })
  t.equal(attack.statusCode, 403, 'refused')
  t.equal((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.status, 'scheduled', 'and nothing changed')
  // The victim's own form, with the session's token, does it.
  const own = await postForm(app, `/console/hearings/${hearing.id}/postpone`, { cookies: victim.browser.cookies, token: /name="_csrf" value="([^"]+)"/.exec(victimPage.response.body)![1]! }, { revision, reason: 'Trùng lịch' }, { origin: 'null' })
  t.equal(own.statusCode, 303, own.body.replace(/<style>[\s\S]*<\/style>/, '').slice(0, 1500))
  t.equal((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.status, 'postponed')
})

t.test('a next address with CR, LF, NUL or a raw letter is never followed and never a 500', async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { ADMIN_EMAIL, SMTP_URL: sink.url } })
  for (const next of ['/console/\r', '/console/\n', '/console/\0', '/console/Đống', '//evil.example/', 'https://evil.example/']) {
    const page = await app.inject({ url: `/signin?next=${encodeURIComponent(next)}`, headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200, `GET /signin?next=${JSON.stringify(next)}`)
    t.match(page.body, /name="next" value="\/console"/, `falls back to the console (${JSON.stringify(next)})`)
    const old = await app.inject({ url: `/dashboard/login?next=${encodeURIComponent(next)}`, headers: { accept: 'text/html' } })
    t.equal(old.headers.location, '/signin?next=%2Fconsole&lang=vi')
  }
  const { path } = await requestLink(app, sink, ADMIN_EMAIL, '/console/\r\nSet-Cookie: x=1')
  const { done } = await signIn(app, path)
  t.equal(done.headers.location, '/console', 'a link asked for with a bad next opens the console')
})

t.test('the home page sends each person to what they do', async (t) => {
  const { app } = await build(t)
  const home = await app.inject({ url: '/', headers: { accept: 'text/html' } })
  t.equal(home.statusCode, 200, 'a page, not a JSON 404')
  t.match(home.headers['content-type'], /text\/html/)
  t.match(home.body, /href="\/signin\?lang=vi"/, 'staff: sign in')
  t.match(home.body, /Mở đường dẫn trong thư mời/, 'the invited: their e-mail\'s link')
  t.match((await app.inject({ url: '/?lang=en', headers: { accept: 'text/html' } })).body, /Open the link in your invitation e-mail/)
  const staff = await signedInAs(app, 'admin')
  const signed = await app.inject({ url: '/', headers: { accept: 'text/html', cookie: cookieHeader(staff) } })
  t.match(signed.body, new RegExp(`đăng nhập với tài khoản <strong>${staff.email}</strong>`))
  t.match(signed.body, /href="\/console\?lang=vi"/)
})

t.test('npm run user adds a user with a role, offline', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-user-cli-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const run = async (args: string[]) => {
    const child = spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, 'src/cli/user.ts', args)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const [code] = await once(child, 'exit') as [number]
    return { code, output }
  }
  const added = await run(['add', '--email', 'Admin@Phuong.example', '--name', 'Trần Quản Trị', '--role', 'admin'])
  t.equal(added.code, 0, added.output)
  t.match(JSON.parse(added.output), { email: 'admin@phuong.example', name: 'Trần Quản Trị', roles: [{ role: 'admin', council: null }] })
  const twice = await run(['add', '--email', 'admin@phuong.example', '--name', 'Trần Quản Trị'])
  t.equal(twice.code, 1)
  t.match(twice.output, /exists already/)
  t.equal((await run(['grant', '--email', 'nobody@phuong.example', '--role', 'admin'])).code, 1)
})

t.test('one validation: the console\'s forms refuse what the API refuses (an e-mail with a line break, control characters), in the page\'s language', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const injected = await postForm(app, `/console/hearings/${hearing.id}/participants`, staff, { role: 'guest', fullName: 'Khách', email: 'e2@example.com\r\nATTENDEE;CN=X:mailto:x@evil.example' })
  t.equal(injected.statusCode, 400, 'an e-mail field holding a line break and an ATTENDEE line is refused')
  t.match(injected.body, /lang="vi"/)
  const control = await postForm(app, `/console/hearings/${hearing.id}/participants`, staff, { role: 'guest', fullName: 'Khách\u0007' })
  t.equal(control.statusCode, 400, 'a control character in a name is refused')
  const api = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Khách\u0007', kind: 'official' } })
  t.equal(api.status, 400, 'as the API refuses it')
  const people = (await call(app, { url: `/v1/people?councilId=${h.wardA.id}`, headers: admin })).body.items as unknown[]
  t.equal(people.length, 0, 'and nobody was registered')
})

t.test('a mail server that refuses the sign-in e-mail: a page that says to try again (503), not a 500', async (t) => {
  const sink = await smtpSink(t)
  sink.defer.add('vanphong@catlinh.example')
  const { app } = await build(t, { config: { SMTP_URL: sink.url } })
  await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'vanphong@catlinh.example', name: 'Văn phòng' } })
  const { session } = await getPage(app, '/signin')
  const refused = await postForm(app, '/signin', session, { email: 'vanphong@catlinh.example' })
  t.equal(refused.statusCode, 503)
  t.match(refused.body, /Hiện chưa gửi được thư đăng nhập/)
})
