import t from 'tap'
import postgres from 'postgres'
import { once } from 'node:events'
import type { FastifyInstance } from 'fastify'
import { admin, build, call, onPostgres, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { parseFeed } from './feeds-helper.js'
import { createPostgres } from '../src/db/client.js'

async function feedPath (app: FastifyInstance, personId: string, headers = admin) {
  const response = await call(app, { method: 'POST', url: `/v1/people/${personId}/feed-link`, headers })
  if (response.status !== 201) throw new Error(JSON.stringify(response.body))
  return { path: new URL(response.body.url).pathname, body: response.body }
}

t.test('a person\'s feed lists exactly the hearings they are invited to, with their role and answer', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const person = await call(app, { method: 'POST', url: '/v1/people', headers: wardA.headers, payload: { fullName: 'Trịnh Thị Ngọc', kind: 'official', email: 'ngoc@catlinh.example', position: 'Chủ tịch UBND phường' } })
  const other = await call(app, { method: 'POST', url: '/v1/people', headers: wardA.headers, payload: { fullName: 'Phan Văn Khải', kind: 'delegate' } })
  const open = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Phiên công khai', ...slotAt('2026-12-15', 8) })
  const restricted = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', visibility: 'restricted', title: 'Phiên kín', ...slotAt('2026-12-16', 8) })
  const draft = await createHearing(app, { councilId: h.wardA.id, title: 'Phiên dự kiến', ...slotAt('2027-01-12', 8) })
  const notInvited = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', title: 'Không mời', ...slotAt('2026-12-17', 8) })
  const invite = async (hearingId: string, personId: string, role: string) =>
    (await call(app, { method: 'POST', url: `/v1/hearings/${hearingId}/participants`, headers: wardA.headers, payload: { personId, role } })).body
  const own = await invite(open.id, person.body.id, 'explainer')
  await invite(open.id, other.body.id, 'attendee')
  await invite(restricted.id, person.body.id, 'guest')
  await invite(draft.id, person.body.id, 'attendee')
  await invite(notInvited.id, other.body.id, 'attendee')
  await call(app, { method: 'POST', url: `/v1/invitations/${own.invitationToken}/response`, payload: { response: 'accepted' } })

  const link = await feedPath(app, person.body.id, wardA.headers)
  t.match(link.body, { url: /^https:\/\/giaitrinh\.test\/feeds\/people\/gt_[A-Za-z0-9_-]{43}\.ics$/, webcalUrl: /^webcal:\/\/giaitrinh\.test\/feeds\/people\//, previousLinksValidUntil: null })
  const response = await app.inject({ method: 'GET', url: link.path })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['cache-control'], 'private, max-age=0, must-revalidate')
  const feed = parseFeed(response.body)
  t.equal(feed.name, 'Phiên giải trình của Trịnh Thị Ngọc')
  t.same(feed.events.map((e) => e.uid.split('@')[0]).sort(), [open.id, restricted.id, draft.id].sort(), 'exactly the hearings they are invited to, restricted included')
  const publicEvent = feed.events.find((e) => e.uid.startsWith(open.id))!
  t.same(publicEvent.attendees.map((a) => `${a.cn}|${a.role}|${a.partstat}|${a.xrole}`).sort(), [
    'Phan Văn Khải|OPT-PARTICIPANT|NEEDS-ACTION|attendee',
    'Trịnh Thị Ngọc|REQ-PARTICIPANT|ACCEPTED|explainer'
  ])
  t.equal(publicEvent.attendees.find((a) => a.cn === 'Trịnh Thị Ngọc')!.value.toLowerCase(), 'mailto:ngoc@catlinh.example')
  t.match(publicEvent.attendees.find((a) => a.cn === 'Phan Văn Khải')!.value, /^urn:uuid:[0-9a-f-]{36}$/, 'another invitee: the invitation\'s id, never an address, never an invented one')
  t.notMatch(response.body, /giaitrinh\.invalid/i, 'no address is invented')
  t.match(publicEvent.description, 'Vai trò của bạn: Người giải trình\nTrả lời của bạn: Sẽ tham dự')
  t.equal(feed.events.find((e) => e.uid.startsWith(draft.id))!.status, 'TENTATIVE', 'a draft is tentative')
  t.equal(feed.events.find((e) => e.uid.startsWith(draft.id))!.summary, 'DỰ KIẾN: Phiên dự kiến')

  await call(app, { method: 'PATCH', url: `/v1/people/${person.body.id}`, headers: wardA.headers, payload: { locale: 'en' } })
  const english = parseFeed((await app.inject({ method: 'GET', url: link.path })).body)
  t.equal(english.name, 'Accountability hearings of Trịnh Thị Ngọc', 'the person\'s language')
  t.match(english.events.find((e) => e.uid.startsWith(open.id))!.description, 'Your role: Explainer')

  const supervisor = await tokenFor(app, 'supervisor', h.district.id)
  t.equal((await call(app, { method: 'POST', url: `/v1/people/${person.body.id}/feed-link`, headers: supervisor.headers })).status, 403, 'supervisors only read')
  const wardB = await tokenFor(app, 'secretariat', h.wardB.id)
  t.equal((await call(app, { method: 'POST', url: `/v1/people/${person.body.id}/feed-link`, headers: wardB.headers })).status, 404, 'another ward does not see the person')
  t.equal((await call(app, { method: 'POST', url: `/v1/people/${person.body.id}/feed-link` })).status, 401)
})

t.test('rotation keeps the old link for the grace period; revocation ends every link at once; unknown links are 404 and rate limited', async (t) => {
  const lines: string[] = []
  const { app, clock } = await build(t, { config: { FEED_TOKEN_GRACE_HOURS: '48', AUTH_FAILURES_PER_MINUTE: '8', LOG_LEVEL: 'info' }, deps: { logStream: { write: (line: string) => { lines.push(line) } } } })
  const h = await seedHierarchy(app)
  const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Lê Văn Tám', kind: 'delegate', ownerCouncilId: h.wardA.id } })
  const first = await feedPath(app, person.body.id)
  for (let i = 0; i < 20; i++) t.equal((await app.inject({ method: 'GET', url: first.path })).statusCode, 200, 'polling a valid feed is never rate limited')
  const firstTag = (await app.inject({ method: 'GET', url: first.path })).headers.etag as string
  t.equal((await app.inject({ method: 'GET', url: first.path, headers: { 'if-none-match': firstTag } })).statusCode, 304)
  const second = await feedPath(app, person.body.id)
  t.type(second.body.previousLinksValidUntil, 'string')
  t.equal(new Date(second.body.previousLinksValidUntil).getTime(), clock.current.getTime() + 48 * 3_600_000)
  t.equal((await app.inject({ method: 'GET', url: first.path })).statusCode, 200, 'the old link works during the grace period')
  const status = await call(app, { method: 'GET', url: `/v1/people/${person.body.id}/feed-link`, headers: admin })
  t.equal(status.body.activeLinks.length, 2)
  clock.advance(48 * 3_600_000 + 1000)
  t.equal((await app.inject({ method: 'GET', url: first.path, headers: { 'if-none-match': firstTag } })).statusCode, 404, 'a rotated-out link stops working after the grace period, conditional requests too')
  t.equal((await app.inject({ method: 'GET', url: first.path })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: second.path })).statusCode, 200)
  const secondTag = (await app.inject({ method: 'GET', url: second.path })).headers.etag as string
  t.equal((await app.inject({ method: 'GET', url: second.path, headers: { 'if-none-match': secondTag } })).statusCode, 304)
  t.equal((await call(app, { method: 'DELETE', url: `/v1/people/${person.body.id}/feed-link`, headers: admin })).status, 204)
  t.equal((await app.inject({ method: 'GET', url: second.path, headers: { 'if-none-match': secondTag } })).statusCode, 404, 'a revoked link stops at once, conditional requests too')
  const revoked = await app.inject({ method: 'GET', url: second.path })
  t.equal(revoked.statusCode, 404, 'a revoked link stops at once')
  t.equal(revoked.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal((await call(app, { method: 'GET', url: `/v1/people/${person.body.id}/feed-link`, headers: admin })).body.activeLinks.length, 0)
  const statuses = []
  for (let i = 0; i < 5; i++) statuses.push((await app.inject({ method: 'GET', url: `/feeds/people/gt_guess${i}.ics` })).statusCode)
  t.same(statuses, [404, 404, 404, 404, 429], 'guessing links is rate limited (the four dead-link requests above counted too)')
  const secrets = [first.path, second.path].map((path) => path.split('/').pop()!.replace('.ics', ''))
  t.same(lines.filter((line) => secrets.some((secret) => line.includes(secret)) || line.includes('gt_guess')), [], 'no feed link in the log')
})

