import t, { type Test } from 'tap'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { accessible, launchChromium, noBrowser } from './browser.js'
import { createHearing, createPerson, slotAt } from './hearings-helper.js'
import { parseFeed } from './feeds-helper.js'
import { smtpSink, type Sink } from './mail-helper.js'

const SHOTS = '.tap/screenshots'

interface Setup {
  app: Awaited<ReturnType<typeof build>>['app']
  address: string
  browser: Browser
  councils: Awaited<ReturnType<typeof seedHierarchy>>
  /** The ward's secretariat user's e-mail address. */
  secretariat: string
  sink: Sink
}

let users = 0

/** A user with one role, made through the API: their e-mail address. */
async function userFor (app: Setup['app'], role: 'secretariat' | 'supervisor', councilId: string): Promise<string> {
  const email = `${role}-${++users}@staff.example`
  const user = await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email, name: `Cán bộ ${users}` } })
  await call(app, { method: 'POST', url: `/v1/users/${user.body.id}/roles`, headers: admin, payload: { role, councilId } })
  return email
}

/** Signs in as a person does: the e-mail address on the sign-in page, the link from the e-mail (a real SMTP server), the button. */
async function signIn (page: Page, setup: Setup, email: string, landsOn: RegExp, next?: string) {
  const before = setup.sink.mails.length
  await page.goto(`${setup.address}/signin${next ? `?next=${encodeURIComponent(next)}` : ''}`)
  await page.fill('#email', email)
  // Waits for the answer to the post itself: the page may already be at /signin, so a URL proves nothing.
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/signin'),
    page.locator('form.stack button[type=submit]').first().click()
  ])
  await page.waitForLoadState('load')
  await setup.sink.received(before + 1)
  const link = /\/signin\/gl_[A-Za-z0-9_-]{43}/.exec(setup.sink.mails[before]!.text ?? '')![0]
  await page.goto(`${setup.address}${link}`)
  await submit(page, 'form.stack', landsOn)
}

async function setup (t: Test): Promise<Setup> {
  const sink = await smtpSink(t)
  const { app } = await build(t, { config: { SMTP_URL: sink.url } })
  const councils = await seedHierarchy(app)
  const secretariat = await userFor(app, 'secretariat', councils.wardA.id)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  await mkdir(SHOTS, { recursive: true })
  return { app, address, browser, councils, secretariat, sink }
}

/** A browser context as a person has it; axe is injected, so the pages' CSP is bypassed here (it is checked without a browser). */
async function personContext (browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'vi-VN' })
}

