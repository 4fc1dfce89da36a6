import t from 'tap'
import { sql } from 'drizzle-orm'
import { admin, build, call, seedHierarchy } from './helper.js'
import { getPage, postForm, signedInAs } from './pages-helper.js'

// Issue "Staff accounts and the office's desk", the rest of part 2 and 4: a user's own API tokens
// (made and revoked on their account page, scoped to their roles), the secretariat's notification
// settings and webhooks, and an administrator's councils, days off and notice rules, as pages.

/** The value of the first option of a select in a page. */
function firstOption (body: string, name: string): string {
  const select = new RegExp(`name="${name}">\\s*<option value="([^"]+)"`).exec(body)
  if (!select) throw new Error(`no select ${name}`)
  return select[1]!
}

t.test('a user makes a token of their own on the account page: shown once, acting in one of their roles only, revoked from the page; it dies with the role', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const account = await getPage(app, '/account', staff)
  t.match(account.response.body, /Mã truy cập cho chương trình \(API\)/, 'the section, in Vietnamese')
  const roleId = firstOption(account.response.body, 'roleId')

  const made = await postForm(app, '/account/tokens', staff, { name: 'Bảng tính của văn phòng', roleId, days: '90' })
  t.equal(made.statusCode, 200)
  t.match(made.headers['cache-control'], /no-store/, 'the page with the secret is not cached')
  const secret = /value="(gt_[A-Za-z0-9_-]+)"/.exec(made.body)?.[1]
  t.ok(secret, 'the secret is shown')
  const bearer = { authorization: `Bearer ${secret}` }

  // It acts as the role: its own council's hearings, not another ward's.
  t.equal((await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: bearer })).status, 200, 'reads its council')
  t.equal((await call(app, { method: 'POST', url: '/v1/hearings', headers: bearer, payload: { councilId: h.wardB.id, title: 'Phiên của phường khác' } })).status, 403, 'writes nothing of another ward')
  t.equal((await call(app, { url: '/v1/tokens', headers: bearer })).status, 403, 'no administrator\'s routes')

  // The token is listed with its role and expiry; an administrator sees whose it is.
  const listed = await getPage(app, '/account', staff)
  t.match(listed.response.body, /data-testid="token" data-name="Bảng tính của văn phòng"[\s\S]*Văn phòng \(Thường trực\) — HĐND phường Cát Linh/)
  const tokens = (await call(app, { url: '/v1/tokens', headers: admin })).body.items as Array<{ name: string, userId: string | null, expiresAt: string, createdAt: string }>
  const own = tokens.find((token) => token.name === 'Bảng tính của văn phòng')!
  t.ok(own.userId, 'the administrator sees it is a user\'s own')
  t.equal(Date.parse(own.expiresAt) - Date.parse(own.createdAt), 90 * 86_400_000, 'it expires in the days chosen')

  // Another user's page cannot revoke it, nor make a token in a role that is not theirs.
  const other = await signedInAs(app, 'secretariat', h.wardB.id)
  const tokenId = /action="\/account\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(listed.response.body)![1]!
  t.equal((await postForm(app, `/account/tokens/${tokenId}/revoke`, other, {})).statusCode, 404, 'another user\'s token is not found')
  t.equal((await postForm(app, '/account/tokens', other, { name: 'Mượn quyền', roleId, days: '30' })).statusCode, 404, 'another user\'s role is not found')
  t.equal((await postForm(app, '/account/tokens', staff, { name: 'Mãi mãi', roleId, days: '10000' })).statusCode, 400, 'a validity not offered is refused')
  t.equal((await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: bearer })).status, 200, 'still works')

  // Revoked from the page: at once.
  t.equal((await postForm(app, `/account/tokens/${tokenId}/revoke`, staff, {})).statusCode, 303)
  t.equal((await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: bearer })).status, 401, 'revoked')

  // A second token dies with its role: the administrator revokes the role.
  const again = await postForm(app, '/account/tokens', staff, { name: 'Lần hai', roleId, days: '30' })
  const second = { authorization: `Bearer ${/value="(gt_[A-Za-z0-9_-]+)"/.exec(again.body)![1]}` }
  t.equal((await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: second })).status, 200)
  const user = (await call(app, { url: '/v1/users', headers: admin })).body.items.find((u: { email: string }) => u.email === staff.email) as { id: string }
  t.equal((await call(app, { method: 'DELETE', url: `/v1/users/${user.id}/roles/${roleId}`, headers: admin })).status, 204)
  t.equal((await call(app, { url: `/v1/hearings?councilId=${h.wardA.id}`, headers: second })).status, 401, 'the role revoked, its token with it')
  t.notOk((await call(app, { url: '/v1/tokens', headers: admin })).body.items.some((token: { name: string }) => token.name === 'Lần hai'), 'listed as revoked (not live)')
})

