import { ensurePgliteTemplate } from './pglite-template.js'
import { ensurePostgresTemplate } from './postgres-template.js'

// tap runs this once before the test files: build the migrated template that they load or clone.
if (process.env.DATABASE_URL) await ensurePostgresTemplate()
else await ensurePgliteTemplate()