/** Watches a page for script errors and failed requests: the pages load nothing but themselves. */
function watch (page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`)
    dialog.dismiss().catch(() => {})
  })
  return problems
}

/** A page as checked on every visit: accessible, and kept as desktop and phone screenshots. */
async function check (t: Test, page: Page, name: string) {
  await accessible(t, page, name)
  await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number
  t.ok(overflow <= 0, `${name}: no sideways scrolling on a 390 px phone`)
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true })
  await page.setViewportSize({ width: 1280, height: 900 })
}

async function submit (page: Page, form: string, url?: RegExp) {
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('load'), page.locator(`${form} button[type=submit]`).first().click()])
}

t.test('an official answers an invitation from its page: accepts, declines with a reason, delegates', { skip: noBrowser }, async (t) => {
  const { app, address, browser, councils } = await setup(t)
  const hearing = await createHearing(app, { councilId: councils.wardA.id, status: 'scheduled', location: 'Hội trường UBND phường', description: 'Tình hình trật tự đô thị trên địa bàn phường.', ...slotAt('2026-12-15') })
  const links: Record<string, string> = {}
  for (const name of ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường']) {
    const person = await createPerson(app, councils.wardA.id, name)
    const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
    links[name] = invited.body.invitationUrl.replace('https://giaitrinh.test', address)
  }
  const context = await personContext(browser)
  const page = await context.newPage()
  const problems = watch(page)

  await page.goto(links['Nguyễn Văn An']!)
  t.equal(await page.locator('h1').innerText(), 'Giấy mời dự phiên giải trình')
  t.match(await page.locator('main').innerText(), /Kính gửi Ông\/Bà Nguyễn Văn An,/)
  t.match(await page.locator('main').innerText(), /Thường trực HĐND phường Cát Linh trân trọng mời/, '"HĐND phường", not "HĐND Phường"')
  t.equal(await page.getByTestId('when').innerText(), '08 giờ 00 – 10 giờ 00, thứ Ba, ngày 15/12/2026 (giờ Hà Nội)')
  t.equal(await page.getByTestId('role').innerText(), 'Người giải trình')
  t.equal(await page.getByTestId('answer').innerText(), 'Chưa trả lời')
  const calendar = page.getByTestId('add-to-calendar').locator('a')
  t.match(await calendar.nth(0).getAttribute('href') ?? '', /^\/invitations\/[^/]+\/calendar\.ics\?lang=vi$/)
  t.match(await calendar.nth(1).getAttribute('href') ?? '', /^webcal:\/\/giaitrinh\.test\/invitations\/[^/]+\/calendar\.ics/)
  t.match(await calendar.nth(2).getAttribute('href') ?? '', /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&.*dates=20261215T010000Z%2F20261215T030000Z/)
  const ics = await page.request.get(`${address}${await calendar.nth(0).getAttribute('href')}`)
  const parsed = parseFeed(await ics.text())
  t.equal(parsed.events.length, 1, 'the .ics holds the hearing')
  t.equal(parsed.events[0]!.start, '2026-12-15T01:00:00.000Z')
  t.same(parsed.events[0]!.attendees, [], 'and no one\'s attendance')
  await check(t, page, 'invitation')
  await submit(page, '[data-testid=accept-form]', /answered=1/)
  t.equal(await page.getByTestId('saved').innerText(), 'Đã ghi nhận trả lời của Ông/Bà. Cảm ơn Ông/Bà.')
  t.equal(await page.getByTestId('answer').innerText(), 'Sẽ tham dự')
  await check(t, page, 'invitation-accepted')

  await page.goto(links['Trần Thị Bình']!)
  await page.fill('#reason', 'Trùng lịch tiếp công dân định kỳ của UBND phường.')
  await submit(page, '[data-testid=decline-form]', /answered=1/)
  t.equal(await page.getByTestId('answer').innerText(), 'Từ chối (Lý do: Trùng lịch tiếp công dân định kỳ của UBND phường.)')

  await page.goto(`${links['Lê Văn Cường']!}?lang=en`)
  t.equal(await page.locator('h1').innerText(), 'Invitation to an accountability hearing', 'English with ?lang=en')
  await page.fill('#substituteName', 'Phạm Thị Dung')
  await page.fill('#substitutePosition', 'Phó Chủ tịch UBND phường')
  await submit(page, '[data-testid=delegate-form]', /answered=1/)
  t.equal(await page.getByTestId('answer').innerText(), 'Sends a substitute: Phạm Thị Dung, Phó Chủ tịch UBND phường')
  await check(t, page, 'invitation-delegated-en')

  const read = await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: admin })
  const answers = Object.fromEntries(read.body.participants.map((p: { fullName: string, response: string, reason: string | null, substituteName: string | null }) => [p.fullName, [p.response, p.reason, p.substituteName]]))
  t.same(answers, {
    'Nguyễn Văn An': ['accepted', null, null],
    'Trần Thị Bình': ['declined', 'Trùng lịch tiếp công dân định kỳ của UBND phường.', null],
    'Lê Văn Cường': ['delegated', null, 'Phạm Thị Dung']
  }, 'the API reads the three answers, the reason kept')

  // A reschedule sets answers back to pending: the page asks to confirm the new time.
  const etag = read.headers.etag as string
  const moved = await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': etag }, payload: { ...slotAt('2026-12-17', 14), reason: 'Trùng kỳ họp HĐND quận' } })
  t.equal(moved.status, 200)
  await page.goto(links['Nguyễn Văn An']!)
  t.equal(await page.getByTestId('confirm-new-time').innerText(), 'Thời gian phiên đã thay đổi. Xin Ông/Bà xác nhận lại việc tham dự theo thời gian mới.')
  t.match(await page.getByTestId('when').innerText(), /14 giờ 00 – 16 giờ 00, thứ Năm, ngày 17\/12\/2026/)
  await submit(page, '[data-testid=accept-form]', /answered=1/)
  t.equal(await page.getByTestId('answer').innerText(), 'Sẽ tham dự', 'confirmed for the new time')
  t.notOk(await page.getByTestId('confirm-new-time').count(), 'and no longer asked')

  // A browser following the API's link gets the page; a client asking for JSON gets JSON.
  const apiLink = links['Nguyễn Văn An']!.replace('/invitations/', '/v1/invitations/')
  await page.goto(apiLink)
  t.equal(new URL(page.url()).pathname, new URL(links['Nguyễn Văn An']!).pathname, 'the API link opens the page in a browser')
  const json = await call(app, { method: 'GET', url: new URL(apiLink).pathname, headers: { accept: 'application/json' } })
  t.equal(json.body.invitation.response, 'accepted', 'and JSON for a client')
  t.same(problems, [], 'no script errors, no failed requests, no dialogs')
})

t.test('a secretariat signs in and runs a hearing through the console\'s forms', { skip: noBrowser }, async (t) => {
  const ready = await setup(t)
  const { app, address, browser, councils, secretariat } = ready
  await createPerson(app, councils.wardA.id, 'Nguyễn Thị Hương')
  const context = await personContext(browser)
  const page = await context.newPage()
  const problems = watch(page)

  await page.goto(`${address}/console`)
  t.equal(await page.locator('h1').innerText(), 'Đăng nhập', 'asked to sign in')
  await check(t, page, 'sign-in')
  await signIn(page, ready, secretariat, /\/console\/councils\/dong-da-cat-linh/, '/console')
  t.equal(await page.locator('h1').innerText(), 'Các phiên giải trình của HĐND phường Cát Linh')
  await check(t, page, 'console-council')

  // Create a draft (no time yet).
  await page.fill('#title', 'Phiên giải trình về quản lý chợ dân sinh')
  await page.fill('#description', 'Việc sắp xếp chợ tạm và vệ sinh môi trường.')
  await page.fill('#location', 'Hội trường UBND phường Cát Linh')
  await submit(page, '[data-testid=create-form]', /\/console\/hearings\/[0-9a-f-]+\?lang=vi&saved=1/)
  t.equal(await page.getByTestId('status').innerText(), 'Bản nháp')
  const hearingId = new URL(page.url()).pathname.split('/').pop()!

  // Invite someone found by name, then register and invite a new person.
  await page.fill('#q', 'hương')
  await submit(page, 'form[role=search]', /q=h/)
  t.match(await page.getByTestId('found').innerText(), /Nguyễn Thị Hương/)
  await check(t, page, 'console-hearing-search')
  await submit(page, '[data-testid=found] form')
  const link = await page.getByTestId('secret').inputValue()
  t.match(link, /^https:\/\/giaitrinh\.test\/invitations\/gt_/, 'the invitation link, shown once to copy')
  await check(t, page, 'console-invitation-link')
  await page.goto(`${address}/console/hearings/${hearingId}`)
  await page.locator('details summary').click()
  await page.fill('#fullName', 'Đỗ Minh Khoa')
  await page.fill('#email', 'khoa@catlinh.example')
  await page.fill('#position', 'Trưởng Công an phường')
  await submit(page, '[data-testid=register-form]')
  t.match(await page.getByTestId('secret').inputValue(), /\/invitations\//)
  await page.goto(`${address}/console/hearings/${hearingId}`)
  t.match(await page.getByTestId('participants').innerText(), /Nguyễn Thị Hương[\s\S]*Đỗ Minh Khoa|Đỗ Minh Khoa[\s\S]*Nguyễn Thị Hương/, 'both invited')

  // Schedule: warnings first (evening, short notice), then confirm.
  await page.fill('#startsAt', '2026-12-01T18:00')
  await page.fill('#endsAt', '2026-12-01T20:00')
  await submit(page, '[data-testid=time-form]', /\/time$/)
  const codes = await page.getByTestId('warnings').locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-code')))
  t.ok(codes.includes('outside_office_hours') && codes.includes('notice_too_short'), `warned before confirming: ${codes.join(', ')}`)
  t.match(await page.getByTestId('warnings').innerText(), /ngoài giờ hành chính/, 'in Vietnamese')
  await check(t, page, 'console-confirm')
  await submit(page, '[data-testid=confirm-form]', /saved=1/)
  t.equal(await page.getByTestId('status').innerText(), 'Đã lên lịch')
  t.match(await page.getByTestId('when').innerText(), /18 giờ 00 – 20 giờ 00, thứ Ba, ngày 01\/12\/2026/)

  // Reschedule with a reason.
  await page.fill('#startsAt', '2026-12-22T08:00')
  await page.fill('#endsAt', '2026-12-22T10:00')
  await page.fill('#time-reason', 'Chờ báo cáo của Ban quản lý chợ')
  await submit(page, '[data-testid=time-form]', /\/time$/)
  t.equal(await page.getByTestId('no-warnings').count(), 1, 'a good time: nothing to note')
  await submit(page, '[data-testid=confirm-form]', /saved=1/)
  t.match(await page.getByTestId('when').innerText(), /08 giờ 00 – 10 giờ 00, thứ Ba, ngày 22\/12\/2026/)
  t.match(await page.getByTestId('history').innerText(), /Chờ báo cáo của Ban quản lý chợ/)
  await check(t, page, 'console-hearing')

  // Edit the details; renew an invitation link (the old one stops working); make a person's feed link.
  await page.fill('#edit-location', 'Nhà văn hóa tổ dân phố 3')
  await submit(page, '[data-testid=edit-form]', /saved=1/)
  t.match(await page.locator('main').innerText(), /Nhà văn hóa tổ dân phố 3/)
  const huong = page.locator('[data-testid=participants] tr', { hasText: 'Nguyễn Thị Hương' })
  await Promise.all([page.waitForURL(/\/link$/), huong.locator('button', { hasText: 'Tạo đường dẫn mời mới' }).click()])
  const renewed = await page.getByTestId('secret').inputValue()
  t.not(renewed, link, 'a new invitation link')
  t.equal((await page.request.get(link.replace('https://giaitrinh.test', address))).status(), 404, 'the old link no longer opens the invitation')
  t.equal((await page.request.get(renewed.replace('https://giaitrinh.test', address))).status(), 200, 'the new one does')
  await page.goto(`${address}/console/hearings/${hearingId}`)
  await Promise.all([page.waitForURL(/\/feed-link$/), page.locator('[data-testid=participants] tr', { hasText: 'Nguyễn Thị Hương' }).locator('button', { hasText: 'Tạo đường dẫn lịch cá nhân' }).click()])
  const feedLink = await page.getByTestId('secret').inputValue()
  t.match(feedLink, /^https:\/\/giaitrinh\.test\/feeds\/people\/[^/]+\.ics$/)
  const personal = parseFeed(await (await page.request.get(feedLink.replace('https://giaitrinh.test', address))).text())
  t.ok(personal.events.some((e) => e.summary === 'Phiên giải trình về quản lý chợ dân sinh'), 'the person\'s feed holds the hearing')

  // Postpone with a reason, then schedule again.
  await page.goto(`${address}/console/hearings/${hearingId}`)
  await page.fill('#postpone-reason', 'Chờ ý kiến của UBND quận')
  await submit(page, '[data-testid=postpone-form]', /saved=1/)
  t.equal(await page.getByTestId('status').innerText(), 'Đã hoãn')
  await page.fill('#startsAt', '2026-12-23T08:00')
  await page.fill('#endsAt', '2026-12-23T10:00')
  await submit(page, '[data-testid=time-form]', /\/time$/)
  await submit(page, '[data-testid=confirm-form]', /saved=1/)
  t.equal(await page.getByTestId('status').innerText(), 'Đã lên lịch', 'scheduled again')

  // A stale form (the hearing changed since it was read) is refused with a sentence, and loses nothing.
  const stale = await page.locator('[data-testid=cancel-form] input[name=revision]').inputValue()
  const touched = await call(app, { method: 'GET', url: `/v1/hearings/${hearingId}`, headers: admin })
  await call(app, { method: 'PATCH', url: `/v1/hearings/${hearingId}`, headers: { ...admin, 'if-match': touched.headers.etag as string }, payload: { location: 'Nhà văn hóa tổ dân phố 5' } })
  await page.fill('#cancel-reason', 'Thử hủy trên trang cũ')
  await submit(page, '[data-testid=cancel-form]')
  t.match(await page.locator('[role=alert]').innerText(), /Phiên vừa được người khác thay đổi/, `a stale form is refused in Vietnamese (revision ${stale})`)
  await check(t, page, 'console-error')

  // Cancel with a reason.
  await page.goto(`${address}/console/hearings/${hearingId}`)
  await page.fill('#cancel-reason', 'UBND phường đề nghị lùi sang năm sau')
  await submit(page, '[data-testid=cancel-form]', /saved=1/)
  t.equal(await page.getByTestId('status').innerText(), 'Đã hủy')
  t.match(await page.getByTestId('history').innerText(), /UBND phường đề nghị lùi sang năm sau/)

  // A hearing that took place: scheduled at a past time (warned), then its outcome recorded.
  await page.goto(`${address}/console/councils/dong-da-cat-linh`)
  await page.fill('#title', 'Phiên giải trình về thu gom rác thải')
  await page.fill('#startsAt', '2026-11-20T08:00')
  await page.fill('#endsAt', '2026-11-20T10:00')
  await submit(page, '[data-testid=create-form]', /\/hearings$/)
  t.ok((await page.getByTestId('warnings').locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-code')))).includes('in_the_past'), 'a past time is warned of')
  await submit(page, '[data-testid=confirm-form]', /saved=1/)
  await page.fill('#summary', 'Đại diện UBND phường đã giải trình; Thường trực HĐND phường đề nghị tăng tần suất thu gom.')
  await page.fill('#delegatesPresent', '17')
  await submit(page, '[data-testid=outcome-form]', /saved=1/)
  t.equal(await page.getByTestId('status').innerText(), 'Đã tổ chức')
  t.match(await page.getByTestId('outcome').innerText(), /tăng tần suất thu gom/)

  await page.goto(`${address}/console/councils/dong-da-cat-linh?year=2026&status=held&lang=en`)
  t.equal(await page.getByTestId('hearings').locator('li').count(), 1, 'the list filters by year and status')
  t.match(await page.locator('h1').innerText(), /Hearings of the People's Council of Phường Cát Linh/)
  t.same(problems, [], 'no script errors, no failed requests, no dialogs')

  // Another council's hearing is not the secretariat's to change, whatever the form says.
  const other = await createHearing(app, { councilId: councils.wardB.id, status: 'scheduled', ...slotAt('2026-12-09') })
  const response = await page.goto(`${address}/console/hearings/${other.id}`)
  t.equal(response?.status(), 403, 'another ward\'s hearing, public as it is: not in this console')
  t.match(await page.locator('[role=alert]').innerText(), /không có quyền/)
  const draft = await createHearing(app, { councilId: councils.wardB.id })
  t.equal((await page.goto(`${address}/console/hearings/${draft.id}`))?.status(), 404, 'another ward\'s draft: not even its existence')
})

t.test('a citizen opens a hearing\'s page from a feed, then its council\'s page; restricted hearings stay hidden', { skip: noBrowser }, async (t) => {
  const ready = await setup(t)
  const { app, address, browser, councils } = ready
  const open = await createHearing(app, { councilId: councils.wardA.id, status: 'scheduled', title: 'Phiên giải trình về phòng cháy chữa cháy', location: 'Nhà văn hóa phường', ...slotAt('2026-12-10') })
  const explainer = await createPerson(app, councils.wardA.id, 'Vũ Quốc Bảo')
  await call(app, { method: 'POST', url: `/v1/hearings/${open.id}/participants`, headers: admin, payload: { personId: explainer.id, role: 'explainer' } })
  const restricted = await createHearing(app, { councilId: councils.wardA.id, status: 'scheduled', visibility: 'restricted', title: 'Phiên không công khai', ...slotAt('2026-12-11') })
  const held = await createHearing(app, {
    councilId: councils.wardA.id,
    status: 'held',
    title: 'Phiên giải trình về an toàn thực phẩm',
    ...slotAt('2026-10-08'),
    outcome: { summary: 'Đã giải trình đầy đủ.', delegatesPresent: 20, conclusionText: 'Yêu cầu kiểm tra định kỳ hằng quý.', conclusionIssuedOn: '2026-10-15' }
  })
  const context = await personContext(browser)
  const page = await context.newPage()
  const problems = watch(page)

  const feed = parseFeed(await (await page.request.get(`${address}/feeds/councils/dong-da-cat-linh.ics`)).text())
  const event = feed.events.find((e) => e.summary === 'Phiên giải trình về phòng cháy chữa cháy')!
  t.equal(event.url, `https://giaitrinh.test/hearings/${open.id}`, 'the feed\'s URL is the hearing\'s page')
  t.notOk(feed.events.some((e) => e.summary === 'Phiên không công khai'))
  await page.goto(event.url.replace('https://giaitrinh.test', address))
  t.equal(await page.locator('h1').innerText(), 'Phiên giải trình về phòng cháy chữa cháy')
  t.equal(await page.getByTestId('when').innerText(), '08 giờ 00 – 10 giờ 00, thứ Năm, ngày 10/12/2026 (giờ Hà Nội)')
  t.equal(await page.getByTestId('explainers').innerText(), 'Vũ Quốc Bảo, Chủ tịch UBND', 'the explainer, without their answer: answers are for those in the council\'s scope')
  await check(t, page, 'hearing-public')

  await Promise.all([page.waitForURL(/\/councils\/dong-da-cat-linh/), page.locator('main p a').first().click()])
  t.equal(await page.locator('h1').innerText(), 'HĐND phường Cát Linh')
  t.match(await page.getByTestId('upcoming').innerText(), /phòng cháy chữa cháy/)
  t.notMatch(await page.locator('main').innerText(), /Phiên không công khai/, 'a restricted hearing is not listed for a citizen')
  t.match(await page.getByTestId('past').innerText(), /an toàn thực phẩm/)
  const subscribe = await page.getByTestId('subscribe').locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
  t.same(subscribe, [
    'webcal://giaitrinh.test/feeds/councils/dong-da-cat-linh.ics',
    'https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fgiaitrinh.test%2Ffeeds%2Fcouncils%2Fdong-da-cat-linh.ics',
    'https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fgiaitrinh.test%2Ffeeds%2Fcouncils%2Fdong-da-cat-linh.ics&name=H%C4%90ND+ph%C6%B0%E1%BB%9Dng+C%C3%A1t+Linh',
    'https://giaitrinh.test/feeds/councils/dong-da-cat-linh.ics'
  ], 'subscribe with webcal, Google, Outlook or a file')
  await check(t, page, 'council-public')

  await page.goto(`${address}/councils/dong-da?descendants=true`)
  t.match(await page.getByTestId('upcoming').innerText(), /phòng cháy chữa cháy[\s\S]*HĐND phường Cát Linh/, 'the district\'s page with its wards\' hearings, each named')
  t.match(await page.getByTestId('children').innerText(), /HĐND phường Cát Linh/)
  await check(t, page, 'council-descendants')

  await page.goto(`${address}/hearings/${held.id}?lang=en`)
  t.match(await page.getByTestId('outcome').innerText(), /Đã giải trình đầy đủ\.[\s\S]*20[\s\S]*Yêu cầu kiểm tra định kỳ hằng quý\.[\s\S]*15\/10\/2026/, 'the outcome and conclusion once held')
  await check(t, page, 'hearing-held-en')

  const hidden = await page.goto(`${address}/hearings/${restricted.id}`)
  t.equal(hidden?.status(), 404, 'a restricted hearing is a 404 page for a citizen')
  t.match(await page.locator('main').innerText(), /cần đăng nhập/)
  await check(t, page, 'not-found')
  // Signed in within the ward's scope, it shows.
  await signIn(page, ready, await userFor(app, 'supervisor', councils.district.id), new RegExp(`/hearings/${restricted.id}`), `/hearings/${restricted.id}`)
  t.equal(await page.locator('h1').innerText(), 'Phiên không công khai', 'a supervisor of the district sees it once signed in')
  t.same(problems.filter((p) => !p.includes('404')), [], 'no script errors, no failed requests')
})

