import { IANAZone } from 'luxon'
import type { Db } from '../db/client.js'
import {
  councilAncestry, findCouncil, insertCouncil, lockHierarchy, updateCouncilRow, type Council
} from '../db/queries/councils.js'
import { COUNCIL_ZONE, parentRefusal } from '../domain/councils.js'
import { fail } from '../domain/errors.js'
import type { CreateCouncil, UpdateCouncil } from '../schemas/councils.js'
import { write, type WriteContext } from './write.js'

/** Checks what the schema cannot: the zone exists, the parent exists, fits, and forms no cycle. */
async function checkCouncil (tx: Db, council: Pick<Council, 'level' | 'parentId' | 'timezone' | 'activeFrom' | 'activeTo'> & { id?: string }) {
  if (!IANAZone.isValidZone(council.timezone)) {
    throw fail('TIMEZONE_UNKNOWN', { zone: council.timezone })
  }
  if (council.activeTo && council.activeTo < council.activeFrom) {
    throw fail('COUNCIL_ENDS_BEFORE_START', { to: council.activeTo, from: council.activeFrom })
  }
  if (!council.parentId) return
  const parent = await findCouncil(tx, council.parentId)
  if (!parent) throw fail('PARENT_UNKNOWN', { id: council.parentId })
  const problem = parentRefusal(council, parent, await councilAncestry(tx, parent.id))
  if (problem) throw problem
}

/** `id` is for the demo's fixed ids only; the API never passes it. */
export async function createCouncil (ctx: WriteContext, body: CreateCouncil & { id?: string }): Promise<Council> {
  const input = { ...body, parentId: body.parentId ?? null, activeTo: body.activeTo ?? null, timezone: body.timezone ?? COUNCIL_ZONE }
  return write(ctx, async ({ tx, now, record }) => {
    await lockHierarchy(tx)
    await checkCouncil(tx, input)
    const created = await insertCouncil(tx, { ...input, createdAt: now, updatedAt: now })
    await record({ action: 'create', entity: 'council', entityId: created.id, councilId: created.id, after: created })
    return created
  })
}

export async function updateCouncil (ctx: WriteContext, id: string, changes: UpdateCouncil): Promise<Council> {
  return write(ctx, async ({ tx, now, record }) => {
    await lockHierarchy(tx)
    const before = await findCouncil(tx, id)
    if (!before) throw fail('COUNCIL_NOT_FOUND', { id })
    await checkCouncil(tx, { ...before, ...changes, timezone: changes.timezone ?? before.timezone })
    const after = await updateCouncilRow(tx, id, changes, now)
    await record({ action: 'update', entity: 'council', entityId: id, councilId: id, before, after })
    return after
  })
}
