import t from 'tap'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { admin, build, call } from './helper.js'
import { demoCouncilIds, seedDemo, wardCode } from '../src/demo/seed.js'
import { DONG_DA_WARDS } from '../src/demo/dong-da.js'
import { runToExit, spawnServer, startServer } from './process.js'

t.test('the demo loads Hà Nội, Đống Đa and its 21 wards, idempotently', async (t) => {
  const { app, database } = await build(t)
  const first = await seedDemo(database.db)
  t.ok(first.inserted > 23)
  t.same(await seedDemo(database.db), { inserted: 0 }, 'a second load changes nothing')
  const ids = await demoCouncilIds(database.db)
  const wards = await call(app, { method: 'GET', url: `/v1/councils?parentId=${ids['dong-da']}&activeOn=2019-06-01` })
  t.equal(wards.body.items.length, 21)
  t.same(wards.body.items.map((c: { name: string }) => c.name).sort(), DONG_DA_WARDS.map((w) => `Phường ${w}`).sort())
  t.equal(wards.body.items.find((c: { code: string }) => c.code === wardCode('Ô Chợ Dừa')).name, 'Phường Ô Chợ Dừa')
  const in2022 = await call(app, { method: 'GET', url: `/v1/councils?parentId=${ids['dong-da']}&activeOn=2022-06-01` })
  t.equal(in2022.body.items.length, 0, 'Hà Nội\'s wards had no council from 2021-07-01')
  const district = await call(app, { method: 'GET', url: `/v1/councils/${ids['dong-da']}` })
  t.match(district.body, { name: 'Quận Đống Đa', level: 'district', parentId: ids['ha-noi'] })

  const in2019 = `from=${encodeURIComponent('2019-01-01T00:00:00+07:00')}&to=${encodeURIComponent('2020-01-01T00:00:00+07:00')}`
  const districtHearings = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${ids['dong-da']}&status=held&${in2019}` })
  t.equal(districtHearings.body.items.length, 2, 'the district council held 2 hearings in 2019')
  t.ok(districtHearings.body.items.every((x: { explainers: unknown[] }) => x.explainers.length === 1))
  const wardHearings = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${ids['dong-da']}&descendants=true&status=held&limit=500&${in2019}` })
  const perWard = new Map<string, number>()
  for (const x of wardHearings.body.items as Array<{ councilId: string, description: string }>) {
    if (x.councilId !== ids['dong-da']) perWard.set(x.councilId, (perWard.get(x.councilId) ?? 0) + 1)
    t.match(x.description, /minh họa/, 'marked as illustrative')
  }
  t.equal(perWard.size, 21, 'every ward held at least one hearing in 2019')
  t.ok([...perWard.values()].filter((n) => n === 2).length >= 5, 'several held 2')
  const in2020 = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${ids['dong-da']}&descendants=true&limit=500`, headers: admin })
  const states2020 = new Set((in2020.body.items as Array<{ status: string, startsAt: string | null }>).filter((x) => x.startsAt === null || x.startsAt.startsWith('2020')).map((x) => x.status))
  t.same([...states2020].sort(), ['cancelled', 'draft', 'held', 'postponed', 'scheduled'], '2020 hearings in each state')
})

t.test('`npm run demo` loads the demo and starts the service; the token CLI works offline', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-demo-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { DATA_DIR: dataDir }

  const created = await runToExit(spawnServer(env, 'src/cli/token.ts', ['create', '--role', 'supervisor', '--council', 'ha-noi', '--name', 'Ban Pháp chế']))
  t.equal(created.code, 1, 'the council does not exist before the demo')
  t.match(created.output, /No council with id or code "ha-noi"/)

  const demo = await startServer(env, 60_000, 'src/cli/demo.ts')
  t.match(demo.output(), /demo data loaded/)
  const dashboard = /Dashboard, Đống Đa 2019: +(\S+)/.exec(demo.output())?.[1]
  const feed = /Calendar feed[^\n]*\n +(\S+)/.exec(demo.output())?.[1]
  t.ok(dashboard && feed, 'the demo says what to open')
  t.match(demo.output(), /API documentation: +\S+\/docs/)
  t.match(demo.output(), /Sign in at \S+\/signin as the administrator quantri@giaitrinh\.example: without SMTP_URL the e-mail is written to \S+\/mail/, 'and how to sign in')
  const port = new URL(demo.address).port
  const feedResponse = await fetch(feed!.replace(/:\d+\//, `:${port}/`))
  t.equal(feedResponse.status, 200, 'the feed it names works')
  t.match(await feedResponse.text(), /BEGIN:VCALENDAR/)
  const dashboardResponse = await fetch(dashboard!.replace(/:\d+\//, `:${port}/`), { redirect: 'manual' })
  t.equal(dashboardResponse.status, 303, 'the dashboard it names asks to sign in')
  // Signing in as the demo says, without SMTP: the link is in the .eml file the service wrote.
  const form = async (path: string, cookie: string) => {
    const page = await fetch(`${demo.address}${path}`, { headers: { cookie } })
    const set = page.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    return { cookie: [cookie, set].filter(Boolean).join('; '), token: /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]! }
  }
  const post = (path: string, cookie: string, fields: Record<string, string>) => fetch(`${demo.address}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
  const signInForm = await form('/signin', '')
  t.equal((await post('/signin', signInForm.cookie, { _csrf: signInForm.token, email: 'quantri@giaitrinh.example' })).status, 200)
  const eml = (await readdir(join(dataDir, 'mail'))).filter((name) => name.endsWith('.eml')).sort().at(-1)
  t.ok(eml, 'the sign-in e-mail is an .eml file under DATA_DIR/mail')
  const link = /\/signin\/gl_[A-Za-z0-9_-]{43}/.exec((await readFile(join(dataDir, 'mail', eml!), 'utf8')).replace(/=\r?\n/g, ''))![0]
  const confirm = await form(link, '')
  const signedIn = await post(link, confirm.cookie, { _csrf: confirm.token })
  t.equal(signedIn.status, 303, 'its link signs in')
  const session = signedIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
  t.equal((await fetch(dashboard!.replace(/:\d+\//, `:${port}/`), { redirect: 'manual', headers: { cookie: session } })).status, 200, 'and the dashboard opens')
  const subtree = await (await fetch(`${demo.address}/v1/councils?level=ward&limit=500`)).json() as { items: unknown[] }
  t.equal(subtree.items.length, 21)
  t.equal(await demo.stop('SIGTERM'), 0)

  const issued = await runToExit(spawnServer(env, 'src/cli/token.ts', ['create', '--role', 'supervisor', '--council', 'dong-da', '--name', 'Ban Pháp chế quận']))
  t.equal(issued.code, 0, issued.output)
  const secret = /^(gt_[A-Za-z0-9_-]{43})$/m.exec(issued.output)?.[1]
  t.ok(secret, 'prints the secret once')
  const id = /"id": "([0-9a-f-]{36})"/.exec(issued.output)![1]!
  const other = await runToExit(spawnServer(env, 'src/cli/token.ts', ['create', '--role', 'admin', '--name', 'Quản trị']))
  const otherSecret = /^(gt_[A-Za-z0-9_-]{43})$/m.exec(other.output)![1]!
  const otherId = /"id": "([0-9a-f-]{36})"/.exec(other.output)![1]!
  const revoked = await runToExit(spawnServer(env, 'src/cli/token.ts', ['revoke', otherId]))
  t.equal(revoked.code, 0)
  t.match(revoked.output, /"revokedAt": "\d{4}-/)
  const listed = await runToExit(spawnServer(env, 'src/cli/token.ts', ['list']))
  t.match(listed.output, id)
  t.notMatch(listed.output, secret!, 'list shows no secret')
  t.notMatch(listed.output, otherId, 'revoked tokens are hidden unless --all')
  const usage = await runToExit(spawnServer(env, 'src/cli/token.ts', []))
  t.equal(usage.code, 2)
  t.match(usage.output, /npm run token -- create/)

  const again = await startServer(env, 60_000, 'src/cli/demo.ts')
  t.teardown(() => again.stop('SIGKILL'))
  t.match(again.output(), /demo data already present/)
  const people = await fetch(`${again.address}/v1/people`, { headers: { authorization: `Bearer ${secret}` } })
  t.equal(people.status, 200)
  t.ok(((await people.json()) as { items: unknown[] }).items.length >= 7, 'the supervisor reads the district\'s people')
  const refused = await fetch(`${again.address}/v1/people`, { headers: { authorization: `Bearer ${otherSecret}` } })
  t.equal(refused.status, 401, 'a token revoked offline is refused')
})

t.test('demo hearings obey the same rules as hearings made through the API: a scheduled one blocks its council and its explainer', async (t) => {
  const { app, database } = await build(t)
  await seedDemo(database.db)
  const ids = await demoCouncilIds(database.db)
  const vanMieu = ids[wardCode('Văn Miếu')]!
  const scheduled = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${vanMieu}&status=scheduled`, headers: admin })
  t.equal(scheduled.body.items.length, 1, 'Văn Miếu has one scheduled demo hearing')
  const demoHearing = scheduled.body.items[0] as { id: string, startsAt: string, endsAt: string, participants: Array<{ personId: string, role: string, response: string }> }
  const explainers = demoHearing.participants.filter((p) => p.role === 'explainer')
  t.equal(explainers.length, 1)
  t.equal(explainers[0]!.response, 'accepted', 'its explainer accepted through the invitation link')

  const sameTime = { startsAt: demoHearing.startsAt, endsAt: demoHearing.endsAt }
  const clash = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: vanMieu, title: 'Phiên khác', status: 'scheduled', ...sameTime } })
  t.equal(clash.status, 409, 'the council is taken at that time')
  t.equal(clash.body.conflictingHearingId, demoHearing.id)

  const elsewhere = await call(app, { method: 'POST', url: '/v1/hearings', headers: admin, payload: { councilId: ids[wardCode('Cát Linh')], title: 'Phiên ở phường khác', status: 'scheduled', ...sameTime } })
  t.equal(elsewhere.status, 201, 'another council is free then')
  const invite = await call(app, { method: 'POST', url: `/v1/hearings/${elsewhere.body.id}/participants`, headers: admin, payload: { personId: explainers[0]!.personId, role: 'explainer' } })
  t.equal(invite.status, 409, 'but the demo\'s explainer is taken: the demo marks scheduled hearings as blocking, as the service does')

  const history = await call(app, { method: 'GET', url: `/v1/hearings/${demoHearing.id}/history`, headers: admin })
  t.same(history.body.items.map((item: { action: string }) => item.action), ['create'], 'made as a secretariat would, with its history')
  const postponed = await call(app, { method: 'GET', url: `/v1/hearings?councilId=${ids[wardCode('Láng Hạ')]}&status=postponed`, headers: admin })
  const moves = await call(app, { method: 'GET', url: `/v1/hearings/${postponed.body.items[0].id}/history`, headers: admin })
  t.same(moves.body.items.map((item: { action: string }) => item.action), ['create', 'schedule', 'postpone'], 'a postponed demo hearing went through the lifecycle actions')
})