t.test('the secretariat sets its notification settings on a page, in words people write; the API reads them back; bad durations say how to write them; a supervisor only reads', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const page = await getPage(app, '/console/councils/dong-da-cat-linh/settings', staff)
  t.equal(page.response.statusCode, 200)
  t.match(page.response.body, /Thư nhắc trước phiên[\s\S]*Mặc định: 3 ngày, 1 ngày, 2 giờ/, 'the service\'s defaults beside empty fields')
  t.match((await getPage(app, '/console/councils/dong-da-cat-linh', staff)).response.body, /data-testid="settings-link"/, 'linked from the council\'s console')

  const saved = await postForm(app, '/console/councils/dong-da-cat-linh/settings', staff, {
    notificationEmail: 'VanPhong@CatLinh.example', explainer: '5 ngày, 1 ngày', participant: '2h', member: '-', quietHours: '22:00-06:00', outcomeOverdue: '', conclusionOverdue: '10 ngày'
  })
  t.equal(saved.statusCode, 303)
  const api = (await call(app, { url: `/v1/councils/${h.wardA.id}/notification-settings`, headers: admin })).body
  t.same(api.overrides, { reminders: { explainer: ['P5D', 'P1D'], participant: ['PT2H'], member: [] }, quietHours: '22:00-06:00', conclusionOverdue: 'P10D' }, 'what the page saved is what the API keeps')
  t.equal(api.notificationEmail, 'vanphong@catlinh.example')
  t.same(api.effective.outcomeOverdue, ['P1D', 'P3D'], 'the empty field follows the default')
  const again = await getPage(app, '/console/councils/dong-da-cat-linh/settings', staff)
  t.match(again.response.body, /name="explainer" value="5 ngày, 1 ngày"/, 'shown back as written')
  t.match(again.response.body, /name="member" value="-"/)

  const bad = await postForm(app, '/console/councils/dong-da-cat-linh/settings', staff, { explainer: 'ba ngày' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /&quot;ba ngày&quot; không phải một khoảng thời gian/, 'says how to write it, in Vietnamese')
  const far = await postForm(app, '/console/councils/dong-da-cat-linh/settings', staff, { explainer: '90 ngày' })
  t.equal(far.statusCode, 400, 'the API\'s range check applies to the form too')
  const twice = await postForm(app, '/console/councils/dong-da-cat-linh/settings', staff, { conclusionOverdue: '10 ngày, 20 ngày' })
  t.equal(twice.statusCode, 400)
  t.same((await call(app, { url: `/v1/councils/${h.wardA.id}/notification-settings`, headers: admin })).body.overrides.reminders.explainer, ['P5D', 'P1D'], 'a refused form changes nothing')

  const supervisor = await signedInAs(app, 'supervisor', h.district.id)
  const read = await getPage(app, '/console/councils/dong-da-cat-linh/settings', supervisor)
  t.equal(read.response.statusCode, 200)
  t.match(read.response.body, /<fieldset disabled>/, 'read only')
  t.notMatch(read.response.body, /Webhook \(cổng SMS/, 'no webhooks for a supervisor')
  t.equal((await postForm(app, '/console/councils/dong-da-cat-linh/settings', supervisor, { explainer: '1 ngày' })).statusCode, 403)
  const neighbour = await signedInAs(app, 'secretariat', h.wardB.id)
  t.equal((await getPage(app, '/console/councils/dong-da-cat-linh/settings', neighbour)).response.statusCode, 403, 'another ward\'s secretariat')
})

t.test('the secretariat adds a webhook on a page (its secret shown once, stored sealed), disables, enables, rotates and removes it', async (t) => {
  const { app, database } = await build(t, { config: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const h = await seedHierarchy(app)
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const added = await postForm(app, '/console/councils/dong-da-cat-linh/webhooks', staff, { url: 'http://127.0.0.1:9/hooks', description: 'Cổng SMS của phường' })
  t.equal(added.statusCode, 200)
  const secret = /value="(whsec_[A-Za-z0-9+/=]+)"/.exec(added.body)?.[1]
  t.ok(secret, 'the signing secret, shown once')
  t.match(added.headers['cache-control'], /no-store/)
  const stored = await database.db.execute(sql`select secret from webhook_endpoints`)
  t.notOk(JSON.stringify(stored).includes(secret!.slice(6)), 'stored sealed, not in clear')

  const page = await getPage(app, '/console/councils/dong-da-cat-linh/settings', staff)
  t.match(page.response.body, /data-url="http:\/\/127\.0\.0\.1:9\/hooks"><strong>http:\/\/127\.0\.0\.1:9\/hooks<\/strong> — Cổng SMS của phường/)
  const id = /webhooks\/([0-9a-f-]{36})\/disable/.exec(page.response.body)![1]!
  t.equal((await postForm(app, `/console/councils/dong-da-cat-linh/webhooks/${id}/disable`, staff, {})).statusCode, 303)
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.id}/webhooks`, headers: admin })).body.items[0].enabled, false, 'disabled')
  t.match((await getPage(app, '/console/councils/dong-da-cat-linh/settings', staff)).response.body, /đã tắt/)
  t.equal((await postForm(app, `/console/councils/dong-da-cat-linh/webhooks/${id}/enable`, staff, {})).statusCode, 303)
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.id}/webhooks`, headers: admin })).body.items[0].enabled, true, 'enabled again')
  const rotated = await postForm(app, `/console/councils/dong-da-cat-linh/webhooks/${id}/rotate-secret`, staff, {})
  const next = /value="(whsec_[A-Za-z0-9+/=]+)"/.exec(rotated.body)?.[1]
  t.ok(next && next !== secret, 'a new secret')
  t.match((await getPage(app, '/console/councils/dong-da-cat-linh/settings', staff)).response.body, /khóa cũ còn ký đến/, 'the old one signs for a while, as said')

  // Another ward's secretariat cannot touch it, even knowing its id.
  const neighbour = await signedInAs(app, 'secretariat', h.wardB.id)
  t.equal((await postForm(app, `/console/councils/dong-da-hang-bot/webhooks/${id}/delete`, neighbour, {})).statusCode, 404, 'not found through its own council')
  t.equal((await postForm(app, `/console/councils/dong-da-cat-linh/webhooks/${id}/delete`, neighbour, {})).statusCode, 403)
  const refused = await postForm(app, '/console/councils/dong-da-cat-linh/webhooks', staff, { url: 'ftp://example.com/x' })
  t.equal(refused.statusCode, 422)
  t.match(refused.body, /phải là http hoặc https/, 'the API\'s refusal, in the page\'s language')
  t.equal((await postForm(app, `/console/councils/dong-da-cat-linh/webhooks/${id}/delete`, staff, {})).statusCode, 303)
  t.equal((await call(app, { url: `/v1/councils/${h.wardA.id}/webhooks`, headers: admin })).body.items.length, 0, 'removed')
})

