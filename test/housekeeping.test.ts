import t from 'tap'
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
  t.same(pruned, { notifications: 3, feedTokens: 2, apiTokens: 1 })
  const keys = (await call(app, { url: `/v1/hearings/${hearing.id}/notifications`, headers: admin })).body.items.map((n: { status: string, sentAt: string | null }) => n.status).sort()
  t.same(keys, ['pending', 'sent'], 'the pending notice and the recent one stay')
  const links = await database.db.execute(sql`select count(*)::int as n from feed_tokens`) as unknown as Array<{ n: number }> | { rows: Array<{ n: number }> }
  t.equal((Array.isArray(links) ? links : links.rows)[0]!.n, 2, 'the link revoked lately and the live one stay')
  t.equal((await call(app, { url: '/v1/councils', headers: live.headers })).status, 200, 'a live token still works')
  t.same(await app.housekeeping.run(), { notifications: 0, feedTokens: 0, apiTokens: 0 }, 'a second round finds nothing')
})
