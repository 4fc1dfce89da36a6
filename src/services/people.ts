import type { Db } from '../db/client.js'
import { findCouncil } from '../db/queries/councils.js'
import {
  deleteMembershipRow, findMembership, findPerson, insertMembership, markScheduleChanged, insertPerson, updateMembershipRow, updatePersonRow,
  type MembershipView, type Person
} from '../db/queries/people.js'
import { fail } from '../domain/errors.js'
import type { CreateMembership, CreatePerson, UpdateMembership, UpdatePerson } from '../schemas/people.js'
import { write, type WriteContext } from './write.js'
import { planMemberReminders } from '../notifications/plan.js'

/** Registers a person for `ownerCouncilId` (null: registered by an administrator). `id` is for the demo's fixed ids. */
export async function createPerson (ctx: WriteContext, input: CreatePerson & { id?: string }, ownerCouncilId: string | null): Promise<Person> {
  return write(ctx, async ({ tx, now, record }) => {
    if (ownerCouncilId && !(await findCouncil(tx, ownerCouncilId))) {
      throw fail('OWNER_COUNCIL_UNKNOWN', { id: ownerCouncilId })
    }
    const created = await insertPerson(tx, { ...input, ownerCouncilId, createdAt: now, updatedAt: now })
    await record({ action: 'create', entity: 'person', entityId: created.id, councilId: ownerCouncilId, after: created })
    return created
  })
}

export async function updatePerson (ctx: WriteContext, before: Person, changes: UpdatePerson): Promise<Person> {
  return write(ctx, async ({ tx, now, record }) => {
    const after = await updatePersonRow(tx, before.id, changes, now)
    await record({ action: 'update', entity: 'person', entityId: before.id, councilId: before.ownerCouncilId, before, after })
    return after
  })
}

function checkRange (startsOn: string, endsOn: string | null | undefined) {
  if (endsOn && endsOn < startsOn) throw fail('MEMBERSHIP_ENDS_BEFORE_START', { endsOn, startsOn })
}

async function existingMembership (tx: Db, councilId: string, membershipId: string): Promise<MembershipView> {
  const membership = await findMembership(tx, councilId, membershipId)
  if (!membership) throw fail('MEMBERSHIP_NOT_FOUND', { membershipId, councilId })
  return membership
}

/** `id` is for the demo's fixed ids only. */
export async function addMember (ctx: WriteContext, councilId: string, input: CreateMembership & { id?: string }): Promise<MembershipView> {
  const endsOn = input.endsOn ?? null
  checkRange(input.startsOn, endsOn)
  return write(ctx, async ({ tx, now, record }) => {
    if (!(await findPerson(tx, input.personId))) throw fail('PERSON_UNKNOWN', { id: input.personId })
    const id = await insertMembership(tx, { ...input, endsOn, councilId, createdAt: now, updatedAt: now })
    // The council's hearings join the person's feed (some may be older than any change to them).
    await markScheduleChanged(tx, input.personId, now)
    const created = (await findMembership(tx, councilId, id))!
    await planMemberReminders(tx, councilId, input.personId, now, ctx.quietHours)
    await record({ action: 'create', entity: 'membership', entityId: id, councilId, after: created })
    return created
  })
}

export async function updateMember (ctx: WriteContext, councilId: string, membershipId: string, changes: UpdateMembership): Promise<MembershipView> {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await existingMembership(tx, councilId, membershipId)
    checkRange(changes.startsOn ?? before.startsOn, changes.endsOn === undefined ? before.endsOn : changes.endsOn)
    await updateMembershipRow(tx, membershipId, changes, now)
    await markScheduleChanged(tx, before.personId, now)
    const after = (await findMembership(tx, councilId, membershipId))!
    await record({ action: 'update', entity: 'membership', entityId: membershipId, councilId, before, after })
    return after
  })
}

export async function removeMember (ctx: WriteContext, councilId: string, membershipId: string): Promise<void> {
  await write(ctx, async ({ tx, now, record }) => {
    const before = await existingMembership(tx, councilId, membershipId)
    await deleteMembershipRow(tx, membershipId)
    await markScheduleChanged(tx, before.personId, now)
    await record({ action: 'delete', entity: 'membership', entityId: membershipId, councilId, before })
  })
}
