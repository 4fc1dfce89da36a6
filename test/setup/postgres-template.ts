import postgres from 'postgres'
import { createPostgres } from '../../src/db/client.js'
import { migrationsHash } from './pglite-template.js'

/** The server URL with another database name. */
export function databaseUrl (name: string): string {
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `/${name}`
  return url.toString()
}

/** The migrated database that test databases are cloned from (CREATE DATABASE … TEMPLATE), one per set of migrations. */
export function templateName (): string {
  return `giaitrinh_template_${migrationsHash()}`
}

/** Made once per run (tap's `before` step); migrating a database costs far more than cloning one. */
export async function ensurePostgresTemplate (): Promise<void> {
  const name = templateName()
  const server = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  try {
    const [existing] = await server`select 1 from pg_database where datname = ${name}`
    if (existing) return
    // Made under another name and renamed when migrated: a template is never half made.
    const building = `${name}_${process.pid}`
    await server.unsafe(`create database "${building}"`)
    const database = createPostgres(databaseUrl(building), 1)
    try {
      await database.migrate()
    } finally {
      await database.close()
    }
    await server.unsafe(`alter database "${building}" rename to "${name}"`)
  } finally {
    await server.end()
  }
}
