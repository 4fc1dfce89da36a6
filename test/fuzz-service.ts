// The service as the fuzz test runs it: the same buildApp, in a process of its own, measuring its
// own event-loop delay while it serves, and printing it when asked to stop.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'

const loop = monitorEventLoopDelay({ resolution: 10 })
const app = await buildApp(loadConfig())
const address = await app.listen({ port: 0, host: '127.0.0.1' })
loop.enable()
console.log(JSON.stringify({ msg: 'giaitrinh is ready', address }))
process.once('SIGTERM', () => {
  loop.disable()
  console.log(JSON.stringify({ msg: 'event loop delay', p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 }))
  app.close().then(() => process.exit(0), () => process.exit(1))
})
