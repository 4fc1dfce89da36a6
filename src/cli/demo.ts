import { loadConfig, publicBaseUrl } from '../config.js'
import { createDatabase } from '../db/client.js'
import { parseOfficeHours } from '../domain/calendar.js'
import { demoCouncilIds, seedDemo } from '../demo/seed.js'
import { consolePath, councilFeedPath, councilPagePath } from '../links/index.js'
import { ensureAdminUser } from '../services/accounts.js'

/** The demo's administrator when ADMIN_EMAIL is not set (an address of the reserved .example domain). */
const DEMO_ADMIN = 'quantri@giaitrinh.example'

/** Loads the Đống Đa demo (idempotently), says what to open, then starts the service on the same database. */
const config = loadConfig()
const database = await createDatabase(config)
try {
  await database.migrate()
  const { inserted } = await seedDemo(database.db, { officeHours: parseOfficeHours(config.OFFICE_HOURS) })
  console.log(inserted > 0 ? `demo data loaded (${inserted} records)` : 'demo data already present')
  const ids = await demoCouncilIds(database.db)
  const adminEmail = config.ADMIN_EMAIL ?? DEMO_ADMIN
  await ensureAdminUser(database.db, adminEmail, new Date())
  // PORT=0 lets the system pick: the service's ready line then names the port.
  const base = publicBaseUrl(config, config.PORT)
  console.log(`
What to open once the service is ready:
  Dashboard, Đống Đa 2019:   ${base}/dashboard/coverage?councilId=${ids['dong-da']}&year=2019
  Đống Đa's public page:     ${base}${councilPagePath('dong-da')}?descendants=true
  Secretariat's console:     ${base}${consolePath()}
  Calendar feed (Đống Đa and its wards, for Google/Outlook/Apple Calendar):
                             ${base}${councilFeedPath(ids['dong-da']!, true)}
  API documentation:         ${base}/docs
Sign in at ${base}/signin as the administrator ${adminEmail}: ${config.SMTP_URL ? 'the link is e-mailed to that address' : `without SMTP_URL the e-mail is written to ${config.DATA_DIR === 'memory://' ? 'the system\'s temporary folder' : `${config.DATA_DIR}/mail`}: open the newest .eml file (or copy the /signin/… link in it)`}.
Add a ward's staff with: npm run user -- add --email <address> --name "<name>" --role secretariat --council <code>
Programs use API tokens: npm run token -- create --role supervisor --council dong-da --name "Ban Pháp chế"
`)
} finally {
  await database.close()
}
await import('../server.js')
