import t from 'tap'
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { Ajv2020 } from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import { ADMIN_TOKEN, SECRET_KEY, admin } from './helper.js'
import { startServer } from './process.js'
import { openApiPath } from '../src/cli/openapi.js'

/**
 * A property-based fuzz test generated from openapi/openapi.json: every operation, with generated
 * path, query, header and body values (valid, edge and junk), as every kind of caller. The service
 * must never answer 5xx, every error must be problem+json, every JSON success must match its
 * documented schema, and no request may block the event loop. Bounded in time; seeded (FUZZ_SEED).
 */
type Schema = Record<string, any>
interface Operation { method: string, path: string, parameters?: Array<{ in: string, name: string, schema: Schema, required?: boolean }>, requestBody?: { content: Record<string, { schema: Schema }> }, responses: Record<string, { content?: Record<string, { schema: Schema }> }> }

const SEED = Number(process.env.FUZZ_SEED ?? 20261128)
/** Requests per operation and kind of caller. */
const RUNS_PER_CALLER = Number(process.env.FUZZ_RUNS ?? 8)

t.test('fuzzing every operation of openapi.json as every kind of caller: no 5xx, problem+json errors, documented responses, a responsive event loop', async (t) => {
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, Schema> } }
  const service = await startServer({ DATA_DIR: 'memory://', ADMIN_TOKEN, SECRET_KEY, AUTH_FAILURES_PER_MINUTE: '100000', LOG_LEVEL: 'info' }, 60_000, 'test/fuzz-service.ts')
  t.teardown(() => service.stop())
  const send = async (method: string, url: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await fetch(`${service.address}${url}`, {
      method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() }
  }
  const made = async (method: string, url: string, body?: unknown) => {
    const response = await send(method, url, admin, body)
    if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${response.text}`)
    return JSON.parse(response.text)
  }
  const council = (code: string, level: string, parentId: string | null) => made('POST', '/v1/councils', { code, name: `HĐND ${code}`, level, parentId, activeFrom: '2016-07-01' })
  const city = await council('ha-noi', 'city', null)
  const district = await council('dong-da', 'district', city.id)
  const wardA = await council('cat-linh', 'ward', district.id)
  const otherWard = await council('cong-vi', 'ward', city.id)
  const person = await made('POST', '/v1/people', { fullName: 'Đặng Văn Phúc', kind: 'official', ownerCouncilId: wardA.id })
  const hearing = await made('POST', '/v1/hearings', { councilId: wardA.id, title: 'Phiên (MẬT)', visibility: 'restricted', status: 'scheduled', startsAt: '2027-01-14T08:00:00+07:00', endsAt: '2027-01-14T10:00:00+07:00' })
  const invited = await made('POST', `/v1/hearings/${hearing.id}/participants`, { personId: person.id, role: 'explainer' })
  const member = await made('POST', `/v1/councils/${wardA.id}/members`, { personId: person.id, role: 'delegate', startsOn: '2026-01-01' })
  const feedLink = await made('POST', `/v1/people/${person.id}/feed-link`)
  const token = async (role: string, councilId: string) => ({ authorization: `Bearer ${(await made('POST', '/v1/tokens', { name: role, role, councilId })).secret as string}` })
  const callers: Record<string, Record<string, string>> = {
    anonymous: {},
    admin,
    secretariat: await token('secretariat', wardA.id),
    supervisor: await token('supervisor', district.id),
    foreign: await token('secretariat', otherWard.id)
  }
  const ids: string[] = [city.id, district.id, wardA.id, otherWard.id, person.id, hearing.id, invited.participant.id, member.id]
  const secrets = [invited.invitationToken as string, new URL(feedLink.url as string).pathname.split('/').pop()!.replace('.ics', '')]

  const ajv = new Ajv2020({ strict: false, allErrors: false })
  formats.default(ajv)
  for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`)
  const resolve = (schema: Schema): Schema => schema.$ref ? resolve(document.components.schemas[String(schema.$ref).split('/').pop()!]!) : schema

  const junk = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }))
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('Phường Cát Linh', 'Nguyễn Thị Hương', '', '   ', 'a\u0000b', '\ud800', '=HYPERLINK("x")', '<script>alert(1)</script>', 'x'.repeat(5000), `${'a'.repeat(100_000)}\u0001`)
  )
  const dates = fc.oneof(fc.integer({ min: 1, max: 9999 }).chain((year) => fc.constant(`${String(year).padStart(4, '0')}-01-01`)), fc.constantFrom('2026-12-17', '2199-12-31', '2026-02-30', 'yesterday'))
  const times = fc.oneof(dates.map((d) => `${d}T08:00:00+07:00`), fc.constantFrom('2026-12-17T08:00:00Z', '2026-12-31T23:59:60Z', '2626-03-05T08:00:00+07:00', '0001-01-01T00:00:00Z'))

  function arbitrary (raw: Schema, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(raw)
    const options: Array<fc.Arbitrary<unknown>> = []
    if (schema.anyOf) options.push(...(schema.anyOf as Schema[]).map((s) => arbitrary(s, depth)))
    else if (schema.enum) options.push(fc.constantFrom(...(schema.enum as unknown[])))
    else if (schema.type === 'string' && schema.format === 'uuid') options.push(fc.constantFrom(...ids), fc.uuid())
    else if (schema.type === 'string' && schema.format === 'date') options.push(dates)
    else if (schema.type === 'string' && schema.format === 'date-time') options.push(times)
    else if (schema.type === 'string') options.push(text)
    else if (schema.type === 'integer' || schema.type === 'number') options.push(fc.integer({ min: -10, max: 3000 }), fc.constantFrom(0, 2019, 2100, 1e15, -1, 0.5))
    else if (schema.type === 'boolean') options.push(fc.boolean())
    else if (schema.type === 'null') options.push(fc.constant(null))
    else if (schema.type === 'array') options.push(fc.array(arbitrary(schema.items ?? {}, depth + 1), { maxLength: 3 }))
    else if (schema.type === 'object' && depth < 3) {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, arbitrary(value as Schema, depth + 1)]))
      options.push(fc.record(properties, { requiredKeys: [] }), fc.tuple(fc.record(properties, { requiredKeys: [] }), fc.string({ minLength: 1, maxLength: 8 })).map(([value, extra]) => ({ ...value, [`x${extra}`]: 1 })))
    }
    return options.length ? fc.oneof({ weight: 9, arbitrary: fc.oneof(...options) }, { weight: 1, arbitrary: junk }) : junk
  }
  const pathValue = (name: string) => name === 'token'
    ? fc.oneof(fc.constantFrom(...secrets), fc.constantFrom('gt_dead', 'x'.repeat(300)))
    : name === 'day' ? dates : fc.oneof(fc.constantFrom(...ids), fc.uuid(), fc.constantFrom('not-a-uuid', '..', 'Đống Đa', '%00'))
  const stringify = (value: unknown) => typeof value === 'string' ? value : JSON.stringify(value)

  const healthz: number[] = []
  const probing = { on: true }
  const probe = (async () => {
    while (probing.on) {
      const started = performance.now()
      const response = await fetch(`${service.address}/healthz`)
      await response.arrayBuffer()
      if (response.status === 200) healthz.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  })()

  const failures: string[] = []
  let requests = 0
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? []
      for (const caller of Object.keys(callers)) {
        const request = fc.record({
          path: fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(p.name)]))),
          query: fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, arbitrary(p.schema)])), { requiredKeys: [] }),
          headers: fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'header').map((p) => [p.name, fc.oneof(fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constant('*'))])), { requiredKeys: [] }),
          body: operation.requestBody ? arbitrary(operation.requestBody.content['application/json']!.schema) : fc.constant(undefined)
        })
        await fc.assert(fc.asyncProperty(request, async ({ path, query, headers, body }) => {
          requests++
          const url = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(path[name])))
          const search = new URLSearchParams()
          for (const [key, value] of Object.entries(query)) search.append(key, stringify(value))
          const response = await send(method.toUpperCase(), `${url}${search.size ? `?${search}` : ''}`, { ...callers[caller], ...headers as Record<string, string> }, body)
          const label = `${method.toUpperCase()} ${url} as ${caller} → ${response.status}`
          const type = response.type
          if (response.status >= 500) failures.push(`${label}: ${response.text.slice(0, 300)}`)
          else if (response.status >= 400 && !type.startsWith('application/problem+json')) failures.push(`${label}: not problem+json (${type})`)
          else if (response.status < 300 && type.startsWith('application/json')) {
            const documented = operation.responses[String(response.status)]?.content?.['application/json']?.schema
            if (!documented) failures.push(`${label}: status not documented`)
            else if (!ajv.validate(documented, JSON.parse(response.text))) failures.push(`${label}: ${ajv.errorsText(ajv.errors)}`)
          }
          return true
        }), { numRuns: RUNS_PER_CALLER, seed: SEED, endOnFailure: true })
      }
    }
  }
  probing.on = false
  await probe
  await service.stop()
  const loop = JSON.parse(service.output().split('\n').find((line) => line.includes('event loop delay'))!) as { p99: number, max: number }
  healthz.sort((a, b) => a - b)
  const p99 = healthz[Math.floor(healthz.length * 0.99)] ?? 0
  t.comment(`seed ${SEED}: ${requests} requests; service's event-loop delay p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms; /healthz p99 ${p99.toFixed(1)} ms over ${healthz.length} probes`)
  t.ok(requests >= Object.values(document.paths).flatMap((m) => Object.keys(m)).length * Object.keys(callers).length * RUNS_PER_CALLER, 'every operation was fuzzed as every kind of caller')
  t.same(failures.slice(0, 20), [], 'no 5xx, every error problem+json, every JSON success as documented')
  t.ok(loop.p99 < 200, 'the service\'s event-loop delay p99 is under 200 ms')
  t.ok(healthz.length > 10 && p99 < 200, '/healthz answered within 200 ms (p99) throughout')
})
