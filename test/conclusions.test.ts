import t from 'tap'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'

// Issue "The hearing's second half", parts 1, 3 and 5 as far as built: the Standing Committee votes on
// the conclusion (more than half of ALL its members), the commitments it lists, followed by the
// secretariat and through the responsible person's link; read by hearing and by council.

/** Ward A with a 5-member Standing Committee (and a delegate, who does not vote), and a held hearing. */
async function heldHearing (app: Parameters<typeof seedHierarchy>[0]) {
  const h = await seedHierarchy(app)
  const person = async (fullName: string) => (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'delegate', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const committee = []
  for (const [name, role] of [['Nguyễn Văn Chủ', 'chair'], ['Trần Thị Phó', 'vice_chair'], ['Lê Văn Ủy', 'standing_member'], ['Phạm Thị Viên', 'standing_member'], ['Hoàng Văn Thường', 'standing_member']] as const) {
    const p = await person(name)
    await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId: p.id, role, startsOn: '2026-01-01' } })
    committee.push(p.id)
  }
  const delegate = await person('Đỗ Văn Đại')
  await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId: delegate.id, role: 'delegate', startsOn: '2026-01-01' } })
  // One who left the committee before the hearing does not count.
  const former = await person('Vũ Thị Cũ')
  await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: admin, payload: { personId: former.id, role: 'standing_member', startsOn: '2025-01-01', endsOn: '2026-03-31' } })
  const explainer = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Ngô Quang Huy', kind: 'official', position: 'Chủ tịch UBND phường', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'held', ...slotAt('2026-06-10'), outcome: { summary: 'Đã giải trình về trật tự đô thị.' } })
  return { h, committee, delegate, former, explainer, hearing }
}

const votes = (committee: string[], choices: Array<'for' | 'against' | 'abstain' | 'absent'>) =>
  committee.map((personId, i) => choices[i] === 'absent' ? { personId, present: false } : { personId, present: true, vote: choices[i] })