t.test('an administrator creates, edits and ends a council from pages; the tree is walked by level; a stale form is refused; others get 403', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const root = await signedInAs(app, 'admin')
  const home = await getPage(app, '/console', root)
  t.match(home.response.body, /data-testid="admin-councils"[\s\S]*data-testid="admin-calendar"/, 'the console\'s home links the administrator\'s pages')
  const top = await getPage(app, '/console/admin/councils', root)
  t.match(top.response.body, /data-code="ha-noi"/, 'the top of the tree')
  t.notMatch(top.response.body, /data-code="dong-da-cat-linh"/, 'not the units')
  const units = await getPage(app, '/console/admin/councils?parent=dong-da', root)
  t.match(units.response.body, /data-code="dong-da-cat-linh"[\s\S]*data-code="dong-da-hang-bot"/, 'a council\'s units')
  t.match(units.response.body, /name="parent" maxlength="80" value="dong-da"/, 'a new unit\'s parent filled in')

  const created = await postForm(app, '/console/admin/councils', root, {
    name: 'Phường Văn Miếu', code: 'dong-da-van-mieu', level: 'ward', parent: 'dong-da', activeFrom: '2021-07-01', activeTo: '', coveragePercent: '100', coverageMinHearings: '1'
  })
  t.equal(created.statusCode, 303)
  const council = (await call(app, { url: '/v1/councils/dong-da-van-mieu', headers: admin })).body
  t.match(council, { name: 'Phường Văn Miếu', level: 'ward', parentId: h.district.id, activeFrom: '2021-07-01', activeTo: null, coverageTarget: 1, strictNotice: false })

  const edit = await getPage(app, '/console/admin/councils/dong-da-van-mieu', root)
  const revision = /name="revision" value="([0-9]+)"/.exec(edit.response.body)![1]!
  const ended = await postForm(app, '/console/admin/councils/dong-da-van-mieu', root, {
    revision, name: 'Phường Văn Miếu – Quốc Tử Giám', level: 'ward', parent: 'dong-da', activeFrom: '2021-07-01', activeTo: '2025-06-30', coveragePercent: '80', coverageMinHearings: '2', strictNotice: 'on'
  })
  t.equal(ended.statusCode, 303)
  t.match((await call(app, { url: '/v1/councils/dong-da-van-mieu', headers: admin })).body, { name: 'Phường Văn Miếu – Quốc Tử Giám', activeTo: '2025-06-30', coverageTarget: 0.8, coverageMinHearings: 2, strictNotice: true }, 'edited and ended (never deleted)')
  t.match((await getPage(app, '/console/admin/councils?parent=dong-da', root)).response.body, /data-code="dong-da-van-mieu"[\s\S]*?đã kết thúc 2025-06-30/, 'listed as ended')
  const stale = await postForm(app, '/console/admin/councils/dong-da-van-mieu', root, {
    revision, name: 'Ghi đè', level: 'ward', parent: 'dong-da', activeFrom: '2021-07-01', coveragePercent: '100', coverageMinHearings: '1'
  })
  t.equal(stale.statusCode, 412, 'a form read before another change is refused')
  t.match(stale.body, /vừa được người khác thay đổi/)
  const cycle = await postForm(app, '/console/admin/councils/dong-da', root, {
    revision: /name="revision" value="([0-9]+)"/.exec((await getPage(app, '/console/admin/councils/dong-da', root)).response.body)![1]!, name: 'Quận Đống Đa', level: 'district', parent: 'dong-da-cat-linh', activeFrom: '2016-07-01', coveragePercent: '100', coverageMinHearings: '1'
  })
  t.ok(cycle.statusCode >= 400 && cycle.statusCode < 500, 'a parent below itself is refused by the service\'s checks')
  t.equal((await postForm(app, '/console/admin/councils', root, { name: 'X', code: 'x-y', level: 'ward', parent: 'khong-co', activeFrom: '2021-07-01', coveragePercent: '100', coverageMinHearings: '1' })).statusCode, 404, 'an unknown parent code')

  const staff = await signedInAs(app, 'secretariat', h.district.id)
  t.equal((await getPage(app, '/console/admin/councils', staff)).response.statusCode, 403, 'a secretariat does not administer councils')
  t.equal((await postForm(app, '/console/admin/councils', staff, { name: 'X', code: 'x-z', level: 'ward', parent: 'dong-da', activeFrom: '2021-07-01', coveragePercent: '100', coverageMinHearings: '1' })).statusCode, 403)
})

