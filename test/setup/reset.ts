import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client.js'

type Row = Record<string, unknown>

/** Rows of a raw query, whichever driver answered (PGlite gives `{ rows }`, postgres.js an array). */
async function rows (database: Database, query: string): Promise<Row[]> {
  const result = await database.db.execute(sql.raw(query)) as unknown as Row[] | { rows: Row[] }
  return Array.isArray(result) ? result : result.rows
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

export interface Snapshot {
  tables: string[]
  /** What the migrations put in (e.g. the notice rules), as JSON per table, put back after each reset. */
  seeded: Array<{ table: string, json: string }>
}

/** Reads what a freshly migrated database holds, to return to it between tests. */
export async function snapshot (database: Database): Promise<Snapshot> {
  const tables = (await rows(database, "select tablename from pg_tables where schemaname = 'public' order by tablename"))
    .map((row) => String(row.tablename))
  const seeded: Snapshot['seeded'] = []
  for (const table of tables) {
    const [row] = await rows(database, `select coalesce(json_agg(t), '[]')::text as json, count(*)::int as n from ${quote(table)} t`)
    if (Number(row!.n) > 0) seeded.push({ table, json: String(row!.json) })
  }
  return { tables, seeded }
}

/**
 * Returns a database to the state its migrations left (every table emptied, sequences restarted,
 * the migrations' own rows put back), in one transaction: a test file reuses one database for its
 * subtests instead of loading a new one for each.
 */
export async function reset (database: Database, state: Snapshot): Promise<void> {
  const statements = [`truncate ${state.tables.map(quote).join(', ')} restart identity cascade`]
  for (const { table, json } of state.seeded) {
    statements.push(`insert into ${quote(table)} select * from json_populate_recordset(null::${quote(table)}, '${json.replaceAll("'", "''")}'::json)`)
  }
  await database.db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement))
  })
}
