import t from 'tap'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, createPerson, slotAt } from './hearings-helper.js'
import { getPage, signedInAs } from './pages-helper.js'

t.test('hearings respect scope: a ward secretariat cannot create, change or see restricted hearings of another ward', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const wardB = await tokenFor(app, 'secretariat', h.wardB.id)
  const supervisor = await tokenFor(app, 'supervisor', h.district.id)
  const otherSupervisor = await tokenFor(app, 'supervisor', h.otherDistrict.id)
  const restricted = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', visibility: 'restricted', title: 'Phiên giải trình kín', ...slotAt('2026-12-15', 8) }, wardB.headers)
  const open = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', ...slotAt('2026-12-16', 8) }, wardB.headers)
  const draftB = await createHearing(app, { councilId: h.wardB.id, ...slotAt('2026-12-17', 8) }, wardB.headers)

  const create = await call(app, { method: 'POST', url: '/v1/hearings', headers: wardA.headers, payload: { councilId: h.wardB.id, title: 'x' } })
  t.equal(create.status, 403, 'cannot create for another ward')
  t.equal((await call(app, { method: 'POST', url: '/v1/hearings', payload: { councilId: h.wardB.id, title: 'x' } })).status, 401)
  t.equal((await call(app, { method: 'POST', url: '/v1/hearings', headers: supervisor.headers, payload: { councilId: h.wardB.id, title: 'x' } })).status, 403, 'supervisors only read')

  for (const id of [restricted.id, draftB.id]) {
    t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${id}`, headers: wardA.headers })).status, 404, 'another ward\'s restricted hearing or draft is invisible')
    t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${id}` })).status, 404, 'and invisible without a token')
    t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${id}`, headers: otherSupervisor.headers })).status, 404, 'and outside a supervisor\'s subtree')
    t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${id}`, headers: supervisor.headers })).status, 200, 'the district\'s supervisor sees it')
    t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${id}`, headers: wardB.headers })).status, 200, 'its own secretariat sees it')
  }
  const publicView = await call(app, { method: 'GET', url: `/v1/hearings/${open.id}`, headers: wardA.headers })
  t.equal(publicView.status, 200, 'a public scheduled hearing is for everyone')
  t.notOk('participants' in publicView.body, 'invitations are not shown outside the scope')

  const etag = (await app.inject({ method: 'GET', url: `/v1/hearings/${open.id}` })).headers.etag as string
  const writes = [
    { method: 'PATCH' as const, url: `/v1/hearings/${open.id}`, headers: { ...wardA.headers, 'if-match': etag }, payload: { title: 'x' } },
    { method: 'POST' as const, url: `/v1/hearings/${open.id}/cancel`, headers: wardA.headers, payload: { reason: 'x' } },
    { method: 'POST' as const, url: `/v1/hearings/${open.id}/postpone`, headers: wardA.headers, payload: { reason: 'x' } },
    { method: 'POST' as const, url: `/v1/hearings/${restricted.id}/cancel`, headers: wardA.headers, payload: { reason: 'x' } },
    { method: 'POST' as const, url: `/v1/hearings/${draftB.id}/schedule`, headers: wardA.headers, payload: {} },
    { method: 'POST' as const, url: `/v1/hearings/${open.id}/participants`, headers: wardA.headers, payload: { personId: '00000000-0000-4000-8000-000000000000', role: 'guest' } }
  ]
  for (const write of writes) {
    const response = await call(app, write)
    t.ok([403, 404].includes(response.status), `${write.method} ${write.url}: ${response.status}`)
  }
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${open.id}`, headers: admin })).body.status, 'scheduled', 'nothing changed')
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${open.id}/history`, headers: wardA.headers })).status, 403, 'history is private')

  const listA = await call(app, { method: 'GET', url: '/v1/hearings', headers: wardA.headers })
  t.same(listA.body.items.map((x: { id: string }) => x.id), [open.id], 'lists show others\' public hearings only')
  const listAnon = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.district.id}&descendants=true` })
  t.same(listAnon.body.items.map((x: { id: string }) => x.id), [open.id])
  const listSupervisor = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.district.id}&descendants=true`, headers: supervisor.headers })
  t.same(listSupervisor.body.items.map((x: { id: string }) => x.id), [restricted.id, open.id, draftB.id])
  t.ok(listSupervisor.body.items.every((x: { participants?: unknown }) => Array.isArray(x.participants)))
  const listOther = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.wardB.id}`, headers: otherSupervisor.headers })
  t.same(listOther.body.items.map((x: { id: string }) => x.id), [open.id])
})

