import t from 'tap'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { admin, build, call, seedHierarchy } from './helper.js'
import { accessible, launchChromium, noBrowser } from './browser.js'
import { createHearing, createPerson, slotAt } from './hearings-helper.js'
import { smtpSink, type Sink } from './mail-helper.js'

// Issue "Staff accounts and the office's desk", acceptance: the browser journey, in headless Chromium
// against the real service and a real SMTP server, desktop and phone screenshots, axe on every page.

const SHOTS = '.tap/screenshots'

async function submit (page: Page, form: string, url?: RegExp) {
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('load'), page.locator(`${form} button[type=submit]`).first().click()])
}

/** Signs in as a person does: the address on /signin, the link from the e-mail, the button. */
async function signIn (page: Page, address: string, sink: Sink, email: string, landsOn: RegExp) {
  const before = sink.mails.length
  await page.goto(`${address}/signin`)
  await page.fill('#email', email)
  // Waits for the answer to the post itself: the page may already be at /signin, so a URL proves nothing.
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/signin'),
    page.locator('form.stack button[type=submit]').first().click()
  ])
  await page.waitForLoadState('load')
  await sink.received(before + 1)
  const link = /\/signin\/gl_[A-Za-z0-9_-]{43}/.exec(sink.mails[before]!.text ?? '')![0]
  await page.goto(`${address}${link}`)
  await submit(page, 'form.stack', landsOn)
}

t.test('an administrator signs in by link and makes a ward\'s secretariat user, who signs in, runs a hearing, finds "le thi mai", withdraws an invitation, sees the e-mails, and signs out for good', { skip: noBrowser }, async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { SMTP_URL: sink.url, NOTIFY_WORKER: 'on', NOTIFY_POLL_MS: '600000', ADMIN_EMAIL: 'quantri@hanoi.example' } })
  const h = await seedHierarchy(app)
  const mai = await createPerson(app, h.wardA.id, 'Lê Thị Mai')
  await call(app, { method: 'PATCH', url: `/v1/people/${mai.id}`, headers: admin, payload: { email: 'mai@catlinh.example' } })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  await mkdir(SHOTS, { recursive: true })

  // The administrator.
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'vi-VN' })
  const adminPage = await adminContext.newPage()
  await adminPage.goto(`${address}/`)
  await accessible(t, adminPage, 'home')
  await signIn(adminPage, address, sink, 'quantri@hanoi.example', /\/console$/)
  await Promise.all([adminPage.waitForURL(/\/console\/users/), adminPage.getByTestId('manage-users').click()])
  await accessible(t, adminPage, 'users')
  await adminPage.fill('#user-email', 'vanphong@catlinh.example')
  await adminPage.fill('#user-name', 'Trần Văn Phòng')
  await adminPage.selectOption('#user-role', 'secretariat')
  await adminPage.selectOption('#user-council', h.wardA.id)
  await submit(adminPage, '[data-testid=add-user]', /saved=1/)
  t.match(await adminPage.locator('[data-testid=users]').innerText(), /vanphong@catlinh\.example[\s\S]*Văn phòng \(Thường trực\) — HĐND phường Cát Linh/, 'the ward\'s secretariat user is made')
  await adminPage.screenshot({ path: `${SHOTS}/users-desktop.png`, fullPage: true })

  // The ward's secretariat, on a phone.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, bypassCSP: true, locale: 'vi-VN' })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  await signIn(page, address, sink, 'vanphong@catlinh.example', /\/console\/councils\/dong-da-cat-linh/)
  await accessible(t, page, 'console on a phone')
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về chợ dân sinh', ...slotAt('2026-12-16') })
  await page.goto(`${address}/console/hearings/${hearing.id}`)
  await page.fill('#q', 'le thi mai')
  await submit(page, 'form[role=search]', /q=le/)
  t.match(await page.getByTestId('found').innerText(), /Lê Thị Mai/, '"le thi mai" finds Lê Thị Mai')
  await submit(page, '[data-testid=found] form', /\/participants/)
  t.match(await page.locator('main').innerText(), /Đường dẫn lời mời/, 'invited: the link shown once')
  await app.notifier!.idle()
  await page.goto(`${address}/console/hearings/${hearing.id}`)
  t.match(await page.getByTestId('notices').innerText(), /Thư mời[\s\S]*Lê Thị Mai <mai@catlinh\.example>[\s\S]*đã gửi/, 'the e-mail sent, with its state')
  await submit(page, '[data-testid=withdraw]', /saved=1/)
  t.match(await page.getByTestId('saved').innerText(), /Đã lưu|lưu/)
  t.equal(await page.locator('[data-testid=participants]').count(), 0, 'the invitation is withdrawn')
  await accessible(t, page, 'console hearing on a phone')
  await page.screenshot({ path: `${SHOTS}/console-hearing-phone.png`, fullPage: true })

  // Signing out ends the session: the old cookie opens nothing, on the pages or the API.
  const cookies = await context.cookies()
  const session = cookies.find((c) => c.name.endsWith('gt_session'))!
  await page.goto(`${address}/account`)
  await accessible(t, page, 'account on a phone')
  await submit(page, 'header form', /\/signin/)
  const pages = await fetch(`${address}/console`, { redirect: 'manual', headers: { cookie: `${session.name}=${session.value}` } })
  t.equal(pages.status, 303, 'the old cookie no longer signs in')
  const api = await fetch(`${address}/v1/people`, { headers: { cookie: `${session.name}=${session.value}` } })
  t.equal(api.status, 401, 'and never was a credential on the API')
  t.same(problems, [], 'no script errors')
})

