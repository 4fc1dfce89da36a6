import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

export interface Running {
  child: ChildProcess
  address: string
  readyMs: number
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/**
 * Starts a program of the service in its own process from the built dist/, as `npm start` does
 * (tap's `before` step builds dist/ when src/ is newer). Named by its source, e.g. src/cli/token.ts;
 * a test's own program outside src/ runs through tsx.
 */
export function spawnServer (env: Record<string, string>, script = 'src/server.ts', args: string[] = []): ChildProcess {
  // A test's own program (e.g. test/fuzz-service.ts) is not built: tsx loads it.
  const command = script.startsWith('src/') ? [script.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')] : ['--import', 'tsx', script]
  return spawn(process.execPath, [...command, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: process.env.TZ ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** Waits for the "ready" log line and returns the address; rejects if the process exits first. */
export async function startServer (env: Record<string, string>, timeoutMs = 60_000, script?: string): Promise<Running> {
  const child = spawnServer(env, script)
  let output = ''
  child.stdout!.setEncoding('utf8')
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => { output += chunk })
  const ready = await new Promise<{ address: string, readyMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms:\n${output}`)), timeoutMs)
    child.stdout!.on('data', (chunk: string) => {
      output += chunk
      for (const line of output.split('\n')) {
        if (line.includes('giaitrinh is ready')) {
          clearTimeout(timer)
          const entry = JSON.parse(line) as { address: string, readyMs: number }
          resolve({ address: entry.address, readyMs: entry.readyMs })
        }
      }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready:\n${output}`)) })
  })
  return {
    child,
    ...ready,
    output: () => output,
    async stop (signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill(signal)
      const [code] = await once(child, 'exit') as [number | null]
      return code
    }
  }
}

/** Runs a process to its end and returns its exit code and output. */
export async function runToExit (child: ChildProcess): Promise<{ code: number | null, output: string }> {
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, output }
}