const PAYLOADS = ['<script>window.__xss=1</script>', '"><img src=x onerror="window.__xss=1">']

t.test('text fields holding script payloads render inert on every page', { skip: noBrowser }, async (t) => {
  const ready = await setup(t)
  const { app, address, browser, councils, secretariat } = ready
  const [script, attribute] = PAYLOADS as [string, string]
  const ward = await call(app, { method: 'POST', url: '/v1/councils', headers: admin, payload: { code: 'dong-da-xss', name: `Phường ${script}${attribute}`, level: 'ward', parentId: councils.district.id, activeFrom: '2016-07-01' } })
  t.equal(ward.status, 201)
  const { headers } = await tokenFor(app, 'secretariat', ward.body.id)
  const hearing = await createHearing(app, { councilId: ward.body.id, status: 'scheduled', title: `Tiêu đề ${script}${attribute}`, description: `Nội dung ${attribute}${script}`, location: `Địa điểm ${script}${attribute}`, ...slotAt('2026-12-16') }, headers)
  const person = await call(app, { method: 'POST', url: '/v1/people', headers, payload: { fullName: `Người ${script}${attribute}`, kind: 'official', position: `Chức vụ ${attribute}`, organization: `Cơ quan ${script}` } })
  const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers, payload: { personId: person.body.id, role: 'explainer' } })
  const secret = invited.body.invitationToken as string
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${secret}/response`, payload: { response: 'declined', reason: `Lý do ${script}${attribute}` } })).status, 200)
  const past = await createHearing(app, { councilId: ward.body.id, status: 'held', title: `Đã họp ${attribute}`, ...slotAt('2026-10-07'), outcome: { summary: `Kết quả ${script}${attribute}`, conclusionText: `Kết luận ${attribute}` } }, headers)
  const cancelled = await createHearing(app, { councilId: ward.body.id, status: 'scheduled', title: 'Sẽ hủy', ...slotAt('2026-12-18') }, headers)
  await call(app, { method: 'POST', url: `/v1/hearings/${cancelled.id}/cancel`, headers, payload: { reason: `Hủy vì ${script}${attribute}` } })

  const context = await personContext(browser)
  const page = await context.newPage()
  const problems = watch(page)
  await signIn(page, ready, secretariat, /\/console\//)
  // Signed in as the ward's own secretariat for the console pages of that ward.
  await signIn(page, ready, await userFor(app, 'secretariat', ward.body.id), /\/console\//, '/console')
  const pages = [
    '/councils/dong-da-xss', '/councils/dong-da?descendants=true', `/hearings/${hearing.id}`, `/hearings/${past.id}`, `/hearings/${cancelled.id}`,
    `/invitations/${secret}`, '/console/councils/dong-da-xss', `/console/hearings/${hearing.id}`, `/console/hearings/${hearing.id}?q=${encodeURIComponent('Người')}`,
    `/hearings/${hearing.id}?lang=en`, `/invitations/${secret}?lang=en`
  ]
  for (const path of pages) {
    await page.goto(`${address}${path}`)
    const text = await page.locator('main').innerText()
    t.ok(text.includes(script) || text.includes(attribute), `${path}: the payload shows as text`)
    t.equal(await page.evaluate('window.__xss'), undefined, `${path}: no payload ran`)
    t.equal(await page.locator('main img, main script').count(), 0, `${path}: no element came from a payload`)
  }
  // What the console echoes back before confirming (a new hearing's fields) stays text too.
  await page.goto(`${address}/console/councils/dong-da-xss`)
  await page.fill('#title', `Mới ${script}${attribute}`)
  await page.fill('#location', attribute)
  await page.fill('#startsAt', '2026-12-21T08:00')
  await page.fill('#endsAt', '2026-12-21T10:00')
  await submit(page, '[data-testid=create-form]', /\/hearings$/)
  t.match(await page.locator('main').innerText(), /Mới <script>/)
  t.equal(await page.evaluate('window.__xss'), undefined, 'confirm page: no payload ran')
  await submit(page, '[data-testid=confirm-form]', /saved=1/)
  t.equal(await page.locator('h1').innerText(), `Mới ${script}${attribute}`, 'and the hearing is created with the text as typed')
  t.equal(await page.evaluate('window.__xss'), undefined)

  // The dashboard of the district lists the ward by its name.
  await signIn(page, ready, await userFor(app, 'supervisor', councils.district.id), /\/dashboard\/coverage/, `/dashboard/coverage?councilId=${councils.district.id}`)
  t.match(await page.locator('main').innerText(), /Phường <script>/)
  t.equal(await page.evaluate('window.__xss'), undefined, 'dashboard: no payload ran')
  await check(t, page, 'coverage-with-payloads')
  t.equal(await page.locator('main img, main script').count(), 0)
  t.same(problems.filter((p) => !p.startsWith('failed: ') || !p.includes('/x')), [], 'no script errors, no dialogs')
})

t.test('a form posted from another site is refused, and changes nothing', { skip: noBrowser }, async (t) => {
  const { app, address, browser, councils } = await setup(t)
  const hearing = await createHearing(app, { councilId: councils.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const person = await createPerson(app, councils.wardA.id, 'Hoàng Văn Em')
  const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })
  const target = `${address}/invitations/${invited.body.invitationToken}`
  // Another site (another origin: another port) with a form aimed at the invitation, as an attacker would host it.
  const evil = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8')
    response.end(`<!doctype html><html lang="en"><body><form method="post" action="${target}"><input type="hidden" name="response" value="declined"><input type="hidden" name="_csrf" value="forged"><button type="submit">Win a prize</button></form></body></html>`)
  })
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
  t.teardown(() => evil.close())
  const context = await personContext(browser)
  const page = await context.newPage()
  await page.goto(target) // the person has the page open, with its CSRF cookie
  await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`)
  const [response] = await Promise.all([page.waitForResponse(target), page.click('button')])
  t.equal(response.status(), 403, 'refused')
  t.match(await page.locator('main').innerText(), /không được gửi từ trang này/)
  const read = await call(app, { method: 'GET', url: `/v1/invitations/${invited.body.invitationToken}`, headers: { accept: 'application/json' } })
  t.equal(read.body.invitation.response, 'pending', 'the answer did not change')
})