t.test('the rest of the desk in a browser: members, people, a person, a role changed, settings and a webhook, a token of one\'s own; the administrator\'s councils and days; a supervisor\'s CSV; axe on each, desktop and phone', { skip: noBrowser }, async (t) => {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { SMTP_URL: sink.url, ADMIN_EMAIL: 'quantri@hanoi.example', WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const h = await seedHierarchy(app)
  const mai = await createPerson(app, h.wardA.id, 'Lê Thị Mai')
  await createPerson(app, h.wardA.id, 'Le Thi Mai')
  for (const [email, role, councilId] of [['vanphong@catlinh.example', 'secretariat', h.wardA.id], ['giamsat@dongda.example', 'supervisor', h.district.id]] as const) {
    const user = (await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email, name: email.split('@')[0] } })).body as { id: string }
    await call(app, { method: 'POST', url: `/v1/users/${user.id}/roles`, headers: admin, payload: { role, councilId } })
  }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về chợ dân sinh', ...slotAt('2026-12-16') })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: mai.id, role: 'explainer' } })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  await mkdir(SHOTS, { recursive: true })
  const problems: string[] = []

  // The ward's secretariat, on a phone.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, bypassCSP: true, locale: 'vi-VN' })
  const page = await phone.newPage()
  page.on('pageerror', (error) => problems.push(error.message))
  await page.goto(`${address}/signin`)
  await accessible(t, page, 'sign-in on a phone')
  await signIn(page, address, sink, 'vanphong@catlinh.example', /\/console\/councils\/dong-da-cat-linh/)
  // A hearing with a time: the warnings step comes first, saying what confirming will send.
  await page.fill('#title', 'Phiên giải trình về thu gom rác')
  await page.fill('#startsAt', '2026-12-19T08:00')
  await page.fill('#endsAt', '2026-12-19T10:00')
  await submit(page, '[data-testid=create-form]', /\/hearings$/)
  t.match(await page.locator('main').innerText(), /thư mời được gửi ngay/, 'the warnings step says what confirming sends')
  await accessible(t, page, 'the warnings step on a phone')
  await page.goto(`${address}/console/councils/dong-da-cat-linh`)
  await Promise.all([page.waitForURL(/\/members/), page.getByTestId('members-link').click()])
  await page.fill('#q', 'le thi mai')
  await submit(page, 'form[role=search]', /q=le/)
  await submit(page, '[data-testid=found] form', /saved=1/)
  t.match(await page.getByTestId('members').innerText(), /L[êe] Th[ịi] Mai/, 'a member added')
  await accessible(t, page, 'members on a phone')
  await page.goto(`${address}/console/councils/dong-da-cat-linh/people`)
  t.equal(await page.locator('[data-duplicate=true]').count(), 2, 'the two Mais are flagged')
  await accessible(t, page, 'people on a phone')
  await page.screenshot({ path: `${SHOTS}/people-phone.png`, fullPage: true })
  await Promise.all([page.waitForURL(/\/console\/people\//), page.locator('tr[data-person="Le Thi Mai"] a').first().click()])
  await accessible(t, page, 'a person on a phone')
  await page.fill('#p-phone', '0912 345 678')
  await submit(page, 'form.stack', /saved=1/)
  t.equal((await call(app, { url: `/v1/people?q=${encodeURIComponent('Le Thi Mai')}`, headers: admin })).body.items.find((p: { fullName: string }) => p.fullName === 'Le Thi Mai').phone, '0912 345 678', 'the phone saved')
  await page.goto(`${address}/console/hearings/${hearing.id}`)
  await page.locator('[data-testid=change-role] select').selectOption('guest')
  await submit(page, '[data-testid=change-role]', /saved=1/)
  t.match(await page.getByTestId('participants').innerText(), /Khách mời/, 'the role changed')
  await page.goto(`${address}/console/councils/dong-da-cat-linh/settings`)
  await accessible(t, page, 'settings on a phone')
  await page.fill('#rem-explainer', '5 ngày, 1 ngày')
  await submit(page, '[data-testid=settings-form]', /saved=1/)
  t.equal(await page.inputValue('#rem-explainer'), '5 ngày, 1 ngày', 'saved as written')
  await page.fill('#webhook-url', 'http://127.0.0.1:9/sms')
  await submit(page, '[data-testid=add-webhook]')
  t.match(await page.getByTestId('secret').inputValue(), /^whsec_/, 'the webhook secret, shown once')
  await accessible(t, page, 'a secret shown once, on a phone')
  await page.goto(`${address}/account`)
  await page.fill('#token-name', 'Bảng tính')
  await submit(page, '[data-testid=new-token]')
  const secret = await page.getByTestId('secret').inputValue()
  t.equal((await fetch(`${address}/v1/hearings?councilId=${h.wardA.id}`, { headers: { authorization: `Bearer ${secret}` } })).status, 200, 'the token of one\'s own works on the API')
  await page.goto(`${address}/account`)
  await accessible(t, page, 'account with tokens on a phone')
  await page.screenshot({ path: `${SHOTS}/account-phone.png`, fullPage: true })

  // The administrator, on a desktop.
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'vi-VN' })
  const adminPage = await desktop.newPage()
  adminPage.on('pageerror', (error) => problems.push(error.message))
  await signIn(adminPage, address, sink, 'quantri@hanoi.example', /\/console$/)
  await Promise.all([adminPage.waitForURL(/\/console\/admin\/councils/), adminPage.getByTestId('admin-councils').click()])
  await accessible(t, adminPage, 'councils')
  await adminPage.goto(`${address}/console/admin/councils?parent=dong-da`)
  await adminPage.fill('#c-name', 'Phường Văn Miếu')
  await adminPage.fill('#c-code', 'dong-da-van-mieu')
  await adminPage.fill('#c-from', '2021-07-01')
  await submit(adminPage, '[data-testid=new-council]', /\/console\/admin\/councils\/dong-da-van-mieu/)
  await accessible(t, adminPage, 'a council')
  await adminPage.fill('#c-to', '2026-06-30')
  // The page is already at ?saved=1: wait for the post's own answer.
  await Promise.all([
    adminPage.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/console/admin/councils/dong-da-van-mieu'),
    adminPage.locator('[data-testid=edit-council] button[type=submit]').click()
  ])
  await adminPage.waitForLoadState('load')
  t.equal((await call(app, { url: '/v1/councils/dong-da-van-mieu', headers: admin })).body.activeTo, '2026-06-30', 'created and ended from the pages')
  await adminPage.goto(`${address}/console/admin/calendar?year=2026`)
  await accessible(t, adminPage, 'days off and notice rules')
  await adminPage.fill('#d-day', '2026-01-03')
  await adminPage.fill('#d-name', 'Làm bù')
  await adminPage.selectOption('#d-kind', 'working_day')
  await submit(adminPage, '[data-testid=announce-day]', /saved=1/)
  t.match(await adminPage.getByTestId('days').innerText(), /2026-01-03[\s\S]*Ngày làm bù/)
  await adminPage.screenshot({ path: `${SHOTS}/admin-calendar-desktop.png`, fullPage: true })

  // A supervisor downloads the dashboard's CSV with the session.
  const supervisorContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'vi-VN', acceptDownloads: true })
  const supervisor = await supervisorContext.newPage()
  await signIn(supervisor, address, sink, 'giamsat@dongda.example', /\/console/)
  await supervisor.goto(`${address}/dashboard/coverage?councilId=${h.district.id}`)
  const [download] = await Promise.all([supervisor.waitForEvent('download'), supervisor.locator('a[href*="coverage.csv"]').click()])
  const { readFile } = await import('node:fs/promises')
  t.match(await readFile((await download.path())!, 'utf8'), /Phường Cát Linh/, 'the CSV, downloaded with the session')
  t.same(problems, [], 'no script errors')
})
