import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { hostname } from 'node:os'

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError'
  readonly code = 'GT_DATA_DIR_BUSY'
}

interface LockOwner { pid: number, host: string }

/**
 * PGlite has no lock of its own, and two processes on one data directory corrupt it.
 * A lock file created with O_EXCL names the owning process; a lock left by a dead process is taken over.
 */
export function acquireDataDirLock (dataDir: string): { release(): void } {
  const path = join(dataDir, 'giaitrinh.lock')
  const me: LockOwner = { pid: process.pid, host: hostname() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, JSON.stringify(me))
      closeSync(fd)
      let released = false
      return {
        release () {
          if (released) return
          released = true
          try { unlinkSync(path) } catch { /* already gone: nothing to release */ }
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = readOwner(path)
      // An unreadable lock is one being written right now by another process: held.
      if (!owner || isAlive(owner)) {
        const who = owner ? `process ${owner.pid} on ${owner.host}` : `another process (lock file ${path})`
        throw new DataDirBusyError(
          `The data directory ${dataDir} is in use by ${who}. ` +
          'PGlite allows one process per data directory: stop that process, or set DATA_DIR to another ' +
          'directory, or use PostgreSQL (DATABASE_URL) to run several processes.'
        )
      }
      // The owner is gone (crash or kill -9): the lock is stale.
      try { unlinkSync(path) } catch { /* another process took it over first; retry decides */ }
    }
  }
  throw new DataDirBusyError(`Could not lock the data directory ${dataDir}: another process is starting on it.`)
}

function readOwner (path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner
    return typeof owner.pid === 'number' ? owner : undefined
  } catch {
    return undefined
  }
}

function isAlive (owner: LockOwner): boolean {
  // A lock written on another host (a shared volume) cannot be checked from here: treat it as held.
  if (owner.host !== hostname()) return true
  if (owner.pid === process.pid) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
