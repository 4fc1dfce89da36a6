// Builds tap's Test class for the plugins package.json names (tsx instead of ts-node: see "tap"
// there). tap rebuilds it on its own when the list changes, but only after the run that noticed has
// chosen its loaders: built here at install, the first `npm test` of a fresh clone is as fast as
// the next. A production install has no tap: nothing to do.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const tap = 'node_modules/tap/dist/esm/run.mjs'
if (!existsSync(tap)) process.exit(0)
const result = spawnSync(process.execPath, [tap, 'build'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