t.test('request logs: at info, feeds served (200, 304) write nothing, refused ones one line with the redacted URL; at debug, one line each', async (t) => {
  for (const level of ['info', 'debug'] as const) {
    const lines: Array<Record<string, any>> = []
    const { app } = await build(t, { config: { LOG_LEVEL: level }, deps: { logStream: { write: (line: string) => { lines.push(JSON.parse(line)) } } } })
    const h = await seedHierarchy(app)
    const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Đỗ Thị Hằng', kind: 'delegate', ownerCouncilId: h.wardA.id } })
    const { path } = await feedPath(app, person.body.id)
    const secret = path.split('/').pop()!.replace('.ics', '')
    const councilPath = `/feeds/councils/${h.wardA.id}.ics`
    const feedLines = () => lines.filter((line) => typeof line.req?.url === 'string' && line.req.url.startsWith('/feeds/'))
    lines.length = 0
    const etag = (await app.inject({ method: 'GET', url: path })).headers.etag as string
    t.equal((await app.inject({ method: 'GET', url: path, headers: { 'if-none-match': etag } })).statusCode, 304)
    t.equal((await app.inject({ method: 'GET', url: councilPath })).statusCode, 200)
    const served = feedLines()
    if (level === 'info') {
      t.same(served, [], 'at info, feeds served are not logged')
    } else {
      t.same(served.map((line) => [line.msg, line.res.statusCode, line.req.url]), [
        ['feed served', 200, '/feeds/people/[redacted]'], ['feed served', 304, '/feeds/people/[redacted]'], ['feed served', 200, councilPath]
      ], 'at debug, one line a request, the link redacted')
      t.ok(served.every((line) => typeof line.reqId === 'string' && line.reqId.length > 8), 'each with its request id')
    }
    lines.length = 0
    t.equal((await app.inject({ method: 'GET', url: '/feeds/people/gt_not-a-link.ics' })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: '/feeds/councils/00000000-0000-4000-8000-000000000000.ics' })).statusCode, 404)
    t.match(feedLines().filter((line) => line.msg === 'feed request refused').map((line) => [line.level, line.res.statusCode, line.req.url]), [
      [30, 404, '/feeds/people/[redacted]'], [30, 404, '/feeds/councils/00000000-0000-4000-8000-000000000000.ics']
    ], 'a refused feed request is logged at info with its redacted URL')
    const refused = feedLines().filter((line) => line.msg === 'feed request refused')
    t.equal(new Set(refused.map((line) => line.reqId)).size, 2, 'with its own request id')
    t.same(lines.filter((line) => JSON.stringify(line).includes(secret) || JSON.stringify(line).includes('gt_not-a-link')), [], 'no link in the log')
    lines.length = 0
    await app.inject({ method: 'GET', url: '/v1/councils', headers: admin })
    t.same(lines.map((line) => line.msg), ['incoming request', 'request completed'], 'the API is logged as Fastify does')
  }
})

