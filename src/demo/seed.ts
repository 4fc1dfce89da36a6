import { createHash } from 'node:crypto'
import type { Db } from '../db/client.js'
import { findCouncilByCode } from '../db/queries/councils.js'
import { findHearing } from '../db/queries/hearings.js'
import { findMembership, findPerson } from '../db/queries/people.js'
import { councilIdsByCode } from '../db/queries/councils.js'
import type { Principal } from '../domain/access.js'
import { parseOfficeHours, type OfficeHours } from '../domain/calendar.js'
import { slugify } from '../domain/slug.js'
import { createCouncil } from '../services/councils.js'
import { applyAction, createHearing, type HearingContext } from '../services/hearings.js'
import { addParticipant, answerInvitation } from '../services/participants.js'
import { addMember, createPerson } from '../services/people.js'
import { DEMO_PEOPLE, DONG_DA, DONG_DA_WARDS, HA_NOI, WARD_TERM } from './dong-da.js'
import { ILLUSTRATIVE, demoHearings, type DemoHearing } from './hearings.js'

const seeder: Principal = { role: 'admin', tokenId: null, label: 'cli:demo' }

/** A fixed UUID per demo record, so that loading the demo twice changes nothing. */
export function demoId (key: string): string {
  const hex = createHash('sha256').update(`giaitrinh-demo:${key}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function wardCode (ward: string): string {
  return `dong-da-${slugify(ward)}`
}

export interface SeedOptions {
  /** The clock the demo's writes take their times from (the CLI: the process's). */
  now?: () => Date
  officeHours?: OfficeHours
}

/**
 * Loads the demo councils, people and hearings through the same services as the API, so the demo
 * obeys every rule (blocking, notice, lifecycle, audit). Records what it added; safe to run any
 * number of times (each record has a fixed id or code, and is skipped when present).
 */
export async function seedDemo (db: Db, options: SeedOptions = {}): Promise<{ inserted: number }> {
  const now = options.now ?? (() => new Date())
  const ctx = (): HearingContext => ({ db, principal: seeder, now: now(), officeHours: options.officeHours ?? parseOfficeHours('08:00-12:00,13:00-17:00') })
  let inserted = 0

  /** Creates the council unless one with that code exists (perhaps made through the API); returns its id. */
  const council = async (values: Parameters<typeof createCouncil>[1]): Promise<string> => {
    const existing = await findCouncilByCode(db, values.code)
    if (existing) return existing.id
    inserted++
    return (await createCouncil(ctx(), values)).id
  }
  const haNoi = await council({ id: demoId(HA_NOI.code), ...HA_NOI })
  const dongDa = await council({ id: demoId(DONG_DA.code), ...DONG_DA, parentId: haNoi })
  const wardIds = new Map<string, string>()
  for (const ward of DONG_DA_WARDS) {
    wardIds.set(ward, await council({ id: demoId(wardCode(ward)), code: wardCode(ward), name: `Phường ${ward}`, level: 'ward', parentId: dongDa, ...WARD_TERM }))
  }
  const councilOf = (key: DemoHearing['council']) => key === 'district' ? dongDa : wardIds.get(key)!

  for (const person of DEMO_PEOPLE) {
    const councilId = councilOf(person.council)
    const id = demoId(`person:${person.key}`)
    if (!(await findPerson(db, id))) {
      inserted++
      await createPerson(ctx(), {
        id,
        fullName: person.fullName,
        kind: person.kind,
        email: `${slugify(person.fullName).replaceAll('-', '.')}@dongda.example`,
        organization: person.organization,
        position: person.position,
        locale: 'vi'
      }, councilId)
    }
    const membershipId = demoId(`membership:${person.key}`)
    if (person.role && !(await findMembership(db, councilId, membershipId))) {
      inserted++
      await addMember(ctx(), councilId, {
        id: membershipId,
        personId: id,
        role: person.role,
        startsOn: '2016-07-01',
        endsOn: person.council === 'district' ? '2021-06-30' : WARD_TERM.activeTo
      })
    }
  }

  for (const hearing of demoHearings()) {
    const id = demoId(`hearing:${hearing.key}`)
    if (await findHearing(db, id)) continue
    inserted++
    await loadHearing(ctx, id, councilOf(hearing.council), hearing)
  }
  return { inserted }
}

/**
 * One demo hearing, made as a secretariat would: created (scheduled when it has a time), the
 * explainer invited and accepting, then moved to its final state by the lifecycle actions.
 */
async function loadHearing (ctx: () => HearingContext, id: string, councilId: string, hearing: DemoHearing) {
  const times = hearing.startsAt && hearing.endsAt ? { startsAt: hearing.startsAt.toISOString(), endsAt: hearing.endsAt.toISOString() } : {}
  const timed = hearing.status !== 'draft' && hearing.startsAt !== null
  await createHearing(ctx(), {
    id,
    councilId,
    title: hearing.title,
    description: ILLUSTRATIVE,
    location: 'Hội trường UBND',
    status: timed ? 'scheduled' : 'draft',
    ...times
  })
  if (hearing.explainerKey) {
    const { secret } = await addParticipant(ctx(), id, { personId: demoId(`person:${hearing.explainerKey}`), role: 'explainer' })
    await answerInvitation(ctx(), secret, { response: 'accepted' })
  }
  if (hearing.status === 'held') {
    await applyAction(ctx(), id, 'outcome', { outcome: hearing.outcome! })
  } else if (hearing.status === 'postponed') {
    if (!timed) await applyAction(ctx(), id, 'schedule', { startsAt: '2020-04-02T01:00:00Z', endsAt: '2020-04-02T03:30:00Z' })
    await applyAction(ctx(), id, 'postpone', { reason: 'Chờ báo cáo của UBND phường (minh họa).' })
  } else if (hearing.status === 'cancelled') {
    await applyAction(ctx(), id, 'cancel', { reason: 'Nội dung đã được giải trình tại kỳ họp (minh họa).' })
  }
}

/** The demo's council ids, for tests and the dashboard. */
export async function demoCouncilIds (db: Db) {
  return councilIdsByCode(db, [HA_NOI.code, DONG_DA.code, ...DONG_DA_WARDS.map(wardCode)])
}
