import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import { openApiPath } from '../src/cli/openapi.js'

t.test('a TypeScript client generated from the contract (openapi-typescript) compiles, and types what the API answers', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'giaitrinh-client-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  const schema = astToString(await openapiTS(new URL(`file://${openApiPath}`)))
  t.match(schema, /operations/, 'operations are generated')
  await writeFile(join(folder, 'schema.ts'), schema)
  // A client's use of it: a hearing's title, a problem's code and detail, a create's Location.
  await writeFile(join(folder, 'client.ts'), `
import type { operations, paths } from './schema.js'
type Hearing = paths['/v1/hearings/{id}']['get']['responses'][200]['content']['application/json']
type Problem = paths['/v1/hearings/{id}']['get']['responses'][404]['content']['application/problem+json']
type Created = operations['postHearings']['responses'][201]
export function describe (hearing: Hearing, problem: Problem, created: Created): string {
  const location: string | undefined = created.headers.Location
  const code: string | undefined = problem.code
  return [hearing.title, hearing.status, problem.detail, code, location].join(' ')
}
`)
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', join(folder, 'client.ts')], { encoding: 'utf8' })
  t.equal(result.status, 0, `tsc: ${result.stdout}${result.stderr}`)
})
