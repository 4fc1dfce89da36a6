// postgres.js 3.4.9 (the newest release) crashes the process when a connection closes while a small
// write is queued: nextWrite() runs on a null socket from a setImmediate, an uncaught TypeError no
// try/catch can see (porsager/postgres#1154, #1208; fixes proposed in #1168, #1176, #1209, none
// released). A database restart or a dropped connection would take the service down. Until a
// release fixes it, npm's "prepare" (every `npm ci`, with or without dev dependencies) applies the
// proposed fix: a write on a closed connection fails its queries with CONNECTION_CLOSED, and
// teardown forgets the write queued for the dead socket. Idempotent; refuses other versions loudly.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const MARK = '/* giaitrinh: closed-socket guard */'
const root = join('node_modules', 'postgres')
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
const files = ['src', 'cjs/src', 'cf/src'].map((dir) => join(root, dir, 'connection.js')).filter(existsSync)

const NEXT_WRITE = 'function nextWrite(fn) {\n    const x = socket.write(chunk, fn)'
const GUARDED = `function nextWrite(fn) {\n    if (socket === null) { ${MARK}\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`
const TEARDOWN = /\n( +)clearImmediate\(nextWriteTimer\)\n/g

let patched = 0
for (const file of files) {
  const text = readFileSync(file, 'utf8')
  if (text.includes(MARK)) continue
  if (!text.includes(NEXT_WRITE)) {
    console.error(`patch-postgres: ${file} (postgres ${version}) does not look as expected; check whether the release fixed porsager/postgres#1154 and drop scripts/patch-postgres.mjs`)
    process.exit(1)
  }
  const fixed = text.replace(NEXT_WRITE, GUARDED).replace(TEARDOWN, (_, indent) => `\n${indent}clearImmediate(nextWriteTimer)\n${indent}nextWriteTimer = null\n${indent}chunk = null\n`)
  writeFileSync(file, fixed)
  patched++
}
console.log(patched > 0 ? `patch-postgres: guarded ${patched} file(s) of postgres ${version} against writes on a closed socket` : `patch-postgres: postgres ${version} already guarded`)
