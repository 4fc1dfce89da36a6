import t from 'tap'
import { mkdir } from 'node:fs/promises'
import { ADMIN_TOKEN, admin, build, call } from './helper.js'
import { launchChromium, noBrowser } from './browser.js'
import { demoCouncilIds, seedDemo } from '../src/demo/seed.js'

t.test('the coverage dashboard without a browser: sign-in, cookie, access', async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const page = `/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`
  const anonymous = await app.inject({ method: 'GET', url: page })
  t.equal(anonymous.statusCode, 303, 'sent to sign in')
  t.equal(anonymous.headers.location, `/dashboard/login?next=${encodeURIComponent(page)}&lang=vi`)
  const form = await app.inject({ method: 'GET', url: anonymous.headers.location as string })
  t.equal(form.headers['content-type'], 'text/html; charset=utf-8')
  t.match(form.body, /Đăng nhập/)
  t.match(form.body, `value="${page.replaceAll('&', '&amp;')}"`, 'comes back to the page after signing in')
  const wrong = await app.inject({ method: 'POST', url: '/dashboard/login', payload: `token=gt_wrong&next=${encodeURIComponent(page)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.body, /không hợp lệ/)
  const login = await app.inject({ method: 'POST', url: '/dashboard/login', payload: `token=${ADMIN_TOKEN}&next=${encodeURIComponent(page)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(login.statusCode, 303)
  t.equal(login.headers.location, page)
  const cookie = String(login.headers['set-cookie'])
  t.match(cookie, /gt_session=.*HttpOnly/i)
  t.match(cookie, /SameSite=Strict/i)
  t.match(cookie, /Path=\/dashboard\//)
  t.match(cookie, /Secure/, 'Secure where PUBLIC_BASE_URL is https')
  const session = cookie.split(';')[0]!
  const signedIn = await app.inject({ method: 'GET', url: page, headers: { cookie: session } })
  t.equal(signedIn.statusCode, 200)
  t.match(signedIn.body, /data-testid="ratio">21\/21</)
  t.equal((await app.inject({ method: 'GET', url: '/v1/people', headers: { cookie: session } })).statusCode, 401, 'the cookie is for the dashboard only, not the API')
  const offsite = await app.inject({ method: 'POST', url: '/dashboard/login', payload: `token=${ADMIN_TOKEN}&next=${encodeURIComponent('//evil.example/x')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(offsite.headers.location, '/dashboard/login', 'no open redirect')
  const logout = await app.inject({ method: 'POST', url: '/dashboard/logout', headers: { cookie: session } })
  t.equal(logout.statusCode, 303)
  t.match(String(logout.headers['set-cookie']), /gt_session=;/)
  t.equal((await call(app, { method: 'POST', url: '/v1/councils', headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=x' })).status, 415, 'forms are for the dashboard only')
  t.equal((await call(app, { method: 'POST', url: '/v1/councils', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=x' })).status, 401, 'and without a token, the missing token is what is said first')
})

t.test('the coverage dashboard in headless Chromium: what a supervisor sees', { skip: noBrowser }, async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))

  await page.goto(`${address}/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`)
  t.equal(await page.locator('h1').innerText(), 'Đăng nhập', 'asked to sign in first')
  await page.fill('#token', ADMIN_TOKEN)
  await Promise.all([page.waitForURL(/\/dashboard\/coverage/), page.click('button[type=submit]')])
  t.match(await page.locator('h1').innerText(), /Tình hình tổ chức phiên giải trình .*Quận Đống Đa/)
  t.equal(await page.getByTestId('ratio').innerText(), '21/21')
  t.match(await page.locator('main').innerText(), /100%/)
  t.equal(await page.getByTestId('met').innerText(), 'Đạt chỉ tiêu')
  t.equal(await page.locator('tbody tr').count(), 21)
  t.equal(await page.locator('tbody tr[data-status="covered"]').count(), 21)
  t.match(await page.getByTestId('own').innerText(), /Đã tổ chức: 2/, 'the district\'s own 2 hearings')
  t.ok(await page.locator('svg[role=img]').first().isVisible(), 'the chart is drawn')
  t.match(await page.locator('tbody tr').first().locator('a').first().getAttribute('href') ?? '', /^\/v1\/hearings\?councilId=/)
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number
  t.ok(overflow <= 0, 'readable on a phone: the page itself does not scroll sideways')
  await mkdir('.tap/screenshots', { recursive: true })
  await page.screenshot({ path: '.tap/screenshots/coverage-dong-da-2019.png', fullPage: true })

  await page.click('a[hreflang=en]')
  t.equal(await page.getByTestId('met').innerText(), 'Target met', 'English with ?lang=en')
  t.same(problems, [], 'no console errors, no failed requests')
})
