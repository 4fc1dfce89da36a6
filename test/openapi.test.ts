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
  const document = JSON.parse(await readFile(openApiPath, 'utf8')) as { paths: Record<string, Record<string, { requestBody?: unknown, security?: unknown, responses: Record<string, unknown> }>> }
  const operations = Object.values(document.paths).flatMap((path) => Object.values(path))
  const withBody = operations.filter((op) => op.requestBody)
  const withToken = operations.filter((op) => op.security)
  t.ok(withBody.length > 10 && withToken.length > 20, 'there are such routes')
  t.ok(withBody.every((op) => op.responses['413'] && op.responses['415']), 'every route with a body')
  t.ok(withToken.every((op) => op.responses['429']), 'every route with a token')
})
