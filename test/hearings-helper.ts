import type { FastifyInstance } from 'fastify'
import { admin, call } from './helper.js'

let slot = 0

/** A unique two-hour slot on a weekday morning in Hà Nội, `daysAhead` after `base` (plus a few minutes to keep slots apart). */
export function slotAt (day: string, hour = 8, minutes = 0) {
  const pad = (n: number) => String(n).padStart(2, '0')
  return { startsAt: `${day}T${pad(hour)}:${pad(minutes)}:00+07:00`, endsAt: `${day}T${pad(hour + 2)}:${pad(minutes)}:00+07:00` }
}

/** Distinct past slots (2026-10) for tests that need many hearings that do not overlap. */
export function nextPastSlot () {
  slot++
  const day = 1 + (slot % 28)
  const hour = 8 + Math.floor(slot / 28) % 8
  return slotAt(`2026-10-${String(day).padStart(2, '0')}`, hour)
}

export async function createHearing (app: FastifyInstance, payload: Record<string, unknown>, headers: Record<string, string> = admin) {
  const response = await call(app, { method: 'POST', url: '/v1/hearings', headers, payload: { title: 'Phiên giải trình về trật tự đô thị', ...payload } })
  if (response.status !== 201) throw new Error(`hearing: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body as { id: string, status: string, sequence: number, startsAt: string | null, warnings: Array<{ code: string, message: string }> }
}

export async function createPerson (app: FastifyInstance, councilId: string, fullName: string) {
  const response = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: councilId, position: 'Chủ tịch UBND' } })
  if (response.status !== 201) throw new Error(JSON.stringify(response.body))
  return response.body as { id: string }
}