t.test('the Standing Committee votes: 3 of 5 for passes (3 > 5/2) though 2 were absent; 2 for does not; the rule counts all members, not those present', async (t) => {
  const { app } = await build(t)
  const { h, committee, delegate, former, hearing } = await heldHearing(app)
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const put = (body: object) => call(app, { method: 'PUT', url: `/v1/hearings/${hearing.id}/conclusion`, headers: wardA.headers, payload: body })

  const failed = await put({ text: 'Đề nghị UBND phường…', numberSymbol: '12/TB-HĐND', issuedOn: '2026-06-15', votes: votes(committee, ['for', 'for', 'against', 'abstain', 'absent']) })
  t.equal(failed.status, 200)
  t.match(failed.body.tally, { committeeSize: 5, present: 4, for: 2, against: 1, abstain: 1, needed: 3, passed: false }, '2 of 5: not passed, though 2 of the 4 present')
  t.equal(failed.body.committee.length, 5, 'the committee on the hearing\'s day: not the delegate, not the member who left')
  t.notOk(failed.body.committee.some((m: { personId: string }) => m.personId === delegate.id || m.personId === former.id))
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/commitments`, headers: wardA.headers, payload: { title: 'Việc', dueOn: '2026-09-30', responsibleAgency: 'UBND phường' } })).status, 409, 'no commitments without an adopted conclusion')
  t.equal((await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.outcome.conclusionText, null, 'not passed: not the hearing\'s conclusion')

  const passed = await put({ text: 'Đề nghị UBND phường hoàn thành giải tỏa lấn chiếm vỉa hè.', numberSymbol: '12/TB-HĐND', issuedOn: '2026-06-15', votes: votes(committee, ['for', 'for', 'for', 'absent', 'absent']) })
  t.match(passed.body.tally, { committeeSize: 5, present: 3, for: 3, needed: 3, passed: true }, '3 of 5: passed, with 2 absent')
  t.match(passed.body, { numberSymbol: '12/TB-HĐND', issuedOn: '2026-06-15' })
  const outcome = (await call(app, { url: `/v1/hearings/${hearing.id}`, headers: admin })).body.outcome
  t.match(outcome, { conclusionText: 'Đề nghị UBND phường hoàn thành giải tỏa lấn chiếm vỉa hè.', conclusionIssuedOn: '2026-06-15' }, 'passed: the hearing\'s conclusion (the overdue reminder stops)')
  const history = (await call(app, { url: `/v1/hearings/${hearing.id}/history`, headers: admin })).body.items as Array<{ action: string, reason: string | null }>
  t.match(history.slice(-2), [{ action: 'conclusion_not_passed', reason: '2/5 (3)' }, { action: 'adopt_conclusion', reason: '3/5 (3)' }], 'each vote is a transition on the hearing\'s history')
  const audit = (await call(app, { url: `/v1/audit?entity=hearing&entityId=${hearing.id}`, headers: admin })).body.items as Array<{ action: string }>
  t.ok(audit.some((row) => row.action === 'adopt_conclusion'), 'audited')
  t.match((await call(app, { url: `/v1/hearings/${hearing.id}/conclusion` })).body.tally, { passed: true }, 'a public hearing\'s conclusion is public')

  t.equal((await put({ text: 'X', votes: [{ personId: delegate.id, present: true, vote: 'for' }] })).status, 422, 'a delegate is not on the committee')
  t.equal((await put({ text: 'X', votes: [{ personId: committee[0], present: true, vote: 'for' }, { personId: committee[0], present: true, vote: 'for' }] })).status, 422, 'one vote each')
  t.equal((await put({ text: 'X', votes: [{ personId: committee[0], present: false, vote: 'for' }] })).status, 400, 'no vote from an absent member')
  const other = await tokenFor(app, 'secretariat', h.wardB.id)
  t.equal((await call(app, { method: 'PUT', url: `/v1/hearings/${hearing.id}/conclusion`, headers: other.headers, payload: { text: 'X', votes: [] } })).status, 403, 'another ward cannot vote')
  const scheduled = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  t.equal((await call(app, { method: 'PUT', url: `/v1/hearings/${scheduled.id}/conclusion`, headers: wardA.headers, payload: { text: 'X', votes: [] } })).status, 409, 'only a held hearing has a conclusion')
  t.equal((await call(app, { url: `/v1/hearings/${scheduled.id}/conclusion` })).status, 404)
})

t.test('commitments: added to the adopted conclusion, updated by the secretariat and through the responsible person\'s link (a renewed link ends the old one); overdue by the clock; listed by council with the units; another ward reaches none', async (t) => {
  const { app, clock } = await build(t, { config: { LOG_LEVEL: process.env.DBG ? 'error' : 'silent' } })
  const { h, committee, explainer, hearing } = await heldHearing(app)
  clock.current = new Date('2026-07-01T02:00:00Z')
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  await call(app, { method: 'PUT', url: `/v1/hearings/${hearing.id}/conclusion`, headers: wardA.headers, payload: { text: 'Kết luận', votes: votes(committee, ['for', 'for', 'for', 'for', 'against']) } })
  const add = (body: object, headers = wardA.headers) => call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/commitments`, headers, payload: body })

  t.equal((await add({ title: 'Không ai chịu trách nhiệm', dueOn: '2026-09-30' })).status, 400, 'someone is responsible')
  const byPerson = await add({ title: 'Giải tỏa lấn chiếm vỉa hè phố Cát Linh', dueOn: '2026-09-30', responsiblePersonId: explainer.id })
  t.equal(byPerson.status, 201, JSON.stringify(byPerson.body).slice(0, 600))
  t.match(byPerson.body, { commitment: { status: 'open', progress: 0, responsibleName: 'Ngô Quang Huy' }, updateUrl: /^https:\/\/giaitrinh\.test\/commitments\/gc_/ })
  const token = byPerson.body.updateToken as string
  const byAgency = await add({ title: 'Lắp camera giám sát', dueOn: '2026-08-31', responsibleAgency: 'Công an phường Cát Linh' })
  t.match(byAgency.body, { commitment: { status: 'open', responsibleAgency: 'Công an phường Cát Linh' }, updateToken: null, updateUrl: null }, 'an agency has no link')
  const third = await add({ title: 'Báo cáo kết quả với HĐND', dueOn: '2026-12-31', responsibleAgency: 'UBND phường' })

  // The responsible person reports through the link: no account.
  const seen = await call(app, { url: `/v1/commitment-links/${token}` })
  t.match(seen.body, { title: 'Giải tỏa lấn chiếm vỉa hè phố Cát Linh', status: 'open' })
  const reported = await call(app, { method: 'POST', url: `/v1/commitment-links/${token}/updates`, payload: { note: 'Đã giải tỏa 60% tuyến phố.', progress: 60, evidenceUrl: 'https://catlinh.example/anh/1' } })
  t.match(reported.body, { status: 'in_progress', progress: 60, updates: [{ note: 'Đã giải tỏa 60% tuyến phố.', progress: 60, evidenceUrl: 'https://catlinh.example/anh/1', by: /^commitment-link:/ }] })
  t.equal((await call(app, { method: 'POST', url: `/v1/commitment-links/${token}/updates`, payload: { note: 'Bỏ', status: 'dropped' } })).status, 400, 'dropping is the secretariat\'s')
  const audit = (await call(app, { url: `/v1/audit?entity=commitment&entityId=${byPerson.body.commitment.id}`, headers: admin })).body.items as Array<{ action: string, actor: string }>
  t.ok(audit.some((row) => row.action === 'update' && row.actor.startsWith('commitment-link:')), 'audited as the link')

  // Renewed: the old link is gone at once.
  const renewed = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/commitments/${byPerson.body.commitment.id}/link`, headers: wardA.headers })
  t.equal(renewed.status, 200)
  t.equal((await call(app, { url: `/v1/commitment-links/${token}` })).status, 404, 'the old link after renewal')
  t.equal((await call(app, { method: 'POST', url: `/v1/commitment-links/${token}/updates`, payload: { note: 'Cũ', progress: 70 } })).status, 404)
  const done = await call(app, { method: 'POST', url: `/v1/commitment-links/${renewed.body.updateToken}/updates`, payload: { note: 'Hoàn thành.', status: 'done' } })
  t.match(done.body, { status: 'done', progress: 100, doneOn: '2026-07-01' }, 'done on the council\'s day, by the injected clock')
  t.match(done.body.updates[0].at, /^2026-07-01T09:00:00\.000\+07:00$/, 'times in the council\'s zone, with the offset')

  // The secretariat drops one, with a reason; a drop without a reason is refused.
  const patch = (id: string, body: object, headers = wardA.headers) => call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}/commitments/${id}`, headers, payload: body })
  t.equal((await patch(third.body.commitment.id, { note: 'Bỏ', status: 'dropped' })).status, 400)
  t.match((await patch(third.body.commitment.id, { note: 'Không còn cần thiết', status: 'dropped', dropReason: 'Đã sáp nhập vào kế hoạch khác' })).body, { status: 'dropped', dropReason: 'Đã sáp nhập vào kế hoạch khác' })

  // Overdue by the clock: the agency's commitment is due 2026-08-31 (Hà Nội's day, not UTC's).
  const agencyState = async () => (await call(app, { url: `/v1/hearings/${hearing.id}/commitments` })).body.items.find((c: { id: string }) => c.id === byAgency.body.commitment.id).status
  clock.current = new Date('2026-08-31T16:59:00Z')
  t.equal(await agencyState(), 'open', 'on its due day (23:59 in Hà Nội): open')
  clock.current = new Date('2026-08-31T17:00:00Z')
  t.equal(await agencyState(), 'overdue', 'the next day in Hà Nội (still the 31st in UTC): overdue')

  // By council: a supervisor of the district reads the wards'; filters by state and due date.
  const supervisor = await tokenFor(app, 'supervisor', h.district.id)
  const list = (query: string, headers = supervisor.headers) => call(app, { url: `/v1/commitments?${query}`, headers })
  t.equal((await list(`councilId=${h.district.id}`)).body.items.length, 0, 'the district\'s own: none')
  t.equal((await list(`councilId=${h.district.id}&descendants=true`)).body.items.length, 3, 'with its wards')
  t.same((await list(`councilId=${h.district.id}&descendants=true&status=overdue`)).body.items.map((c: { title: string }) => c.title), ['Lắp camera giám sát'])
  t.same((await list(`councilId=${h.wardA.id}&status=done`)).body.items.map((c: { title: string }) => c.title), ['Giải tỏa lấn chiếm vỉa hè phố Cát Linh'])
  t.equal((await list(`councilId=${h.wardA.id}&dueBefore=2026-09-01`)).body.items.length, 1, 'due before a day')

  // Another ward's secretariat reaches none of it.
  const other = await tokenFor(app, 'secretariat', h.wardB.id)
  t.equal((await list(`councilId=${h.wardA.id}`, other.headers)).status, 403)
  t.equal((await patch(byAgency.body.commitment.id, { note: 'Lạ', progress: 10 }, other.headers)).status, 403)
  t.equal((await add({ title: 'Lạ', dueOn: '2026-12-31', responsibleAgency: 'X' }, other.headers)).status, 403)
  t.equal((await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/commitments/${byPerson.body.commitment.id}/link`, headers: other.headers })).status, 403)
  // A commitment of another hearing through this hearing's URL is not found.
  const elsewhere = await createHearing(app, { councilId: h.wardA.id, status: 'held', ...slotAt('2026-06-20'), outcome: { summary: 'Khác' } })
  t.equal((await call(app, { method: 'PATCH', url: `/v1/hearings/${elsewhere.id}/commitments/${byAgency.body.commitment.id}`, headers: wardA.headers, payload: { note: 'X' } })).status, 404)
  // A restricted hearing's commitments are not public.
  const restricted = await createHearing(app, { councilId: h.wardA.id, status: 'held', visibility: 'restricted', ...slotAt('2026-07-01'), outcome: { summary: 'Kín' } })
  t.equal((await call(app, { url: `/v1/hearings/${restricted.id}/commitments` })).status, 404)
})

t.test('pages: the responsible person opens the link in their language and reports progress on a phone-sized form; the public hearing page shows the conclusion and each commitment\'s state and progress', async (t) => {
  const { app, clock } = await build(t)
  const { getPage, postForm } = await import('./pages-helper.js')
  const { h, committee, explainer, hearing } = await heldHearing(app)
  clock.current = new Date('2026-07-01T02:00:00Z')
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  await call(app, { method: 'PUT', url: `/v1/hearings/${hearing.id}/conclusion`, headers: wardA.headers, payload: { text: 'Kết luận', numberSymbol: '12/TB-HĐND', votes: votes(committee, ['for', 'for', 'for', 'absent', 'absent']) } })
  const made = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/commitments`, headers: wardA.headers, payload: { title: 'Giải tỏa lấn chiếm vỉa hè', dueOn: '2026-09-30', responsiblePersonId: explainer.id } })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/commitments`, headers: wardA.headers, payload: { title: 'Lắp camera', dueOn: '2026-08-31', responsibleAgency: 'Công an phường' } })
  const path = new URL(made.body.updateUrl).pathname
  const page = await getPage(app, path)
  t.equal(page.response.statusCode, 200)
  t.match(page.response.body, /Kính gửi[\s\S]*Ngô Quang Huy[\s\S]*Giải tỏa lấn chiếm vỉa hè[\s\S]*30\/09\/2026[\s\S]*Chưa thực hiện/, 'what, by when, where it stands, in Vietnamese')
  const sent = await postForm(app, path, page.session, { note: 'Đã giải tỏa 40%.', progress: '40', evidenceUrl: 'https://catlinh.example/anh/2', status: '' })
  t.equal(sent.statusCode, 303)
  const after = await getPage(app, `${path}?saved=1`)
  t.match(after.response.body, /Đã ghi nhận báo cáo tiến độ[\s\S]*Đang thực hiện[\s\S]*40%[\s\S]*Đã giải tỏa 40%\./, 'recorded and shown')
  t.equal((await postForm(app, path, page.session, { note: '', progress: '40' })).statusCode, 400, 'a report says what was done')
  t.equal((await postForm(app, path, page.session, { note: 'X', progress: '140' })).statusCode, 400, 'a percentage is at most 100')
  t.equal((await getPage(app, '/commitments/gc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).response.statusCode, 404, 'an unknown link')

  const publicPage = (await getPage(app, `/hearings/${hearing.id}`)).response.body
  t.match(publicPage, /data-testid="conclusion-vote">Thường trực HĐND thông qua: 3\/5 thành viên tán thành/, 'the vote, for citizens')
  t.match(publicPage, /data-testid="commitments"[\s\S]*0\/2 việc đã hoàn thành[\s\S]*Lắp camera[\s\S]*Chưa thực hiện[\s\S]*Giải tỏa lấn chiếm vỉa hè[\s\S]*Đang thực hiện[\s\S]*40%/, 'each commitment with its state and progress, by due date')
  clock.current = new Date('2026-09-02T02:00:00Z')
  t.match((await getPage(app, `/hearings/${hearing.id}`)).response.body, /Lắp camera[\s\S]*Quá hạn/, 'overdue once past its day')
  t.match((await getPage(app, `/hearings/${hearing.id}?lang=en`)).response.body, /Commitments[\s\S]*Overdue/, 'and in English')
})

t.test('the console: the secretariat records the vote member by member, adds commitments (a person\'s link shown once), updates one; a supervisor sees it without forms', async (t) => {
  const { app, clock } = await build(t)
  const { getPage, postForm, signedInAs } = await import('./pages-helper.js')
  const { h, committee, explainer, hearing } = await heldHearing(app)
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: explainer.id, role: 'explainer' } }).catch(() => undefined)
  clock.current = new Date('2026-07-01T02:00:00Z')
  const staff = await signedInAs(app, 'secretariat', h.wardA.id)
  const page = await getPage(app, `/console/hearings/${hearing.id}`, staff)
  t.match(page.response.body, /Biểu quyết kết luận của Thường trực HĐND[\s\S]*cần 3\/5 phiếu tán thành[\s\S]*Nguyễn Văn Chủ \(Chủ tịch/, 'the committee on the hearing\'s day, and the rule')
  const form = (choices: string[]) => {
    const body = new URLSearchParams({ _csrf: staff.token, text: 'Đề nghị UBND phường…', numberSymbol: '12/TB-HĐND', issuedOn: '2026-06-15' })
    committee.forEach((id, i) => { body.append('voter', id); body.append('choice', choices[i]!) })
    return app.inject({ method: 'POST', url: `/console/hearings/${hearing.id}/conclusion`, headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: Object.entries(staff.cookies).map(([k, v]) => `${k}=${v}`).join('; '), origin: 'http://localhost', 'sec-fetch-site': 'same-origin' }, payload: body.toString() })
  }
  t.equal((await form(['for', 'for', 'against', 'absent', 'none'])).statusCode, 303)
  t.match((await getPage(app, `/console/hearings/${hearing.id}`, staff)).response.body, /data-testid="tally">Chưa thông qua: 2 phiếu tán thành, cần 3/, 'not passed, said so')
  t.equal((await form(['for', 'for', 'for', 'absent', 'absent'])).statusCode, 303)
  const passed = (await getPage(app, `/console/hearings/${hearing.id}`, staff)).response.body
  t.match(passed, /data-testid="tally">Thường trực HĐND thông qua: 3\/5/)
  t.match(passed, /data-testid="add-commitment"/, 'commitments can be added once passed')
  const added = await postForm(app, `/console/hearings/${hearing.id}/commitments`, staff, { title: 'Giải tỏa vỉa hè', dueOn: '2026-09-30', responsiblePersonId: explainer.id, responsibleAgency: '' })
  t.equal(added.statusCode, 200)
  t.match(added.body, /value="https:\/\/giaitrinh\.test\/commitments\/gc_[A-Za-z0-9_-]{43}"/, 'the person\'s link, shown once')
  t.equal((await postForm(app, `/console/hearings/${hearing.id}/commitments`, staff, { title: 'Lắp camera', dueOn: '2026-08-31', responsiblePersonId: '', responsibleAgency: 'Công an phường' })).statusCode, 303)
  const list = (await call(app, { url: `/v1/hearings/${hearing.id}/commitments` })).body.items as Array<{ id: string, title: string }>
  const camera = list.find((c) => c.title === 'Lắp camera')!
  t.equal((await postForm(app, `/console/hearings/${hearing.id}/commitments/${camera.id}`, staff, { note: 'Đã lắp 3 camera', progress: '60', status: '', dropReason: '' })).statusCode, 303)
  t.match((await call(app, { url: `/v1/hearings/${hearing.id}/commitments` })).body.items.find((c: { id: string }) => c.id === camera.id), { status: 'in_progress', progress: 60 })
  t.equal((await postForm(app, `/console/hearings/${hearing.id}/commitments/${camera.id}`, staff, { note: 'Bỏ', status: 'dropped', dropReason: '' })).statusCode, 400, 'dropping needs a reason, on the page too')
  const supervisor = await signedInAs(app, 'supervisor', h.district.id)
  const read = (await getPage(app, `/console/hearings/${hearing.id}`, supervisor)).response.body
  t.match(read, /Lắp camera[\s\S]*Đang thực hiện/, 'a supervisor follows them')
  t.notMatch(read, /data-testid="vote-form"|data-testid="add-commitment"/, 'without forms')
})