t.test('invitations: a link answers only its own invitation; wrong or withdrawn links are 404', async (t) => {
  const { app, clock } = await build(t)
  const h = await seedHierarchy(app)
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) }, wardA.headers)
  const chair = await call(app, { method: 'POST', url: '/v1/people', headers: wardA.headers, payload: { fullName: 'Ngô Quang Huy', kind: 'official', position: 'Chủ tịch UBND phường', email: 'huy@example.vn' } })
  const delegate = await call(app, { method: 'POST', url: '/v1/people', headers: wardA.headers, payload: { fullName: 'Lý Thị Mai', kind: 'delegate' } })
  const outsider = await createPerson(app, h.wardB.id, 'Người phường khác')

  const foreign = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: wardA.headers, payload: { personId: outsider.id, role: 'guest' } })
  t.equal(foreign.status, 422, 'a secretariat invites only people it may see')
  const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: wardA.headers, payload: { personId: chair.body.id, role: 'explainer' } })
  t.equal(invited.status, 201)
  t.match(invited.body, { participant: { fullName: 'Ngô Quang Huy', role: 'explainer', response: 'pending' }, invitationUrl: `https://giaitrinh.test/invitations/${invited.body.invitationToken}` })
  const duplicate = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: wardA.headers, payload: { personId: chair.body.id, role: 'attendee' } })
  t.equal(duplicate.status, 409, 'one invitation per person and hearing')
  const second = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: wardA.headers, payload: { personId: delegate.body.id, role: 'attendee' } })
  const chairLink = invited.body.invitationToken as string
  const delegateLink = second.body.invitationToken as string

  const page = await call(app, { method: 'GET', url: `/v1/invitations/${chairLink}` })
  t.equal(page.status, 200)
  t.match(page.body, { hearing: { id: hearing.id, council: { name: 'Phường Cát Linh' }, startsAt: '2026-12-15T08:00:00.000+07:00' }, invitation: { fullName: 'Ngô Quang Huy', role: 'explainer' } })
  t.notMatch(JSON.stringify(page.body), /huy@example\.vn/, 'no contact data on the invitation page')
  t.notMatch(JSON.stringify(page.body), /Lý Thị Mai/, 'nor anyone else\'s invitation')

  const delegated = await call(app, { method: 'POST', url: `/v1/invitations/${chairLink}/response`, payload: { response: 'delegated', substituteName: 'Trần Văn Phó', substitutePosition: 'Phó Chủ tịch UBND phường' } })
  t.equal(delegated.status, 200)
  t.match(delegated.body.invitation, { response: 'delegated', substituteName: 'Trần Văn Phó', respondedAt: '2026-11-27T09:00:00.000+07:00' })
  const incomplete = await call(app, { method: 'POST', url: `/v1/invitations/${delegateLink}/response`, payload: { response: 'delegated' } })
  t.equal(incomplete.status, 400)
  const accepted = await call(app, { method: 'POST', url: `/v1/invitations/${delegateLink}/response`, payload: { response: 'accepted' } })
  t.equal(accepted.body.invitation.response, 'accepted')

  const shown = await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: wardA.headers })
  t.same(shown.body.participants.map((p: { fullName: string, response: string }) => `${p.fullName}:${p.response}`), ['Ngô Quang Huy:delegated', 'Lý Thị Mai:accepted'], 'the hearing shows every invitation\'s state')
  t.same(shown.body.explainers, [{ fullName: 'Ngô Quang Huy', position: 'Chủ tịch UBND phường', organization: null }])
  t.same((await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}` })).body.explainers.length, 1, 'explainers of a public hearing are public')
  // The public page names the explainers, as the API does, but not their answers (a delegation, a decline's reason).
  const publicPage = await app.inject({ url: `/hearings/${hearing.id}`, headers: { accept: 'text/html' } })
  t.match(publicPage.body, /Ngô Quang Huy/, 'the explainer, on the public page')
  t.notMatch(publicPage.body, /Trần Văn Phó|Cử người dự thay/, 'not whom he delegated to')
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  t.match((await getPage(app, `/hearings/${hearing.id}`, staff)).response.body, /data-testid="answer">Cử người dự thay: Trần Văn Phó, Phó Chủ tịch UBND phường/, 'the answer, to the council\'s staff')

  t.equal((await call(app, { method: 'GET', url: '/v1/invitations/gt_not-a-real-link' })).status, 404)
  t.equal((await call(app, { method: 'POST', url: '/v1/invitations/gt_not-a-real-link/response', payload: { response: 'accepted' } })).status, 404)
  const renewed = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants/${invited.body.participant.id}/invitation`, headers: wardA.headers })
  t.equal(renewed.status, 200)
  t.equal((await call(app, { method: 'GET', url: `/v1/invitations/${chairLink}` })).status, 404, 'a replaced link stops working')
  t.equal((await call(app, { method: 'GET', url: `/v1/invitations/${renewed.body.invitationToken}` })).status, 200)
  t.equal((await call(app, { method: 'DELETE', url: `/v1/hearings/${hearing.id}/participants/${second.body.participant.id}`, headers: wardA.headers })).status, 204)
  t.match(await call(app, { method: 'GET', url: `/v1/invitations/${delegateLink}` }), { status: 410, body: { code: 'INVITATION_WITHDRAWN' } }, 'a withdrawn invitation\'s link says it was withdrawn (410)')

  const audit = await call(app, { method: 'GET', url: `/v1/audit?entity=participant&entityId=${invited.body.participant.id}`, headers: admin })
  t.same(audit.body.items.map((e: { action: string }) => e.action), ['renew_invitation', 'answer', 'invite'])
  clock.advance(0)
})

