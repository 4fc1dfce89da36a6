import type { Db } from '../db/client.js'
import { listTransitions, type Hearing, type ParticipantView } from '../db/queries/hearings.js'
import type { Lang } from '../schemas/common.js'
import { formatDay, formatWhen } from './format.js'
import { TERMS, type Terms } from '../words/terms.js'
import { hearingPagePath } from '../links/index.js'

/** What the pages show of a hearing in a list. */
export function hearingSummary (hearing: Hearing, zone: string, lang: Lang, now?: Date) {
  // A scheduled hearing whose end has passed without an outcome is overdue, not "scheduled".
  const overdue = now !== undefined && hearing.status === 'scheduled' && hearing.endsAt !== null && hearing.endsAt < now
  return {
    id: hearing.id,
    title: hearing.title,
    status: hearing.status,
    badge: overdue ? 'outcome_missing' : hearing.status,
    badgeText: overdue ? TERMS[lang].coverageStatus.outcome_missing : TERMS[lang].status[hearing.status],
    year: hearing.startsAt ? formatDay(hearing.startsAt, zone).slice(-4) : null,
    restricted: hearing.visibility === 'restricted',
    when: formatWhen(hearing.startsAt, hearing.endsAt, zone, lang),
    location: hearing.location,
    url: `${hearingPagePath(hearing.id)}?lang=${lang}`
  }
}

/** The reason given for the hearing's present status (a cancellation, a postponement), if any. */
export async function statusReason (db: Db, hearing: Hearing): Promise<string | null> {
  if (hearing.status !== 'cancelled' && hearing.status !== 'postponed') return null
  const transitions = await listTransitions(db, hearing.id)
  return transitions.findLast((transition) => transition.toStatus === hearing.status)?.reason ?? null
}

export function answerText (participant: ParticipantView, words: Pick<Terms, 'answer'>): string {
  const answer = words.answer[participant.response]
  return participant.response === 'delegated' && participant.substituteName
    ? `${answer}: ${participant.substituteName}${participant.substitutePosition ? `, ${participant.substitutePosition}` : ''}`
    : answer
}
