import { loadConfig, publicBaseUrl } from '../config.js'
import { createDatabase } from '../db/client.js'
import { parseOfficeHours } from '../domain/calendar.js'
import { demoCouncilIds, seedDemo } from '../demo/seed.js'
import { consolePath, councilFeedPath, councilPagePath } from '../links/index.js'

/** Loads the Đống Đa demo (idempotently), says what to open, then starts the service on the same database. */
const config = loadConfig()
const database = await createDatabase(config)
try {
  await database.migrate()
  const { inserted } = await seedDemo(database.db, { officeHours: parseOfficeHours(config.OFFICE_HOURS) })
  console.log(inserted > 0 ? `demo data loaded (${inserted} records)` : 'demo data already present')
  const ids = await demoCouncilIds(database.db)
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
Sign in to the dashboard with ${config.ADMIN_TOKEN ? 'the ADMIN_TOKEN you set' : 'a token: stop the service, then run\n  npm run token -- create --role supervisor --council dong-da --name "Ban Pháp chế"\nand paste the secret it prints (or start with ADMIN_TOKEN=<24+ characters> npm run demo)'}.
`)
} finally {
  await database.close()
}
await import('../server.js')