t.test('polls of an unchanged feed are answered at the HTTP server; after a change, with another ETag, a revoked link or a new minute they go through the routes', async (t) => {
  const lines: Array<Record<string, any>> = []
  const { app, clock } = await build(t, { config: { FEED_REVALIDATE_MS: '3600000', LOG_LEVEL: 'debug' }, deps: { logStream: { write: (line: string) => { lines.push(JSON.parse(line)) } } } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) })
  const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Vũ Thị Thu', kind: 'delegate', ownerCouncilId: h.wardA.id } })
  await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.body.id, role: 'attendee' } })
  const personal = (await feedPath(app, person.body.id)).path
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const poll = (path: string, etag?: string, method = 'GET') => fetch(`${base}${path}`, { method, headers: etag ? { 'if-none-match': etag } : {} })
  const council = `/feeds/councils/${h.wardA.id}.ics`

  const first = await poll(council)
  t.equal(first.status, 200)
  const etag = first.headers.get('etag')!
  t.equal(app.feedPolls.answered, 0, 'a first request goes through the routes')
  const again = await poll(council, etag)
  t.equal(again.status, 304)
  t.equal(await again.text(), '')
  t.equal(again.headers.get('etag'), etag)
  t.equal(again.headers.get('cache-control'), 'public, max-age=0, must-revalidate')
  t.equal(app.feedPolls.answered, 1, 'answered at the server')
  t.equal((await poll(council, etag, 'HEAD')).status, 304)
  t.equal(app.feedPolls.answered, 2, 'HEAD too')
  t.equal((await poll(council, '"another"')).status, 200, 'another ETag gets the calendar')
  t.equal((await poll(council, `"x", ${etag}`)).status, 304, 'a list of ETags goes through the routes, which read lists')
  t.equal(app.feedPolls.answered, 2)
  const served = lines.filter((line) => line.msg === 'feed served' && line.res?.statusCode === 304 && !line.reqId)
  t.same(served.map((line) => line.req.url), [council, council], 'at debug, polls answered at the server are logged too')

  await call(app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': (await app.inject({ method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag as string }, payload: { location: 'Phòng họp 3' } })
  const changed = await poll(council, etag)
  t.equal(changed.status, 200, 'the very next poll after a change gets the new calendar')
  const newTag = changed.headers.get('etag')!
  t.not(newTag, etag)
  t.equal((await poll(council, newTag)).status, 304)
  t.equal(app.feedPolls.answered, 3)
  clock.advance(60_000)
  t.equal((await poll(council, newTag)).status, 304, 'in a new minute the routes answer first')
  t.equal(app.feedPolls.answered, 3)
  t.equal((await poll(council, newTag)).status, 304)
  t.equal(app.feedPolls.answered, 4)

  const mine = await poll(personal)
  const mineTag = mine.headers.get('etag')!
  const mineAgain = await poll(personal, mineTag)
  t.equal(mineAgain.status, 304)
  t.equal(mineAgain.headers.get('cache-control'), 'private, max-age=0, must-revalidate')
  t.equal(app.feedPolls.answered, 5)
  t.equal((await call(app, { method: 'DELETE', url: `/v1/people/${person.body.id}/feed-link`, headers: admin })).status, 204)
  const revoked = await poll(personal, mineTag)
  t.equal(revoked.status, 404, 'a revoked link stops at once')
  t.equal(revoked.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.equal(app.feedPolls.answered, 5)
})

