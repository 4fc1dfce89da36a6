import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pgliteExtensions, wrapPglite } from '../../src/db/client.js'
import { migrationsFolder } from '../../src/db/migrate.js'

/**
 * A fresh PGlite takes seconds to create and migrate; one loaded from a migrated dump about one.
 * The dump is made once per set of migrations (tap's `before` step) and loaded by every test.
 */
/** A hash of the migrations: a template made from other migrations is never used. */
export function migrationsHash (): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(migrationsFolder).filter((name) => name.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(join(migrationsFolder, file)))
  }
  return hash.digest('hex').slice(0, 16)
}

function templatePath (): string {
  return join(process.cwd(), '.tap', `pglite-template-${migrationsHash()}.tar.gz`)
}

export async function ensurePgliteTemplate (): Promise<string> {
  const path = templatePath()
  if (existsSync(path)) return path
  const client = await PGlite.create({ extensions: pgliteExtensions })
  const database = wrapPglite(client)
  await database.migrate()
  const dump = await client.dumpDataDir('gzip')
  await database.close()
  await mkdir(join(process.cwd(), '.tap'), { recursive: true })
  const temporary = `${path}.${process.pid}`
  await writeFile(temporary, Buffer.from(await dump.arrayBuffer()))
  await rename(temporary, path)
  return path
}

/** A new in-memory PGlite with every migration applied. */
export async function openPgliteFromTemplate (): Promise<PGlite> {
  const dump = new Blob([await readFile(await ensurePgliteTemplate())])
  return PGlite.create({ loadDataDir: dump, extensions: pgliteExtensions })
}