t.test('an administrator sees a year\'s days off, announces a make-up day and withdraws it, and edits a notice rule from a page', async (t) => {
  const { app } = await build(t)
  const root = await signedInAs(app, 'admin')
  const page = await getPage(app, '/console/admin/calendar?year=2026', root)
  t.equal(page.response.statusCode, 200)
  t.match(page.response.body, /data-day="2026-09-02"[\s\S]*theo luật/, 'statutory holidays of the year')
  const announced = await postForm(app, '/console/admin/calendar/days', root, { day: '2026-01-03', kind: 'working_day', name: 'Làm bù ngày nghỉ Tết Dương lịch' })
  t.equal(announced.statusCode, 303)
  t.match((await call(app, { url: '/v1/calendar/days?from=2026-01-01&to=2026-01-31' })).body.items.filter((d: { source: string }) => d.source === 'announced'), [{ day: '2026-01-03', kind: 'working_day', name: 'Làm bù ngày nghỉ Tết Dương lịch', source: 'announced' }], 'the API sees it')
  t.match((await getPage(app, '/console/admin/calendar?year=2026', root)).response.body, /data-day="2026-01-03"[\s\S]*Ngày làm bù[\s\S]*đã công bố/)
  t.equal((await postForm(app, '/console/admin/calendar/days', root, { day: '2026-02-30', kind: 'day_off', name: 'Không có ngày này' })).statusCode, 400, 'a day that does not exist')
  t.equal((await postForm(app, '/console/admin/calendar/days/2026-01-03/withdraw', root, {})).statusCode, 303)
  t.equal((await call(app, { url: '/v1/calendar/days?from=2026-01-01&to=2026-01-31' })).body.items.filter((d: { source: string }) => d.source === 'announced').length, 0, 'withdrawn')

  const rule = (await call(app, { url: '/v1/notice-rules' })).body.items[0] as { id: string, code: string, name: string, legalBasis: string, effectiveFrom: string, dayKind: string }
  t.match(page.response.body, new RegExp(`data-testid="rule" data-code="${rule.code}"`), 'each rule has its form')
  const changed = await postForm(app, `/console/admin/notice-rules/${rule.id}`, root, {
    name: rule.name, legalBasis: rule.legalBasis, effectiveFrom: rule.effectiveFrom, effectiveTo: '', explainerNoticeDays: '10', dayKind: 'working', verified: 'on'
  })
  t.equal(changed.statusCode, 303)
  t.match((await call(app, { url: '/v1/notice-rules' })).body.items.find((r: { id: string }) => r.id === rule.id), { explainerNoticeDays: 10, dayKind: 'working', verified: true })
  const added = await postForm(app, '/console/admin/notice-rules', root, { code: 'thu-nghiem', name: 'Quy định thử', legalBasis: 'Nghị quyết thử', effectiveFrom: '2030-01-01', explainerNoticeDays: '5', dayKind: 'calendar' })
  t.equal(added.statusCode, 303)
  t.ok((await call(app, { url: '/v1/notice-rules' })).body.items.some((r: { code: string, verified: boolean }) => r.code === 'thu-nghiem' && !r.verified), 'added, not verified unless ticked')

  const supervisor = await signedInAs(app, 'supervisor', (await seedHierarchy(app)).city.id)
  t.equal((await getPage(app, '/console/admin/calendar', supervisor)).response.statusCode, 403)
  t.equal((await postForm(app, '/console/admin/calendar/days', supervisor, { day: '2026-01-05', kind: 'day_off', name: 'Nghỉ' })).statusCode, 403)
})
