// Compiles src/ into a clean dist/, so that `npm start` only runs JavaScript.
// `npm run build` always compiles. npm runs it with --if-possible after `npm ci` / `npm install`
// (the "prepare" script): a production install (`npm ci --omit=dev`) has no TypeScript and keeps
// the dist/ built before it.
import { cpSync, existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { spawnSync } from 'node:child_process'

const ifPossible = process.argv.includes('--if-possible')
const require = createRequire(import.meta.url)
let tsc
try {
  tsc = require.resolve('typescript/bin/tsc')
} catch {
  if (ifPossible && existsSync('dist/server.js')) {
    console.log('build: TypeScript is not installed (a production install); keeping the dist/ built before.')
    process.exit(0)
  }
  console.error('build: TypeScript is not installed. Install with dev dependencies (`npm ci`), then `npm run build`.')
  process.exit(1)
}
rmSync('dist', { recursive: true, force: true })
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
// The pages' templates are read at run time, next to the compiled code.
if (result.status === 0) cpSync('src/pages/templates', 'dist/pages/templates', { recursive: true })
process.exit(result.status ?? 1)
