/**
 * Create and list latency for hearings under 16 concurrent clients, against GET /healthz in the
 * same run and the same server process. PGlite by default; DATABASE_URL=… for PostgreSQL.
 *   npm run bench:hearings [-- --duration 5]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchDatabase, measure, printTable, startBenchServer } from './lib.js'

const { values } = parseArgs({ options: { duration: { type: 'string', default: '5' } } })
const duration = Number(values.duration)
const adminToken = 'bench-admin-token-0000000000000000000000'
const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-bench-'))
const database = await benchDatabase()
const server = await startBenchServer({ DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, ...database.env })
try {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  const councils = await (await fetch(`${server.address}/v1/councils?level=ward&limit=50`)).json() as { items: Array<{ id: string }> }
  const wards = councils.items.map((c) => c.id)
  const district = (await (await fetch(`${server.address}/v1/councils?level=district`)).json() as { items: Array<{ id: string }> }).items[0]!.id
  let n = 0
  await measure('warm-up', { url: `${server.address}/healthz`, duration: 1 })
  const health = await measure('GET /healthz (baseline)', { url: `${server.address}/healthz`, duration })
  const create = await measure('POST /v1/hearings (draft)', {
    url: `${server.address}/v1/hearings`,
    duration,
    method: 'POST',
    headers,
    requests: [{
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ councilId: wards[n++ % wards.length], title: `Phiên giải trình số ${n}`, startsAt: '2020-03-12T08:00:00+07:00', endsAt: '2020-03-12T10:00:00+07:00' })
      })
    }]
  })
  const list = await measure('GET /v1/hearings?councilId=…&descendants=true', {
    url: `${server.address}/v1/hearings?councilId=${district}&descendants=true&limit=50`, duration, headers: { authorization: headers.authorization }
  })
  const listPublic = await measure('GET /v1/hearings (anonymous, public)', { url: `${server.address}/v1/hearings?limit=50`, duration })
  console.log(`\nbench:hearings on ${server.engine}, 16 connections, ${duration} s each; hearings in the database at the end: ${n + 48}`)
  printTable([health, create, list, listPublic], health)
} finally {
  server.child.kill('SIGTERM')
  await new Promise((resolve) => server.child.once('exit', resolve))
  await rm(dataDir, { recursive: true, force: true })
  await database.drop()
}
