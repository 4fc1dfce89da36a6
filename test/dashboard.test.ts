import t from 'tap'
import { mkdir } from 'node:fs/promises'
import { ADMIN_TOKEN, admin, build, call } from './helper.js'
import { accessible, launchChromium, noBrowser } from './browser.js'
import { getPage, postForm } from './pages-helper.js'
import { demoCouncilIds, seedDemo } from '../src/demo/seed.js'

t.test('the coverage dashboard without a browser: sign-in, cookie, access', async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const page = `/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`
  const anonymous = await app.inject({ method: 'GET', url: page })
  t.equal(anonymous.statusCode, 303, 'sent to sign in')
  t.equal(anonymous.headers.location, `/dashboard/login?next=${encodeURIComponent(page)}&lang=vi`)
  const { response: form, session: formSession } = await getPage(app, anonymous.headers.location as string)
  t.equal(form.headers['content-type'], 'text/html; charset=utf-8')
  t.match(form.body, /Đăng nhập/)
  t.match(form.body, `value="${page.replaceAll('&', '&amp;')}"`, 'comes back to the page after signing in')
  t.match(String(form.headers['set-cookie']), /gt_csrf=.*HttpOnly/i, 'the form comes with its CSRF secret')
  const wrong = await postForm(app, '/dashboard/login', formSession, { token: 'gt_wrong', next: page })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.body, /không hợp lệ/)
  const forged = await postForm(app, '/dashboard/login', { ...formSession, token: '' }, { token: ADMIN_TOKEN, next: page })
  t.equal(forged.statusCode, 403, 'no CSRF token, no sign-in')
  const login = await postForm(app, '/dashboard/login', formSession, { token: ADMIN_TOKEN, next: page })
  t.equal(login.statusCode, 303)
  t.equal(login.headers.location, page)
  const cookie = String(login.headers['set-cookie'])
  t.match(cookie, /gt_session=.*HttpOnly/i)
  t.match(cookie, /SameSite=Strict/i)
  t.match(cookie, /Path=\//)
  t.match(cookie, /Secure/, 'Secure where PUBLIC_BASE_URL is https')
  const session = cookie.split(';')[0]!
  const signedIn = await app.inject({ method: 'GET', url: page, headers: { cookie: session } })
  t.equal(signedIn.statusCode, 200)
  t.match(signedIn.body, /data-testid="ratio">21\/21</)
  t.equal((await app.inject({ method: 'GET', url: '/v1/people', headers: { cookie: session } })).statusCode, 401, 'the cookie is for the pages only, never the API')
  const offsite = await postForm(app, '/dashboard/login', formSession, { token: ADMIN_TOKEN, next: '//evil.example/x' })
  t.equal(offsite.headers.location, '/console', 'no open redirect')
  const signedInSession = { cookies: { ...formSession.cookies, gt_session: session.split('=')[1]! }, token: formSession.token }
  const logout = await postForm(app, '/dashboard/logout', signedInSession, {})
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
  // bypassCSP: axe is injected into the pages (the CSP itself is checked without a browser).
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, bypassCSP: true })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))

  await page.goto(`${address}/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`)
  t.equal(await page.locator('h1').innerText(), 'Đăng nhập', 'asked to sign in first')
  await accessible(t, page, 'sign-in')
  await page.fill('#token', ADMIN_TOKEN)
  await Promise.all([page.waitForURL(/\/dashboard\/coverage/), page.click('button[type=submit]')])
  t.match(await page.locator('h1').innerText(), /Tình hình tổ chức phiên giải trình .*HĐND quận Đống Đa/)
  t.equal(await page.getByTestId('ratio').innerText(), '21/21')
  t.match(await page.locator('main').innerText(), /100%/)
  t.equal(await page.getByTestId('met').innerText(), 'Đạt chỉ tiêu')
  t.equal(await page.locator('table.cards tbody tr').count(), 21)
  t.equal(await page.locator('table.cards tbody tr[data-status="covered"]').count(), 21)
  t.match(await page.getByTestId('own').innerText(), /Đã tổ chức: 2/, 'the district\'s own 2 hearings')
  t.ok(await page.locator('[role=img]').first().isVisible(), 'the chart is drawn')
  t.match(await page.locator('table.cards tbody tr').first().locator('a').first().getAttribute('href') ?? '', /^\/councils\/[a-z0-9-]+\?lang=vi$/, 'a ward\'s row opens its page of hearings')
  t.equal(await page.getByTestId('legend').locator('li').count(), 5, 'a legend for the status colours')
  const smallest = await page.evaluate('Math.min(...[...document.querySelectorAll(\'main *\')].filter((e) => e.offsetParent !== null && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())).map((e) => parseFloat(getComputedStyle(e).fontSize)))') as number
  t.ok(smallest >= 12, `every text on the phone is at least 12 px (smallest ${smallest})`)
  t.equal(await page.evaluate("getComputedStyle(document.querySelector('table.cards thead')).position"), 'absolute', 'on a phone the units are cards, not a table too wide to read')
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number
  t.ok(overflow <= 0, 'readable on a phone: the page itself does not scroll sideways')
  await mkdir('.tap/screenshots', { recursive: true })
  await page.screenshot({ path: '.tap/screenshots/coverage-dong-da-2019.png', fullPage: true })

  await accessible(t, page, 'coverage, phone')
  await page.screenshot({ path: '.tap/screenshots/coverage-dong-da-2019-phone.png', fullPage: true })
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.screenshot({ path: '.tap/screenshots/coverage-dong-da-2019-desktop.png', fullPage: true })
  await accessible(t, page, 'coverage, desktop')

  // An administrator's console starts from a list of councils.
  await page.goto(`${address}/console`)
  t.match(await page.getByTestId('councils').innerText(), /HĐND quận Đống Đa/)
  await accessible(t, page, 'console for an administrator')
  await page.screenshot({ path: '.tap/screenshots/console-admin-desktop.png', fullPage: true })
  await page.goBack()

  // The pickers: another year, then the parent council, then back down through a unit's row.
  await page.selectOption('#year', '2020')
  await Promise.all([page.waitForURL(/year=2020/), page.click('form[method=get] button[type=submit]')])
  t.match(await page.locator('main p.muted').first().innerText(), /2020/, 'the year picker shows 2020')
  const parentLink = page.getByTestId('parent')
  t.match(await parentLink.innerText(), /HĐND thành phố Hà Nội/, 'a link to the parent council, in Vietnamese casing')
  await page.selectOption('#councilId', ids['ha-noi']!)
  await Promise.all([page.waitForURL(new RegExp(`councilId=${ids['ha-noi']}`)), page.click('form[method=get] button[type=submit]')])
  t.match(await page.locator('h1').innerText(), /thành phố Hà Nội/, 'the council picker opens the city\'s report')
  const child = page.locator('table.cards tbody tr', { hasText: 'Đống Đa' }).locator('a').first()
  await Promise.all([page.waitForURL(new RegExp(`councilId=${ids['dong-da']}`)), child.click()])
  t.match(await page.locator('h1').innerText(), /quận Đống Đa/, 'a unit with units of its own opens its own report')
  const met = await page.getByTestId('met').innerText()
  await page.click('a[hreflang=en]')
  t.equal(await page.getByTestId('met').innerText(), { 'Đạt chỉ tiêu': 'Target met', 'Chưa đạt chỉ tiêu': 'Target not met' }[met], 'English with ?lang=en')
  t.same(problems, [], 'no console errors, no failed requests')
})