t.test('a rotated-out link stops at the end of its grace period even while its feed is cached (revalidation bound of an hour)', async (t) => {
  const { app, clock } = await build(t, { config: { FEED_TOKEN_GRACE_HOURS: '1', FEED_REVALIDATE_MS: '3600000' } })
  const h = await seedHierarchy(app)
  const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName: 'Hoàng Văn Nam', kind: 'delegate', ownerCouncilId: h.wardA.id } })
  const old = (await feedPath(app, person.body.id)).path
  await feedPath(app, person.body.id)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const poll = (etag?: string) => fetch(`${base}${old}`, { headers: etag ? { 'if-none-match': etag } : {} })
  clock.advance(3_600_000 - 2_000)
  const last = await poll()
  t.equal(last.status, 200, 'two seconds before the end of the grace period')
  const etag = last.headers.get('etag')!
  t.equal((await poll(etag)).status, 304)
  t.equal(app.feedPolls.answered, 1, 'answered from the cache at the server')
  clock.advance(2_000)
  t.equal((await poll(etag)).status, 404, 'at the end of the grace period a conditional poll is refused')
  t.equal((await poll()).status, 404, 'and so is the calendar')
  t.equal(app.feedPolls.answered, 1)
})

t.test('one hearing as .ics: same access as the hearing', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const wardB = await tokenFor(app, 'secretariat', h.wardB.id)
  const open = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) })
  const restricted = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', visibility: 'restricted', ...slotAt('2026-12-16', 8) })
  const one = await app.inject({ method: 'GET', url: `/v1/hearings/${open.id}/calendar.ics` })
  t.equal(one.statusCode, 200)
  t.same(parseFeed(one.body).events.map((e) => e.uid), [`${open.id}@giaitrinh`])
  t.equal((await app.inject({ method: 'GET', url: `/v1/hearings/${restricted.id}/calendar.ics` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/v1/hearings/${restricted.id}/calendar.ics`, headers: wardB.headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/v1/hearings/${restricted.id}/calendar.ics`, headers: admin })).statusCode, 200)
})

