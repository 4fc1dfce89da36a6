import t from 'tap'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { migrationsFolder } from '../src/db/migrate.js'

t.test('the migration journal is in order: drizzle skips a migration older than the newest applied', async (t) => {
  const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number, when: number, tag: string }> }
  t.ok(journal.entries.length >= 2)
  for (const [i, entry] of journal.entries.entries()) {
    t.equal(entry.idx, i, `${entry.tag} has index ${i}`)
    if (i > 0) t.ok(entry.when > journal.entries[i - 1]!.when, `${entry.tag} is newer than the one before`)
  }
  const files = (await readdir(migrationsFolder)).filter((name) => name.endsWith('.sql')).sort()
  t.same(files, journal.entries.map((entry) => `${entry.tag}.sql`), 'every SQL file is in the journal and the other way round')
})

t.test('extensions are created by a migration, not at start-up', async (t) => {
  const first = await readFile(join(migrationsFolder, '0000_extensions.sql'), 'utf8')
  t.match(first, /CREATE EXTENSION IF NOT EXISTS btree_gist/)
})
