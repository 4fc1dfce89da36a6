import { ensureBuilt } from './dist.js'
import { ensurePgliteTemplate } from './pglite-template.js'
import { ensurePostgresTemplate } from './postgres-template.js'

// tap runs this once before the test files: the built dist/ that process tests start, and the
// migrated template database that the others load or clone.
ensureBuilt()
if (process.env.DATABASE_URL) await ensurePostgresTemplate()
else await ensurePgliteTemplate()
