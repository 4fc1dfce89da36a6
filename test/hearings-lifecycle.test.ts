import t from 'tap'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, nextPastSlot, slotAt } from './hearings-helper.js'
import { HEARING_ACTIONS, HEARING_STATUSES, allowedActions } from '../src/domain/hearings.js'

t.test('every status × action pair: allowed moves succeed, the rest are 409 naming the allowed ones', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const outcome = { summary: 'Đã giải trình; Thường trực kết luận.', delegatesPresent: 12 }

  /** A hearing of the ward in the given status, its start already passed. */
  async function inStatus (status: string) {
    const times = nextPastSlot()
    if (status === 'held') return createHearing(app, { councilId: h.wardA.id, status: 'held', outcome, ...times })
    const created = await createHearing(app, { councilId: h.wardA.id, status: status === 'draft' ? 'draft' : 'scheduled', ...times })
    if (status === 'postponed') await call(app, { method: 'POST', url: `/v1/hearings/${created.id}/postpone`, headers: admin, payload: { reason: 'Chưa đủ tài liệu' } })
    if (status === 'cancelled') await call(app, { method: 'POST', url: `/v1/hearings/${created.id}/cancel`, headers: admin, payload: { reason: 'Trùng lịch họp' } })
    return created
  }

  const expected: Record<string, string> = { schedule: 'scheduled', postpone: 'postponed', cancel: 'cancelled', outcome: 'held' }
  for (const status of HEARING_STATUSES) {
    for (const action of HEARING_ACTIONS) {
      const hearing = await inStatus(status)
      const before = await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: admin })
      t.equal(before.body.status, status)
      const payload = action === 'outcome' ? outcome : action === 'schedule' ? { ...nextPastSlot(), reason: 'Đã đủ tài liệu' } : { reason: 'Lý do' }
      const response = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/${action}`, headers: admin, payload })
      if (allowedActions(status).includes(action)) {
        t.equal(response.status, 200, `${status} → ${action} succeeds`)
        t.equal(response.body.status, expected[action], `${status} → ${action} gives ${expected[action]}`)
      } else {
        t.equal(response.status, 409, `${status} → ${action} is 409`)
        t.same(response.body.allowed, allowedActions(status), `${status} → ${action} names the allowed moves`)
        t.match(response.body.detail, `A ${status} hearing cannot take the action "${action}"`)
        const after = await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: admin })
        t.same(after.body, before.body, 'nothing changed')
      }
    }
  }
})

t.test('the lifecycle keeps its reasons, clears the time of a postponed hearing, and records outcomes only after the start', async (t) => {
  const { app, clock } = await build(t)
  const h = await seedHierarchy(app)
  clock.current = new Date('2026-11-27T02:00:00Z')
  const hearing = await createHearing(app, { councilId: h.wardA.id, description: 'Về công tác quản lý trật tự xây dựng', location: 'Hội trường UBND phường', ...slotAt('2026-12-15', 8) })
  t.equal(hearing.status, 'draft')
  t.equal(hearing.sequence, 0)
  t.same((await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}` })).status, 404, 'a draft is not public')

  const scheduled = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/schedule`, headers: admin, payload: {} })
  t.equal(scheduled.status, 200)
  t.equal(scheduled.body.startsAt, '2026-12-15T08:00:00.000+07:00', 'a draft keeps its time when scheduled; times in the council\'s zone')
  t.equal(scheduled.body.sequence, 1)
  t.same(scheduled.body.warnings, [], 'enough notice, a Tuesday, office hours: no warnings')
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}` })).status, 200, 'a scheduled public hearing is public')

  const early = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/outcome`, headers: admin, payload: { summary: 'x' } })
  t.equal(early.status, 409)
  t.match(early.body.detail, /once it has started/)

  const postponed = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/postpone`, headers: admin, payload: { reason: 'Người giải trình đi công tác' } })
  t.equal(postponed.body.status, 'postponed')
  t.equal(postponed.body.startsAt, null, 'a postponed hearing has no time')
  t.equal(postponed.body.sequence, 2)
  const noTime = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/schedule`, headers: admin, payload: {} })
  t.equal(noTime.status, 400)
  t.match(noTime.body.detail, /needs a time/)
  const again = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/schedule`, headers: admin, payload: { ...slotAt('2026-12-22', 14), reason: 'Đã thống nhất lịch mới' } })
  t.equal(again.body.status, 'scheduled')
  t.equal(again.body.sequence, 3)

  clock.current = new Date('2026-12-22T08:00:00Z')
  const held = await call(app, {
    method: 'POST',
    url: `/v1/hearings/${hearing.id}/outcome`,
    headers: admin,
    payload: { summary: 'Chủ tịch UBND phường đã giải trình.', delegatesPresent: 25 }
  })
  t.equal(held.status, 200)
  t.match(held.body, { status: 'held', sequence: 4, outcome: { summary: 'Chủ tịch UBND phường đã giải trình.', delegatesPresent: 25, conclusionText: null } })
  const amended = await call(app, {
    method: 'POST',
    url: `/v1/hearings/${hearing.id}/outcome`,
    headers: admin,
    payload: { summary: 'Chủ tịch UBND phường đã giải trình.', delegatesPresent: 25, conclusionText: 'Thông báo kết luận số 12/TB-HĐND', conclusionIssuedOn: '2026-12-29' }
  })
  t.equal(amended.status, 200, 'the conclusion notice is added later')
  t.equal(amended.body.sequence, 4, 'amending the outcome is not a calendar change')
  t.equal(amended.body.outcome.conclusionIssuedOn, '2026-12-29')

  const history = await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}/history`, headers: admin })
  t.same(history.body.items.map((e: { action: string }) => e.action), ['create', 'schedule', 'postpone', 'schedule', 'outcome'])
  t.equal(history.body.items[2].reason, 'Người giải trình đi công tác')
  t.equal(history.body.items[3].startsAt, '2026-12-22T14:00:00.000+07:00')
})

t.test('creating as scheduled or held: checks apply; held needs an outcome and a past time', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const future = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', status: 'held', outcome: { summary: 's' }, ...slotAt('2027-01-12') } })
  t.equal(future.status, 422)
  const noOutcome = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', status: 'held', ...slotAt('2019-05-14') } })
  t.equal(noOutcome.status, 400)
  const noTime = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', status: 'scheduled' } })
  t.equal(noTime.status, 400)
  const outcomeOnDraft = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', outcome: { summary: 's' } } })
  t.equal(outcomeOnDraft.status, 400)
  const backfill = await createHearing(app, { councilId: h.wardA.id, status: 'held', outcome: { summary: 'Giải trình về vệ sinh môi trường' }, ...slotAt('2019-05-14') })
  t.equal(backfill.status, 'held')
  t.equal(backfill.sequence, 0)
  const beforeCouncil = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', status: 'held', outcome: { summary: 's' }, ...slotAt('2015-05-14') } })
  t.equal(beforeCouncil.status, 422, 'a council cannot hold a hearing before it exists')
  t.match(beforeCouncil.body.detail, /exists from 2016-07-01/)
  const backwards = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', startsAt: '2026-12-15T10:00:00+07:00', endsAt: '2026-12-15T08:00:00+07:00' } })
  t.equal(backwards.status, 422)
  t.match(backwards.body.detail, /endsAt .* must be after startsAt/)
  const half = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', startsAt: '2026-12-15T10:00:00+07:00' } })
  t.equal(half.status, 400)
  const unknownCouncil = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: '00000000-0000-4000-8000-000000000000', title: 'x' } })
  t.equal(unknownCouncil.status, 404)
})

t.test('times need an offset; responses are in the council\'s zone whatever the server\'s TZ', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const naive = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: h.wardA.id, title: 'x', startsAt: '2026-12-15T08:00:00', endsAt: '2026-12-15T10:00:00' } })
  t.equal(naive.status, 400)
  t.match(naive.body.errors[0], { field: 'body/startsAt', message: /with an offset/ })
  const utc = await createHearing(app, { councilId: h.wardA.id, startsAt: '2026-12-15T01:00:00Z', endsAt: '2026-12-15T03:00:00.000Z' })
  t.equal(utc.startsAt, '2026-12-15T08:00:00.000+07:00')
  const list = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.wardA.id}&from=${encodeURIComponent('2026-12-15T00:00:00+07:00')}`, headers: admin })
  t.equal(list.body.items.length, 1)
  const naiveQuery = await call(app, { method: 'GET', url: '/v1/hearings?from=2026-12-15T00:00:00' })
  t.equal(naiveQuery.status, 400)
})

