import t from 'tap'
import { readFile } from 'node:fs/promises'
import { build, call } from './helper.js'
import { openApiPath, renderOpenApi } from '../src/cli/openapi.js'

t.test('openapi/openapi.json is what the app generates; regenerate with `npm run openapi`', async (t) => {
  const checkedIn = await readFile(openApiPath, 'utf8')
  t.equal(checkedIn, await renderOpenApi(), 'openapi/openapi.json is stale: run `npm run openapi` and commit it')
})

t.test('the running app serves the same document at /openapi.json, and Swagger UI at /docs', async (t) => {
  const { app } = await build(t)
  const served = await call(app, { method: 'GET', url: '/openapi.json' })
  t.equal(served.status, 200)
  t.same(served.body, JSON.parse(await readFile(openApiPath, 'utf8')))
  t.equal(served.body.openapi, '3.1.0')
  t.ok(served.body.components.schemas.Council, 'shared schemas are named components')
  t.ok(served.body.components.schemas.Problem)
  t.ok(served.body.paths['/feeds/councils/{councilId}.ics'], 'feeds are in the document too')
  t.ok(served.body.paths['/feeds/councils/{councilId}.ics'].get.responses['200'].content['text/calendar'])
  for (const [path, methods] of Object.entries(served.body.paths as Record<string, Record<string, { tags?: string[], responses: Record<string, unknown> }>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      t.ok(operation.tags?.length, `${method} ${path} has tags`)
      t.ok(Object.keys(operation.responses).some((code) => /^[45]/.test(code)) || path === '/healthz', `${method} ${path} declares its error responses`)
    }
  }
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger/i)
})

t.test('the document lists what any route of a kind may answer: 413 and 415 with a body, 429 with a token', async (t) => {
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { paths: Record<string, Record<string, { requestBody?: unknown, security?: Array<Record<string, unknown>>, responses: Record<string, unknown> }>> }
  const operations = Object.values(document.paths).flatMap((path) => Object.values(path))
  const withBody = operations.filter((op) => op.requestBody)
  // A public operation says so with security: [] (or [{}] beside the token where a token shows more).
  const withToken = operations.filter((op) => op.security?.length && op.security.every((requirement) => Object.keys(requirement).length > 0))
  t.ok(withBody.length > 10 && withToken.length > 20, 'there are such routes')
  t.ok(withBody.every((op) => op.responses['413'] && op.responses['415']), 'every route with a body')
  t.ok(withToken.every((op) => op.responses['429']), 'every route with a token')
})

t.test('the contract reads clean: an id and a summary for every operation, errors as problem+json, no 500, the headers clients rely on', async (t) => {
  type Response = { content?: Record<string, unknown>, headers?: Record<string, unknown> }
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { servers: unknown[], paths: Record<string, Record<string, { operationId?: string, summary?: string, security?: unknown[], responses: Record<string, Response> }>> }
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, ...op })))
  const ids = operations.map((op) => op.operationId)
  t.ok(ids.every(Boolean), 'every operation has an operationId')
  t.equal(new Set(ids).size, ids.length, 'and they are unique')
  t.same(operations.filter((op) => !op.summary).map((op) => op.name), [], 'every operation has a summary')
  t.same(operations.filter((op) => !op.security).map((op) => op.name), [], 'every operation says who may call it (security: [] when public)')
  t.same(operations.filter((op) => op.responses['500']).map((op) => op.name), [], 'no operation documents a 500')
  const errors = operations.flatMap((op) => Object.entries(op.responses).filter(([code]) => Number(code) >= 400).map(([code, response]) => ({ name: `${op.name} ${code}`, response })))
  t.same(errors.filter(({ response }) => !response.content?.['application/problem+json'] || response.content['application/json']).map((e) => e.name), [], 'every error is documented as application/problem+json')
  const has = (path: string, method: string, code: string, header: string) => Boolean(document.paths[path]?.[method]?.responses[code]?.headers?.[header])
  t.ok(has('/v1/hearings', 'post', '201', 'Location'), 'Location on a create')
  t.ok(has('/v1/hearings', 'post', '201', 'Idempotent-Replayed'), 'Idempotent-Replayed on a write with a key')
  t.ok(has('/v1/hearings/{id}', 'get', '200', 'ETag'), 'ETag on a hearing')
  t.ok(has('/feeds/councils/{councilId}.ics', 'get', '200', 'ETag') && has('/feeds/councils/{councilId}.ics', 'get', '200', 'Last-Modified'), 'ETag and Last-Modified on feeds')
  t.ok(has('/v1/hearings', 'post', '429', 'Retry-After') && has('/v1/hearings', 'post', '503', 'Retry-After'), 'Retry-After on 429 and 503')
  t.ok(document.servers.length, 'a server')
})

t.test('unknown query parameters are refused on every API route, also where a route takes none', async (t) => {
  const { app } = await build(t)
  for (const url of ['/v1/notice-rules?x=1', '/v1/councils/00000000-0000-4000-8000-000000000000?x=1', '/healthz?x=1']) {
    const response = await call(app, { method: 'GET', url })
    t.equal(response.status, 400, url)
    t.match(response.body, { code: 'REQUEST_INVALID', errors: [{ field: 'querystring/x' }] }, `${url}: names the parameter`)
  }
  t.equal((await call(app, { method: 'GET', url: '/v1/notice-rules' })).status, 200, 'without it, answered')
})
