/**
 * Start-up to ready on an existing PGlite data directory, against a bare process that opens the
 * same directory with PGlite and answers one query (bench/bare-pglite.mjs), measured in the same
 * run, alternating. Runs the built service (dist/), as `npm start` does. Goal: at most 2x.
 *   npm run bench:startup [-- --runs 7]
 */
import { execSync, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } })
const runs = Number(values.runs)

/** Milliseconds from spawn to the first 200 from /readyz. */
async function timeToReady (script: string, env: Record<string, string>): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, [script], { cwd: root, env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const line = output.split('\n').find((l) => l.includes('giaitrinh is ready'))
      if (line) resolve((JSON.parse(line) as { address: string }).address)
    })
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  const response = await fetch(`${address}/readyz`)
  if (response.status !== 200) throw new Error(`readyz answered ${response.status}`)
  const elapsed = performance.now() - started
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  return elapsed
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

execSync('npm run -s build', { cwd: root, stdio: 'inherit' })
const dataDir = await mkdtemp(join(tmpdir(), 'giaitrinh-bench-'))
try {
  const env = { DATA_DIR: dataDir }
  const fresh = await timeToReady('dist/server.js', env)
  const baseline: number[] = []
  const existing: number[] = []
  for (let i = 0; i < runs; i++) {
    baseline.push(await timeToReady('bench/bare-pglite.mjs', env))
    existing.push(await timeToReady('dist/server.js', env))
  }
  const b = median(baseline)
  const e = median(existing)
  console.log(`start-up to ready (median of ${runs}, ms):`)
  console.log(`  bare PGlite process, same dir (baseline) ${b.toFixed(0).padStart(4)}`)
  console.log(`  giaitrinh, existing PGlite data dir      ${e.toFixed(0).padStart(4)}   ratio ${(e / b).toFixed(2)}x baseline (goal: at most 2x)`)
  console.log(`  giaitrinh, first start (new data dir)    ${fresh.toFixed(0).padStart(4)}   ratio ${(fresh / b).toFixed(2)}x baseline (one run, includes migrations)`)
} finally {
  await rm(dataDir, { recursive: true, force: true })
}
