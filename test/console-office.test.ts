import t from 'tap'
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
