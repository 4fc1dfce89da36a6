import { createHash } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { councils, hearingParticipants, hearingTransitions, hearings, memberships, people } from '../db/schema.js'
import { generateSecret, hashSecret } from '../domain/tokens.js'
import { ILLUSTRATIVE, demoHearings } from './hearings.js'
import { recordAudit } from '../db/queries/audit.js'
import type { Principal } from '../domain/access.js'
import { slugify } from '../domain/slug.js'
import { DEMO_PEOPLE, DONG_DA, DONG_DA_WARDS, HA_NOI, WARD_TERM } from './dong-da.js'

const seeder: Principal = { role: 'admin', tokenId: null, label: 'cli:demo' }

/** A fixed UUID per demo record, so that loading the demo twice changes nothing. */
export function demoId (key: string): string {
  const hex = createHash('sha256').update(`giaitrinh-demo:${key}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function wardCode (ward: string): string {
  return `dong-da-${slugify(ward)}`
}

/** Loads the demo councils and people; records what it inserted. Safe to run any number of times. */
export async function seedDemo (db: Db): Promise<{ inserted: number }> {
  return db.transaction(async (tx) => {
    let inserted = 0
    /** Inserts unless a council with that code exists (perhaps made through the API); returns its id. */
    const insertCouncil = async (values: typeof councils.$inferInsert & { code: string }): Promise<string> => {
      const rows = await tx.insert(councils).values(values).onConflictDoNothing().returning()
      for (const row of rows) {
        inserted++
        await recordAudit(tx, { principal: seeder, action: 'create', entity: 'council', entityId: row.id, councilId: row.id, after: row })
      }
      const [existing] = await tx.select({ id: councils.id }).from(councils).where(eq(councils.code, values.code))
      return existing!.id
    }
    const haNoi = await insertCouncil({ id: demoId(HA_NOI.code), ...HA_NOI })
    const dongDa = await insertCouncil({ id: demoId(DONG_DA.code), ...DONG_DA, parentId: haNoi })
    const wardIds = new Map<string, string>()
    for (const ward of DONG_DA_WARDS) {
      wardIds.set(ward, await insertCouncil({ id: demoId(wardCode(ward)), code: wardCode(ward), name: `Phường ${ward}`, level: 'ward', parentId: dongDa, ...WARD_TERM }))
    }
    for (const person of DEMO_PEOPLE) {
      const councilId = person.council === 'district' ? dongDa : wardIds.get(person.council)!
      const email = `${slugify(person.fullName).replaceAll('-', '.')}@dongda.example`
      const rows = await tx.insert(people).values({
        id: demoId(`person:${person.key}`), fullName: person.fullName, kind: person.kind, email,
        organization: person.organization, position: person.position, locale: 'vi', ownerCouncilId: councilId
      }).onConflictDoNothing().returning()
      for (const row of rows) {
        inserted++
        await recordAudit(tx, { principal: seeder, action: 'create', entity: 'person', entityId: row.id, councilId, after: row })
      }
      if (person.role) {
        const membership = await tx.insert(memberships).values({
          id: demoId(`membership:${person.key}`), councilId, personId: demoId(`person:${person.key}`), role: person.role,
          startsOn: '2016-07-01', endsOn: person.council === 'district' ? '2021-06-30' : WARD_TERM.activeTo
        }).onConflictDoNothing().returning()
        for (const row of membership) {
          inserted++
          await recordAudit(tx, { principal: seeder, action: 'create', entity: 'membership', entityId: row.id, councilId, after: row })
        }
      }
    }
    for (const hearing of demoHearings()) {
      const councilId = hearing.council === 'district' ? dongDa : wardIds.get(hearing.council)!
      const id = demoId(`hearing:${hearing.key}`)
      const rows = await tx.insert(hearings).values({
        id, councilId, title: hearing.title, description: ILLUSTRATIVE, location: 'Hội trường UBND',
        status: hearing.status, startsAt: hearing.startsAt, endsAt: hearing.endsAt, outcome: hearing.outcome,
        sequence: hearing.status === 'draft' ? 0 : 1
      }).onConflictDoNothing().returning()
      for (const row of rows) {
        inserted++
        await tx.insert(hearingTransitions).values({
          hearingId: id, action: 'create', fromStatus: null, toStatus: row.status, startsAt: row.startsAt, endsAt: row.endsAt, actor: seeder.label
        })
        await recordAudit(tx, { principal: seeder, action: 'create', entity: 'hearing', entityId: id, councilId, after: row })
        if (hearing.explainerKey) {
          await tx.insert(hearingParticipants).values({
            hearingId: id, personId: demoId(`person:${hearing.explainerKey}`), role: 'explainer', response: 'accepted',
            invitationHash: hashSecret(generateSecret()), startsAt: row.startsAt, endsAt: row.endsAt, blocking: row.status === 'held'
          }).onConflictDoNothing()
        }
      }
    }
    return { inserted }
  })
}

/** The demo's council ids, for tests and the dashboard. */
export async function demoCouncilIds (db: Db) {
  const rows = await db.select({ id: councils.id, code: councils.code }).from(councils)
    .where(inArray(councils.code, [HA_NOI.code, DONG_DA.code, ...DONG_DA_WARDS.map(wardCode)]))
  return Object.fromEntries(rows.map((row) => [row.code, row.id]))
}
