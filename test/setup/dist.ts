import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function newest (folder: string): number {
  let latest = 0
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

/**
 * Tests that start the service as a process run the built dist/, as production does (and without
 * a TypeScript loader's second or two per process). `npm ci` builds it; after an edit of src/ the
 * suite builds it again before it starts.
 */
export function ensureBuilt (): void {
  let built = 0
  try { built = statSync('dist/server.js').mtimeMs } catch {}
  if (built > Math.max(newest('src'), statSync('package.json').mtimeMs)) return
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error('npm run build failed: the tests that start the service need dist/')
}