t.test('times are the same whatever the server\'s TZ', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) })
  const original = process.env.TZ
  t.teardown(() => { process.env.TZ = original })
  const bodies: string[] = []
  for (const zone of ['UTC', 'America/New_York', 'Asia/Ho_Chi_Minh']) {
    process.env.TZ = zone
    app.feeds.invalidate()
    bodies.push((await app.inject({ method: 'GET', url: `/feeds/councils/${h.wardA.id}.ics?lang=en` })).body)
  }
  t.equal(bodies[1], bodies[0])
  t.equal(bodies[2], bodies[0])
  t.equal(parseFeed(bodies[0]!).events[0]!.start, '2026-12-15T01:00:00.000Z')
  const hearing = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${h.wardA.id}` })
  t.equal(hearing.body.items[0].startsAt, '2026-12-15T08:00:00.000+07:00')
})

t.test('a change gives a new ETag on the very next request through a second app instance on the same PostgreSQL database', { skip: onPostgres ? false : 'needs PostgreSQL (two instances, LISTEN/NOTIFY): run with DATABASE_URL' }, async (t) => {
  const first = await build(t, { config: { FEED_REVALIDATE_MS: '3600000' } })
  const h = await seedHierarchy(first.app)
  const hearing = await createHearing(first.app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) })
  const secondDatabase = createPostgres(first.database.url!, 2)
  t.teardown(() => secondDatabase.close())
  const second = await build(t, { config: { FEED_REVALIDATE_MS: '3600000' }, database: secondDatabase })
  const path = `/feeds/councils/${h.wardA.id}.ics`
  // The second instance is polled over HTTP, so that its polls may be answered at its server.
  const base = await second.app.listen({ port: 0, host: '127.0.0.1' })
  // The identity representation, as inject gets it (fetch would ask for gzip, whose ETag has a suffix).
  const poll = (etag?: string) => fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity', ...(etag ? { 'if-none-match': etag } : {}) } })
  const before = await poll()
  const beforeTag = before.headers.get('etag')!
  t.equal(beforeTag, (await first.app.inject({ method: 'GET', url: path })).headers.etag, 'both instances give the same bytes')
  t.equal((await poll(beforeTag)).status, 304, 'cached on the second instance')
  t.equal(second.app.feedPolls.answered, 1, 'answered at its server')

  const announced = once(second.app.feeds.events, 'invalidated')
  const etag = (await first.app.inject({ method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: admin })).headers.etag as string
  const changed = await call(first.app, { method: 'PATCH', url: `/v1/hearings/${hearing.id}`, headers: { ...admin, 'if-match': etag }, payload: { title: 'Tên mới' } })
  t.equal(changed.status, 200)
  await announced
  const response = await poll(beforeTag)
  const after = { statusCode: response.status, headers: { etag: response.headers.get('etag') }, body: await response.text() }
  t.equal(after.statusCode, 200, 'the second instance serves the change, though its revalidation bound is an hour')
  t.equal(second.app.feedPolls.answered, 1)
  t.not(after.headers.etag, beforeTag)
  t.equal(parseFeed(after.body).events[0]!.summary, 'Tên mới')
  t.equal(after.headers.etag, (await first.app.inject({ method: 'GET', url: path })).headers.etag, 'and the same bytes as the first')
})

t.test('when the LISTEN connection comes back, caches revalidate: a change missed meanwhile is served on the next poll', { skip: onPostgres ? false : 'needs PostgreSQL (a LISTEN connection to lose): run with DATABASE_URL' }, async (t) => {
  const { app, database } = await build(t, { config: { FEED_REVALIDATE_MS: '3600000' } })
  const h = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-15', 8) })
  const path = `/feeds/councils/${h.wardA.id}.ics`
  const before = await app.inject({ method: 'GET', url: path })
  t.equal((await app.inject({ method: 'GET', url: path, headers: { 'if-none-match': String(before.headers.etag) } })).statusCode, 304, 'cached for an hour')

  const server = postgres(database.url!, { max: 1, onnotice: () => {} })
  t.teardown(() => server.end())
  // A change whose announcement this process never hears (written without NOTIFY), then the LISTEN connection is lost.
  await server`update hearings set title = 'Tên đổi khi mất kết nối', revision = revision + 1 where id = ${hearing.id}`
  const revalidated = once(app.feeds.events, 'invalidated')
  const killed = await server`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'`
  t.equal(killed.length, 1, 'the LISTEN connection was terminated')
  await revalidated
  const after = await app.inject({ method: 'GET', url: path, headers: { 'if-none-match': String(before.headers.etag) } })
  t.equal(after.statusCode, 200, 'the next poll after the reconnect serves the change')
  t.equal(parseFeed(after.body).events[0]!.summary, 'Tên đổi khi mất kết nối')
})
