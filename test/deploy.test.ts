import t from 'tap'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ADMIN_TOKEN, admin, build, call, seedHierarchy } from './helper.js'
import { smtpSink } from './mail-helper.js'
import { startServer } from './process.js'
import { launchChromium, noBrowser } from './browser.js'
import { demoCouncilIds, seedDemo } from '../src/demo/seed.js'

/** Sends raw bytes over a socket (what fetch would refuse to send) and returns the whole answer. */
async function rawRequest (address: string, request: Buffer): Promise<string> {
  const { hostname, port } = new URL(address)
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = connect(Number(port), hostname, () => socket.write(request))
    socket.setEncoding('utf8').on('data', (chunk: string) => { answer += chunk })
    socket.on('end', () => resolve(answer)).on('error', reject)
  })
}

t.test('without PUBLIC_BASE_URL, links follow the port listened on, and the start log says which base they use', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-links-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = await startServer({ DATA_DIR: dataDir, ADMIN_TOKEN })
  t.teardown(() => server.stop())
  const port = new URL(server.address).port
  t.not(port, '3000', 'a port the system picked (PORT=0)')
  const ready = JSON.parse(server.output().split('\n').find((line) => line.includes('giaitrinh is ready'))!) as { linksBase: string }
  t.equal(ready.linksBase, `http://localhost:${port}`)

  const post = async (url: string, body: unknown) => {
    const response = await fetch(`${server.address}${url}`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return await response.json() as Record<string, unknown>
  }
  const council = await post('/v1/councils', { code: 'cat-linh', name: 'Phường Cát Linh', level: 'ward', activeFrom: '2016-07-01' })
  const person = await post('/v1/people', { fullName: 'Trịnh Thị Ngọc', kind: 'official', ownerCouncilId: council.id })
  const link = await post(`/v1/people/${String(person.id)}/feed-link`, {})
  t.match(link.url, new RegExp(`^http://localhost:${port}/feeds/people/`), 'the feed link opens on this port')
  const feed = await fetch(String(link.url))
  t.equal(feed.status, 200, 'and it works')
})

t.test('an anonymous write is a 401 before its body is validated; with a token the same body is a 400', async (t) => {
  const { app } = await build(t)
  const bad = { title: '', bogus: true }
  const anonymous = await call(app, { method: 'POST', url: '/v1/hearings', payload: bad })
  t.equal(anonymous.status, 401)
  t.match(anonymous.headers['content-type'], /^application\/problem\+json/)
  t.notMatch(JSON.stringify(anonymous.body), /bogus|councilId/, 'nothing of the schema is told to a caller without a token')
  const signedIn = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: bad })
  t.equal(signedIn.status, 400)
  const patch = await call(app, { method: 'PATCH', url: '/v1/councils/not-a-uuid', payload: 'not json', headers: { 'content-type': 'application/json' } })
  t.equal(patch.status, 401, 'also before parameters and a body that does not parse')
  const answer = await call(app, { method: 'POST', url: '/v1/invitations/gt_unknown/response', payload: { response: 'maybe' } })
  t.equal(answer.status, 400, 'a route open to anyone (an invitation link) still validates first')
})

t.test('what the HTTP parser or the router refuses is problem+json too', async (t) => {
  const { app } = await build(t)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const raw = await rawRequest(address, Buffer.from('GET /v1/councils?q=Đống HTTP/1.1\r\nHost: localhost\r\n\r\n', 'utf8'))
  t.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(raw, /\r\nContent-Type: application\/problem\+json; charset=utf-8\r\n/)
  const problem = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { status: number, detail: string }
  t.equal(problem.status, 400)
  t.match(problem.detail, /percent-encode/, 'says what to fix')

  const del = await rawRequest(address, Buffer.from('GET /v1/councils HTTP/1.1\r\nHost: localhost\r\nX-Note: a\x7fb\r\n\r\n', 'latin1'))
  t.match(del, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*application\/problem\+json/, 'a DEL in a header: problem+json, not Fastify\'s plain JSON')

  const badEscape = await fetch(`${address}/v1/councils/%E0%A4%A`)
  t.equal(badEscape.status, 400)
  t.match(badEscape.headers.get('content-type'), /^application\/problem\+json/)
  t.match((await badEscape.json() as { detail: string }).detail, /%-escape/)
})

