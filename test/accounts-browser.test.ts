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
