import { inZone } from '../domain/zone.js'
import type { Hearing, ParticipantView } from '../db/queries/hearings.js'
import { allowedActions } from '../domain/hearings.js'

/** ISO 8601 in the council's zone, e.g. 2026-12-10T08:00:00.000+07:00, whatever the server's TZ. */
export function zoned (date: Date, zone: string): string
export function zoned (date: Date | null, zone: string): string | null
export function zoned (date: Date | null, zone: string): string | null {
  return date ? inZone(date, zone).toISO()! : null
}

export function participantView (participant: ParticipantView, zone: string) {
  const { hearingId: _hearingId, responseReason, ...rest } = participant
  return { ...rest, reason: responseReason, respondedAt: zoned(participant.respondedAt, zone) }
}

/** The API's view of a hearing; participants only for callers within the council's scope. */
export function hearingView (hearing: Hearing, zone: string, participants: ParticipantView[], withParticipants: boolean) {
  const { revision: _revision, ...fields } = hearing
  return {
    ...fields,
    startsAt: zoned(hearing.startsAt, zone),
    endsAt: zoned(hearing.endsAt, zone),
    createdAt: zoned(hearing.createdAt, zone),
    updatedAt: zoned(hearing.updatedAt, zone),
    timezone: zone,
    allowedActions: allowedActions(hearing.status),
    outcome: hearing.outcome ?? null,
    explainers: participants.filter((p) => p.role === 'explainer')
      .map(({ fullName, position, organization }) => ({ fullName, position, organization })),
    ...(withParticipants ? { participants: participants.map((p) => participantView(p, zone)) } : {})
  }
}

export function etag (hearing: Hearing): string {
  return `"${hearing.id}.${hearing.revision}"`
}