t.test('the content security policy asks browsers to upgrade to https only when the service is reached over https', async (t) => {
  const { app } = await build(t, { config: { TRUST_PROXY: '127.0.0.1' } })
  const plain = await app.inject({ url: '/dashboard/coverage?councilId=00000000-0000-4000-8000-000000000000' })
  t.notMatch(String(plain.headers['content-security-policy']), /upgrade-insecure-requests/)
  t.match(String(plain.headers['content-security-policy']), /default-src 'self'/, 'the strict policy is kept')
  const secure = await app.inject({ url: '/dashboard/coverage?councilId=00000000-0000-4000-8000-000000000000', headers: { 'x-forwarded-proto': 'https' } })
  t.match(String(secure.headers['content-security-policy']), /upgrade-insecure-requests/)
  const docs = await app.inject({ url: '/docs/static/index.html' })
  t.notMatch(String(docs.headers['content-security-policy']), /upgrade-insecure-requests/, '/docs too')
})

t.test('served over plain HTTP on a LAN name, the dashboard signs in and /docs renders, in Chromium', { skip: noBrowser }, async (t) => {
  // No PUBLIC_BASE_URL: reached at a LAN address over plain HTTP, as a council office without TLS runs it.
  const sink = await smtpSink(t)
  const { app, database } = await build(t, { config: { PUBLIC_BASE_URL: '', SMTP_URL: sink.url } })
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const user = await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'vanphong@dongda.example', name: 'Văn phòng' } })
  await call(app, { method: 'POST', url: `/v1/users/${user.body.id}/roles`, headers: admin, payload: { role: 'supervisor', councilId: ids['dong-da'] } })
  const { port } = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
  // A name Chromium does not treat as a secure origin (as it does localhost), resolved to loopback:
  // what a council office gets opening http://192.0.2.2:3000, without leaving this machine.
  const lan = `http://council-office.lan:${port}`
  const browser = await launchChromium(['--host-resolver-rules=MAP council-office.lan 127.0.0.1'])
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  const failed: string[] = []
  page.on('requestfailed', (request) => failed.push(request.url()))
  page.on('request', (request) => { if (request.url().startsWith('https:')) failed.push(`upgraded: ${request.url()}`) })

  await page.goto(`${lan}/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`)
  await page.fill('#email', 'vanphong@dongda.example')
  await Promise.all([page.waitForURL(/\/signin$/), page.click('button[type=submit]')])
  t.match(page.url(), /^http:\/\/council-office\.lan:/, 'the form posted over http, to the address it came from')
  await sink.received(1)
  // The link names the address the service was reached at (no PUBLIC_BASE_URL): the port listened on.
  const link = /\/signin\/gl_[A-Za-z0-9_-]{43}/.exec(sink.mails[0]!.text ?? '')![0]
  await page.goto(`${lan}${link}`)
  await Promise.all([page.waitForURL(/\/dashboard\/coverage/), page.click('button[type=submit]')])
  t.match(page.url(), /^http:\/\/council-office\.lan:/, 'signed in over http')
  t.equal(await page.getByTestId('ratio').innerText(), '21/21', 'signed in: the report shows')

  await page.goto(`${lan}/docs`)
  await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 })
  t.match(await page.locator('.swagger-ui .info .title').innerText(), /giaitrinh/, '/docs renders')
  await mkdir('.tap/screenshots', { recursive: true })
  await page.screenshot({ path: '.tap/screenshots/docs-over-lan-http.png' })
  t.same(failed, [], 'no request failed or was sent to https')
})

t.test('no route holds a transaction: writes go through src/services', async (t) => {
  const files = (await readdir('src/routes', { recursive: true })).filter((file) => file.endsWith('.ts'))
  const routeModule = /from '\.\.\/(?!\.\.\/|cursor\.js'|council-key\.js')[^']+'/
  t.ok(files.length > 10, 'the route files were read')
  for (const file of files) {
    const text = await readFile(join('src/routes', file), 'utf8')
    t.notMatch(text, /\.transaction\(/, `${file} opens no transaction`)
    if (file.includes('/')) t.notMatch(text, routeModule, `${file} imports no other route module`)
  }
})

t.test('every time a write stores comes from the app\'s clock, not the database\'s', async (t) => {
  const { app, clock } = await build(t)
  clock.current = new Date('2031-01-01T01:00:00Z')
  const h = await seedHierarchy(app)
  const council = await call(app, { method: 'GET', url: `/v1/councils/${h.wardA.id}` })
  t.equal(council.body.createdAt, '2031-01-01T01:00:00.000Z')
  clock.advance(60_000)
  await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}`, headers: admin, payload: { name: 'Phường Cát Linh (mới)' } })
  const changed = await call(app, { method: 'GET', url: `/v1/councils/${h.wardA.id}` })
  t.equal(changed.body.updatedAt, '2031-01-01T01:01:00.000Z')
  const audit = await call(app, { method: 'GET', url: `/v1/audit?entity=council&entityId=${h.wardA.id}`, headers: admin })
  t.same(audit.body.items.map((entry: { at: string }) => entry.at), ['2031-01-01T08:01:00.000+07:00', '2031-01-01T08:00:00.000+07:00'], 'in the councils\' zone')
})
