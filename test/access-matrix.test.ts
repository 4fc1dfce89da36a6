import t from 'tap'
import { readFile } from 'node:fs/promises'
import { admin, build, call, seedHierarchy, tokenFor } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { openApiPath } from '../src/cli/openapi.js'

/**
 * A wrong-token matrix generated from openapi/openapi.json: every operation with an id in its path,
 * pointed at ward A's private records, as tokens of other councils (a sibling ward's secretariat,
 * another district's supervisor and secretariat). Bodies are valid, so that access, not
 * validation, decides. No such call may succeed on a route that needs a token, and no answer at
 * all may carry ward A's private data.
 */
type Schema = Record<string, any>
interface Operation { security?: unknown[], parameters?: Array<{ in: string, name: string }>, requestBody?: { content: Record<string, { schema: Schema }> } }

t.test('tokens of other councils reach none of ward A\'s private records, through any route with an id', async (t) => {
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, Schema> } }
  const { app } = await build(t, { config: { AUTH_FAILURES_PER_MINUTE: '100000' } })
  const h = await seedHierarchy(app)
  const wardA = await tokenFor(app, 'secretariat', h.wardA.id)
  const marker = { email: 'mat.khau.rieng@catlinh.example', phone: '0912 345 678', title: 'Kỷ luật cán bộ X (MẬT)' }
  const person = await call(app, { method: 'POST', url: '/v1/people', headers: wardA.headers, payload: { fullName: 'Lưu Thị Kín', kind: 'official', email: marker.email, phone: marker.phone } })
  const hearing = await createHearing(app, { councilId: h.wardA.id, title: marker.title, visibility: 'restricted', status: 'scheduled', ...slotAt('2026-12-17') }, wardA.headers)
  const participant = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: wardA.headers, payload: { personId: person.body.id, role: 'explainer' } })
  const membership = await call(app, { method: 'POST', url: `/v1/councils/${h.wardA.id}/members`, headers: wardA.headers, payload: { personId: person.body.id, role: 'delegate', startsOn: '2026-01-01' } })
  t.equal(membership.status, 201)
  const foreign = {
    'sibling ward secretariat': (await tokenFor(app, 'secretariat', h.wardB.id)).headers,
    'other district supervisor': (await tokenFor(app, 'supervisor', h.otherDistrict.id)).headers,
    'other ward secretariat': (await tokenFor(app, 'secretariat', h.otherWard.id)).headers
  }
  const idFor = (path: string, name: string): string => {
    if (name === 'membershipId') return membership.body.id
    if (name === 'participantId') return participant.body.participant.id
    if (name === 'councilId') return h.wardA.id
    if (path.startsWith('/v1/councils')) return h.wardA.id
    if (path.startsWith('/v1/people')) return person.body.id
    if (path.startsWith('/v1/hearings')) return hearing.id
    if (path.startsWith('/v1/tokens')) return wardA.id
    return h.wardA.id
  }

  /** A minimal valid value for a schema: required properties only, sensible values by format. */
  const resolve = (schema: Schema): Schema => schema.$ref ? resolve(document.components.schemas[String(schema.$ref).split('/').pop()!]!) : schema
  function valid (raw: Schema): unknown {
    const schema = resolve(raw)
    if (schema.anyOf) return valid(schema.anyOf[0])
    if (schema.enum) return schema.enum[0]
    if (schema.type === 'string') {
      if (schema.format === 'uuid') return person.body.id
      if (schema.format === 'date') return '2026-12-01'
      if (schema.format === 'date-time') return '2026-12-18T08:00:00+07:00'
      return 'Giá trị thử'
    }
    if (schema.type === 'integer' || schema.type === 'number') return Math.max(1, schema.minimum ?? 1)
    if (schema.type === 'boolean') return false
    if (schema.type === 'array') return []
    if (schema.type === 'object') {
      const keys = [...(schema.required ?? [])] as string[]
      if (keys.length === 0 && schema.minProperties && schema.properties) keys.push(Object.keys(schema.properties)[0]!)
      return Object.fromEntries(keys.map((key) => [key, valid(schema.properties[key])]))
    }
    return null
  }

  let checked = 0
  const leaks: string[] = []
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path' && ['id', 'membershipId', 'participantId', 'councilId'].includes(p.name))
      if (pathParams.length === 0) continue
      const url = template.replace(/\{(\w+)\}/g, (_, name: string) => idFor(template, name))
      const body = operation.requestBody ? valid(operation.requestBody.content['application/json']!.schema) : undefined
      for (const [who, headers] of Object.entries(foreign)) {
        const response = await app.inject({ method: method.toUpperCase() as 'GET', url, headers: { ...headers, 'if-match': '*' }, ...(body === undefined ? {} : { payload: body as object }) })
        checked++
        const label = `${method.toUpperCase()} ${template} as ${who} → ${response.statusCode}`
        const secured = Array.isArray(operation.security) && operation.security.length > 0 && operation.security.every((requirement) => Object.keys(requirement as object).length > 0)
        if (secured && response.statusCode < 300) leaks.push(`${label}: succeeded`)
        if (Object.values(marker).some((value) => response.body.includes(value))) leaks.push(`${label}: carries ward A's private data`)
        if (response.statusCode >= 500) leaks.push(`${label}: ${response.body.slice(0, 200)}`)
      }
    }
  }
  t.ok(checked > 60, `${checked} calls across the routes with an id`)
  t.same(leaks, [], '0 leaks')
  // The records are still what they were: nothing a foreign token sent changed them.
  const after = await call(app, { method: 'GET', url: `/v1/people/${person.body.id}`, headers: admin })
  t.match(after.body, { fullName: 'Lưu Thị Kín', email: marker.email })
  t.equal((await call(app, { method: 'GET', url: `/v1/hearings/${hearing.id}`, headers: admin })).body.status, 'scheduled')
})
