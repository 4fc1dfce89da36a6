import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import postgres from 'postgres'

const root = fileURLToPath(new URL('..', import.meta.url))

/** With DATABASE_URL (a server), a fresh database of its own, dropped at the end; otherwise PGlite. */
export async function benchDatabase (): Promise<{ env: Record<string, string>, drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) return { env: {}, drop: async () => {} }
  const name = `giaitrinh_bench_${process.pid}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
      await admin.end()
    }
  }
}

/** The service (bench/serve.ts) in a process of its own. */
export async function startBenchServer (env: Record<string, string>): Promise<{ address: string, engine?: string, child: ChildProcess }> {
  // BENCH_PROFILE=<folder>: the service writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
  return startListener([...profile, '--import', 'tsx', 'bench/serve.ts'], env)
}

/** `node <args>` in a process of its own, until it prints its {"msg":"giaitrinh is ready","address":…} line. */
export async function startListener (args: string[], env: Record<string, string> = {}): Promise<{ address: string, engine?: string, child: ChildProcess }> {
  const child = spawn(process.execPath, args, {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit']
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const read = (chunk: string) => {
      output += chunk
      const line = output.split('\n').find((l) => l.includes('giaitrinh is ready'))
      if (!line) return
      // From here on its log lines (request logs, with LOG_LEVEL=info) are read and dropped.
      child.stdout!.off('data', read).resume()
      resolve({ ...(JSON.parse(line) as { address: string, engine?: string }), child })
    }
    child.stdout!.setEncoding('utf8').on('data', read)
    child.once('exit', (code) => reject(new Error(`node ${args.join(' ')} exited with ${code}`)))
  })
}

export interface Figures { label: string, requests: number, rps: number, p50: number, p99: number, mean: number, non2xx: number, cpuPerRequest?: number | undefined }

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 1/100 s).
 * Undefined where there is no /proc.
 */
export function cpuSeconds (pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

/**
 * Runs autocannon. With `server`, also the CPU time that process spent per request (µs): a figure
 * that load elsewhere on the machine disturbs less than requests per second.
 */
export async function measure (label: string, options: autocannon.Options, server?: number): Promise<Figures> {
  const before = cpuSeconds(server)
  const result = await autocannon({ connections: 16, duration: 5, ...options })
  const after = cpuSeconds(server)
  return {
    cpuPerRequest: before !== undefined && after !== undefined ? (after - before) * 1e6 / result.requests.total : undefined,
    label,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    // 304 is a success here: count what failed (4xx, 5xx, socket errors, time-outs).
    non2xx: result['4xx'] + result['5xx'] + result.errors + result.timeouts
  }
}

/**
 * Latency in ms as autocannon reports it (whole ms for median and p99, so a sub-millisecond baseline
 * shows as 0 or 1); the ratios use the mean latency and the throughput, which keep their precision.
 */
export function printTable (rows: Figures[], baseline: Figures): void {
  const pad = (text: string | number, width: number) => String(text).padStart(width)
  console.log(`${'path'.padEnd(46)}${pad('req/s', 8)}${pad('median', 8)}${pad('p99', 7)}${pad('mean', 8)}${pad('errors', 8)}${pad('mean÷base', 11)}${pad('base÷req/s', 12)}`)
  for (const row of rows) {
    console.log(`${row.label.padEnd(46)}${pad(row.rps.toFixed(0), 8)}${pad(row.p50, 8)}${pad(row.p99, 7)}${pad(row.mean.toFixed(2), 8)}${pad(row.non2xx, 8)}` +
      `${pad(`${(row.mean / baseline.mean).toFixed(1)}x`, 11)}${pad(`${(baseline.rps / row.rps).toFixed(1)}x`, 12)}`)
  }
}
