import t from 'tap'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ADMIN_TOKEN } from './helper.js'
import { startServer } from './process.js'

const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

t.test('kill -9 during writes on PGlite, three rounds: every acknowledged write is there, none is half-written', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-crash-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: 'info' }
  const acknowledged = new Set<string>()
  let councilId: string | undefined
  const figures: string[] = []

  for (let round = 1; round <= 3; round++) {
    const service = await startServer(env)
    t.teardown(() => service.stop('SIGKILL'))
    const post = (path: string, body: unknown) => fetch(`${service.address}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) })
    councilId ??= ((await (await post('/v1/councils', { code: 'cat-linh', name: 'Phường Cát Linh', level: 'ward', activeFrom: '2016-07-01' })).json()) as { id: string }).id
    // Eight clients write people until the process is killed under them.
    const state = { writing: true, sent: 0 }
    // Killed once this round's writes are under way (some acknowledged, more in flight): no fixed sleep.
    const target = acknowledged.size + 10 + round * 5
    let underWay!: () => void
    const enoughAcknowledged = new Promise<void>((resolve) => { underWay = resolve })
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let n = 0; state.writing; n++) {
        const fullName = `Người ${round}-${client}-${n}`
        state.sent++
        try {
          const response = await post('/v1/people', { fullName, kind: 'official', ownerCouncilId: councilId })
          if (response.status === 201) acknowledged.add(fullName)
          if (acknowledged.size >= target) underWay()
        } catch { /* the process died with this request in flight: not acknowledged */ }
      }
    })
    await enoughAcknowledged
    t.equal(await service.stop('SIGKILL'), null, `round ${round}: killed mid-write`)
    state.writing = false
    await Promise.all(clients)
    figures.push(`round ${round}: ${state.sent} sent, ${acknowledged.size} acknowledged so far`)
  }

  const service = await startServer(env)
  t.teardown(() => service.stop('SIGKILL'))
  const get = async (path: string) => (await (await fetch(`${service.address}${path}`, { headers: auth })).json()) as { items: Array<Record<string, string>>, nextCursor: string | null }
  const all = async (path: string) => {
    const items: Array<Record<string, string>> = []
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = await get(`${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      items.push(...page.items)
      cursor = page.nextCursor
    }
    return items
  }
  const people = await all('/v1/people')
  const audited = await all('/v1/audit?entity=person')
  t.comment(`${figures.join('; ')}; after restart: ${people.length} people, ${audited.length} audit entries`)
  const names = new Set(people.map((p) => p.fullName!))
  t.ok(acknowledged.size > 30, `${acknowledged.size} writes were acknowledged`)
  t.same([...acknowledged].filter((name) => !names.has(name)), [], 'every acknowledged write is there')
  const auditedIds = new Set(audited.filter((entry) => entry.action === 'create').map((entry) => entry.entityId))
  t.same(people.filter((p) => !auditedIds.has(p.id!)).map((p) => p.fullName), [], 'every person has its audit entry (write and audit commit together)')
  t.equal(auditedIds.size, people.length, 'and no audit entry lacks its person')
})