t.test('guessing invitation links is rate limited; the link never reaches the log', async (t) => {
  const lines: string[] = []
  const stream = { write: (line: string) => { lines.push(line) } }
  const { app } = await build(t, { config: { AUTH_FAILURES_PER_MINUTE: '3', LOG_LEVEL: 'info' }, deps: { logStream: stream } })
  for (let i = 0; i < 3; i++) t.equal((await call(app, { method: 'GET', url: `/v1/invitations/gt_guess${i}` })).status, 404)
  const limited = await call(app, { method: 'GET', url: '/v1/invitations/gt_guess9' })
  t.equal(limited.status, 429)
  t.ok(lines.length > 0, 'requests were logged')
  t.same(lines.filter((line) => line.includes('gt_guess')), [], 'no link in the log')
  t.ok(lines.some((line) => line.includes('/v1/invitations/[redacted]')))
})

t.test('lists filter by council and descendants, time, status and person, ordered by start, page by page', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const person = await createPerson(app, h.wardA.id, 'Đỗ Văn Lọc')
  const made = []
  for (let i = 0; i < 7; i++) {
    made.push(await createHearing(app, { councilId: [h.wardA.id, h.wardB.id, h.district.id, h.otherWard.id][i % 4], status: 'scheduled', ...slotAt(`2026-12-${String(20 - i).padStart(2, '0')}`, 8) }))
  }
  const postponedOne = made[0]!
  await call(app, { method: 'POST', url: `/v1/hearings/${postponedOne.id}/postpone`, headers: admin, payload: { reason: 'x' } })
  await call(app, { method: 'POST', url: `/v1/hearings/${made[4]!.id}/participants`, headers: admin, payload: { personId: person.id, role: 'explainer' } })

  const all = await call(app, { method: 'GET', url: '/v1/hearings', headers: admin })
  const starts = all.body.items.map((x: { startsAt: string | null }) => x.startsAt)
  t.same(starts.slice(0, 6), [...starts.slice(0, 6)].sort(), 'ordered by start')
  t.equal(starts[6], null, 'hearings without a time come last')
  const pages: string[] = []
  let cursor: string | null = null
  do {
    const response: { body: { items: Array<{ id: string }>, nextCursor: string | null } } = await call(app, { method: 'GET', url: `/v1/hearings?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: admin })
    pages.push(...response.body.items.map((x) => x.id))
    cursor = response.body.nextCursor
  } while (cursor)
  t.same(pages, all.body.items.map((x: { id: string }) => x.id), 'pages add up to the whole list, across the null times')

  const district = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.district.id}&descendants=true`, headers: admin })
  t.equal(district.body.items.length, 6, 'the district and its two wards, not the other district\'s ward')
  const onlyDistrict = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.district.id}`, headers: admin })
  t.equal(onlyDistrict.body.items.length, 2)
  const window = await call(app, { method: 'GET', url: `/v1/hearings?from=${encodeURIComponent('2026-12-15T00:00:00+07:00')}&to=${encodeURIComponent('2026-12-17T00:00:00+07:00')}`, headers: admin })
  t.same(window.body.items.map((x: { startsAt: string }) => x.startsAt.slice(0, 10)), ['2026-12-15', '2026-12-16'])
  const statuses = await call(app, { method: 'GET', url: '/v1/hearings?status=postponed&status=draft', headers: admin })
  t.same(statuses.body.items.map((x: { id: string }) => x.id), [postponedOne.id])
  const byPerson = await call(app, { method: 'GET', url: `/v1/hearings?personId=${person.id}`, headers: admin })
  t.same(byPerson.body.items.map((x: { id: string }) => x.id), [made[4]!.id])
  t.equal((await call(app, { method: 'GET', url: '/v1/hearings?descendants=true' })).status, 400)
  t.equal((await call(app, { method: 'GET', url: '/v1/hearings?councilId=00000000-0000-4000-8000-000000000000' })).status, 404)
  t.equal((await call(app, { method: 'GET', url: '/v1/hearings?status=finished' })).status, 400)
})
