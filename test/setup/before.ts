import { ensurePgliteTemplate } from './pglite-template.js'

// tap runs this once before the test files: build the migrated PGlite template they load.
if (!process.env.DATABASE_URL) await ensurePgliteTemplate()