t.test('lifecycle actions take If-Match as PATCH does: a stale ETag is a 412 and changes nothing', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const created = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-17') })
  const read = await call(app, { method: 'GET', url: `/v1/hearings/${created.id}` })
  const staleTag = String(read.headers.etag)
  await call(app, { method: 'PATCH', url: `/v1/hearings/${created.id}`, headers: { ...admin, 'if-match': staleTag }, payload: { location: 'Hội trường B' } })

  const stale = await call(app, { method: 'POST', url: `/v1/hearings/${created.id}/cancel`, headers: { ...admin, 'if-match': staleTag }, payload: { reason: 'Trùng lịch' } })
  t.equal(stale.status, 412, 'someone changed it since it was read')
  t.match(stale.headers['content-type'], /^application\/problem\+json/)
  t.ok(stale.body.currentETag, 'the problem names the current ETag')
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${created.id}` })).body.status, 'scheduled', 'nothing changed')

  const fresh = await call(app, { method: 'POST', url: `/v1/hearings/${created.id}/postpone`, headers: { ...admin, 'if-match': stale.body.currentETag }, payload: { reason: 'Chờ báo cáo' } })
  t.equal(fresh.status, 200, 'with the current ETag the move is made')
  t.not(fresh.headers.etag, stale.body.currentETag, 'and answered with the new ETag')
  const unconditional = await call(app, { method: 'POST', url: `/v1/hearings/${created.id}/cancel`, headers: admin, payload: { reason: 'Không tổ chức nữa' } })
  t.equal(unconditional.status, 200, 'without If-Match the move is checked against the current state only')
})
