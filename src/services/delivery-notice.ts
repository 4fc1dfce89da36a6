import { DateTime } from 'luxon'
import type { Db } from '../db/client.js'
import { listNoticeRules } from '../db/queries/calendar.js'
import type { Hearing } from '../db/queries/hearings.js'
import { firstDeliveries, hearingExplainers } from '../db/queries/notifications.js'
import { noticeDays, ruleOn } from '../domain/calendar.js'
import { calendarFacts } from './calendar.js'

export interface ExplainerNotice {
  participantId: string
  personId: string
  fullName: string
  /** When the invitation (or a change) first reached their mail server; null while it has not. */
  deliveredAt: Date | null
  actualDays: number | null
  requiredDays: number | null
  dayKind: 'calendar' | 'working' | null
  rule: string | null
  status: 'sufficient' | 'too_short' | 'not_delivered' | 'no_email' | 'no_rule'
}

export type DeliveryWarning =
  | { code: 'invitation_not_delivered', message: string, personId: string }
  | { code: 'notice_too_short', message: string, personId: string, requiredDays: number, actualDays: number, dayKind: 'calendar' | 'working', rule: string, countedFrom: 'delivery' }

/**
 * The legal notice counted from delivery: with e-mail configured, an explainer has notice from when
 * their invitation (or a later change) was accepted by their mail server, not from when the
 * secretariat scheduled. Warns while it has not been delivered, and when what remains is too short.
 */
export async function deliveredNotice (db: Db, hearing: Hearing, zone: string): Promise<{ explainers: ExplainerNotice[], warnings: DeliveryWarning[] }> {
  const explainers = await hearingExplainers(db, hearing.id)
  if (!hearing.startsAt || hearing.status !== 'scheduled' || explainers.length === 0) return { explainers: [], warnings: [] }
  const delivered = await firstDeliveries(db, explainers.map((e) => e.id))
  const start = DateTime.fromJSDate(hearing.startsAt, { zone })
  const rule = ruleOn(await listNoticeRules(db), start.toISODate()!)
  const earliest = [...delivered.values()].filter((at): at is Date => at !== null).sort((a, b) => a.getTime() - b.getTime())[0]
  const facts = rule && earliest ? await calendarFacts(db, DateTime.fromJSDate(earliest, { zone }).toISODate()!, start.toISODate()!) : undefined
  const warnings: DeliveryWarning[] = []
  const list = explainers.map((p): ExplainerNotice => {
    const deliveredAt = delivered.get(p.id) ?? null
    const base = { participantId: p.id, personId: p.personId, fullName: p.fullName, deliveredAt, requiredDays: rule?.explainerNoticeDays ?? null, dayKind: rule?.dayKind ?? null, rule: rule?.code ?? null }
    if (!deliveredAt) {
      const noEmail = !p.email
      warnings.push({
        code: 'invitation_not_delivered',
        personId: p.personId,
        message: noEmail
          ? `${p.fullName} has no e-mail address: the topic and plan must reach them another way, and their notice counts from then.`
          : `The invitation to ${p.fullName} has not been delivered yet: their notice counts from delivery (see GET /v1/hearings/${hearing.id}/notifications).`
      })
      return { ...base, actualDays: null, status: noEmail ? 'no_email' : 'not_delivered' }
    }
    if (!rule || !facts) return { ...base, actualDays: null, status: 'no_rule' }
    const actual = noticeDays(DateTime.fromJSDate(deliveredAt, { zone }), start, rule.dayKind, facts)
    if (actual >= rule.explainerNoticeDays) return { ...base, actualDays: actual, status: 'sufficient' }
    const unit = rule.dayKind === 'calendar' ? 'calendar days' : 'working days'
    warnings.push({
      code: 'notice_too_short',
      personId: p.personId,
      message: `Notice too short for ${p.fullName} under ${rule.name}: the invitation was delivered ${actual} ${unit} before the hearing; ${rule.explainerNoticeDays} are required.`,
      requiredDays: rule.explainerNoticeDays,
      actualDays: actual,
      dayKind: rule.dayKind,
      rule: rule.code,
      countedFrom: 'delivery'
    })
    return { ...base, actualDays: actual, status: 'too_short' }
  })
  return { explainers: list, warnings }
}
