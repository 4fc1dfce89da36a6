import t from 'tap'
import { mkdir } from 'node:fs/promises'
import { admin, build, call } from './helper.js'
import { accessible, launchChromium, noBrowser } from './browser.js'
import { cookieHeader, getPage, postForm, signedInAs } from './pages-helper.js'
import { smtpSink } from './mail-helper.js'
import { demoCouncilIds, seedDemo } from '../src/demo/seed.js'

t.test('the coverage dashboard without a browser: sign-in, session, access, the CSV with the session', async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const page = `/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`
  const anonymous = await app.inject({ method: 'GET', url: page })
  t.equal(anonymous.statusCode, 303, 'sent to sign in')
  t.equal(anonymous.headers.location, `/signin?next=${encodeURIComponent(page)}&lang=vi`)
  const { response: form } = await getPage(app, anonymous.headers.location as string)
  t.equal(form.headers['content-type'], 'text/html; charset=utf-8')
  t.match(form.body, /Đăng nhập/)
  t.match(form.body, `value="${page.replaceAll('&', '&amp;')}"`, 'comes back to the page after signing in')
  t.match(String(form.headers['set-cookie']), /gt_csrf=.*HttpOnly/i, 'the form comes with its CSRF secret')
  const supervisor = await signedInAs(app, 'supervisor', ids['dong-da']!)
  const signedIn = await getPage(app, page, supervisor)
  t.equal(signedIn.response.statusCode, 200)
  t.match(signedIn.response.body, /data-testid="ratio">21\/21</)
  t.equal((await app.inject({ method: 'GET', url: '/v1/people', headers: { cookie: cookieHeader(supervisor) } })).statusCode, 401, 'the cookie is for the pages only, never the API')
  // The dashboard's CSV link works with the session (the API's CSV takes a token).
  const csvUrl = /href="(\/dashboard\/coverage\.csv\?[^"]+)"/.exec(signedIn.response.body)?.[1]?.replaceAll('&amp;', '&')
  t.ok(csvUrl, 'the dashboard links its CSV')
  const csv = await app.inject({ url: csvUrl!, headers: { cookie: cookieHeader(supervisor) } })
  t.equal(csv.statusCode, 200, 'a signed-in supervisor downloads it')
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.match(csv.body, /Phường/)
  t.equal((await app.inject({ url: csvUrl!.replace(ids['dong-da']!, ids['dong-da']!), headers: { accept: 'text/html' } })).statusCode, 303, 'without a session: sent to sign in')
  const logout = await postForm(app, '/signout', supervisor, {})
  t.equal(logout.statusCode, 303)
  t.equal((await app.inject({ method: 'GET', url: page, headers: { cookie: cookieHeader(supervisor) } })).statusCode, 303, 'signed out: the cookie no longer opens the page')
  t.equal((await call(app, { method: 'POST', url: '/v1/councils', headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=x' })).status, 415, 'forms are for the pages only')
  t.equal((await call(app, { method: 'POST', url: '/v1/councils', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=x' })).status, 401, 'and without a token, the missing token is what is said first')
})

t.test('the coverage dashboard in headless Chromium: what a supervisor sees', { skip: noBrowser }, async (t) => {
  const sink = await smtpSink(t)
  const { app, database } = await build(t, { config: { SMTP_URL: sink.url } })
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const user = await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'giamsat@dongda.example', name: 'Phạm Thu Hà' } })
  await call(app, { method: 'POST', url: `/v1/users/${user.body.id}/roles`, headers: admin, payload: { role: 'supervisor', councilId: ids['dong-da'] } })
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
  // Signed in by the link the e-mail carries (a real SMTP server), then back to the dashboard.
  await page.fill('#email', 'giamsat@dongda.example')
  await Promise.all([page.waitForURL(/\/signin$/), page.click('button[type=submit]')])
  await sink.received(1)
  const link = /\/signin\/gl_[A-Za-z0-9_-]{43}/.exec(sink.mails[0]!.text ?? '')![0]
  await page.goto(`${address}${link}`)
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

  // Made an administrator too, they choose that role on their account page (the council switcher);
  // an administrator's console starts from a list of councils.
  await call(app, { method: 'POST', url: `/v1/users/${user.body.id}/roles`, headers: admin, payload: { role: 'admin' } })
  await page.goto(`${address}/account`)
  t.match(await page.locator('main').innerText(), /Giám sát — HĐND quận Đống Đa Đang làm việc với quyền/, 'still acting as the supervisor')
  await accessible(t, page, 'account')
  await Promise.all([page.waitForURL(/\/console/), page.locator('form[action="/account/role"] button').first().click()])
  t.match(await page.getByTestId('councils').innerText(), /HĐND quận Đống Đa/)
  await accessible(t, page, 'console for an administrator')
  await page.screenshot({ path: '.tap/screenshots/console-admin-desktop.png', fullPage: true })
  await page.goto(`${address}/dashboard/coverage?councilId=${ids['dong-da']}&year=2019`)

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
