import t from 'tap'
import ICAL from 'ical.js'
import { sql } from 'drizzle-orm'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { insertNotifications } from '../src/db/queries/notifications.js'
import { feedTokens } from '../src/db/schema.js'

const DAY = 24 * 3_600_000

t.test('housekeeping removes what ended more than RETENTION_DAYS ago, and nothing still of use', async (t) => {
  const { app, database, clock } = await build(t, { config: { RETENTION_DAYS: '30' } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Lý Thị Lưu', kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const revoked = await tokenFor(app, 'supervisor', h.city.id)
  const live = await tokenFor(app, 'supervisor', h.city.id)
  t.equal((await call(app, { method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: admin })).status, 200, 'a token revoked now, 31 days before housekeeping runs')
  clock.advance(31 * DAY)
  const old = new Date(clock.current.getTime() - 31 * DAY)
  const recent = new Date(clock.current.getTime() - 29 * DAY)
  const row = (key: string, status: 'sent' | 'dead' | 'pending' | 'superseded', at: Date) => ({
    hearingId: hearing.id,
    councilId: h.wardA.id,
    personId: null,
    participantId: null,
    kind: 'outcome_overdue' as const,
    sequence: hearing.sequence,
    channel: 'email' as const,
    recipient: 'office@catlinh.example',
    endpointId: null,
    reminderOffset: null,
    idempotencyKey: key,
    dueAt: at,
    status,
    createdAt: at,
    updatedAt: at
  })
  await insertNotifications(database.db, [row('old-sent', 'sent', old), row('old-dead', 'dead', old), row('old-superseded', 'superseded', old), row('old-pending', 'pending', old), row('recent-sent', 'sent', recent)])
  await database.db.insert(feedTokens).values([
    { personId: person.id, secretHash: 'a'.repeat(64), createdAt: old, createdBy: 'test', revokedAt: old },
    { personId: person.id, secretHash: 'b'.repeat(64), createdAt: old, createdBy: 'test', expiresAt: old },
    { personId: person.id, secretHash: 'c'.repeat(64), createdAt: old, createdBy: 'test', revokedAt: recent },
    { personId: person.id, secretHash: 'd'.repeat(64), createdAt: old, createdBy: 'test' }
  ])

  const pruned = await app.housekeeping.run()
  t.same(pruned, { notifications: 3, feedTokens: 2, apiTokens: 1, withdrawnInvitations: 0, sessions: 0 })
  const keys = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items.map((n: { status: string, sentAt: string | null }) => n.status).sort()
  t.same(keys, ['pending', 'sent'], 'the pending notice and the recent one stay')
  const links = await database.db.execute(sql`select count(*)::int as n from feed_tokens`) as unknown as Array<{ n: number }> | { rows: Array<{ n: number }> }
  t.equal((Array.isArray(links) ? links : links.rows)[0]!.n, 2, 'the link revoked lately and the live one stay')
  t.equal((await call(app, { url: '/v1/councils', headers: live.headers })).status, 200, 'a live token still works')
  t.same(await app.housekeeping.run(), { notifications: 0, feedTokens: 0, apiTokens: 0, withdrawnInvitations: 0, sessions: 0 }, 'a second round finds nothing')
})

t.test('a withdrawn invitation: its calendar shows the event cancelled for RETENTION_DAYS, then 410 Gone; its page and the API say it was withdrawn; housekeeping forgets it after as long again', async (t) => {
  const { app, clock } = await build(t, { config: { RETENTION_DAYS: '30' } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên giải trình về trật tự đô thị', ...slotAt('2026-12-15') })
  const person = (await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Lý Thị Lưu', kind: 'official', ownerCouncilId: h.wardA.id } })).body as { id: string }
  const invited = (await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: 'guest' } })).body as { participant: { id: string }, invitationToken: string }
  const calendarUrl = `/invitations/${invited.invitationToken}/calendar.ics`
  const before = await app.inject({ url: calendarUrl })
  t.equal(before.statusCode, 200)
  t.equal((await call(app, { method: 'DELETE', url: `/v1/hearings/${hearing.id}/participants/${invited.participant.id}`, headers: admin })).status, 204)

  const withdrawn = await app.inject({ url: calendarUrl })
  t.equal(withdrawn.statusCode, 200, 'the subscribed calendar still gets the event')
  t.match(withdrawn.headers['content-type'], /^text\/calendar/)
  const vevent = new ICAL.Component(ICAL.parse(withdrawn.body)).getFirstSubcomponent('vevent')!
  t.equal(vevent.getFirstPropertyValue('uid'), `${hearing.id}@giaitrinh`, 'the same event')
  t.equal(vevent.getFirstPropertyValue('status'), 'CANCELLED', 'cancelled for this person')
  t.equal(Number(vevent.getFirstPropertyValue('sequence')), hearing.sequence + 1, 'newer than the invitation they hold')
  t.equal(vevent.getFirstPropertyValue('summary'), 'ĐÃ RÚT LỜI MỜI: Phiên giải trình về trật tự đô thị', 'saying the invitation was withdrawn, not that the hearing was cancelled')
  const page = await app.inject({ url: `/invitations/${invited.invitationToken}`, headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 410)
  t.match(page.body, /đã được văn phòng HĐND rút lại/, 'the page says so in Vietnamese')
  t.match(await call(app, { url: `/v1/invitations/${invited.invitationToken}` }), { status: 410, body: { code: 'INVITATION_WITHDRAWN' } }, 'and the API')
  t.match(await call(app, { method: 'POST', url: `/v1/invitations/${invited.invitationToken}/response`, payload: { response: 'accepted' } }), { status: 410, body: { code: 'INVITATION_WITHDRAWN' } }, 'no answer is taken')

  clock.advance(30 * DAY)
  const gone = await call(app, { url: calendarUrl })
  t.equal(gone.status, 410, 'after RETENTION_DAYS, 410 Gone: calendars drop the subscription')
  await app.housekeeping.run()
  t.equal((await call(app, { url: calendarUrl })).status, 410, 'kept as long again')
  clock.advance(30 * DAY + 1000)
  t.match(await app.housekeeping.run(), { withdrawnInvitations: 1 })
  t.equal((await call(app, { url: calendarUrl })).status, 404, 'then forgotten')
})
