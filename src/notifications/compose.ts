import { DateTime } from 'luxon'
import type { FeedEvent } from '../feeds/ical.js'
import { renderItip, type FeedOptions } from '../feeds/ical.js'
import type { NoticeKind } from './plan.js'
import { councilTitle } from '../words/terms.js'
import { MAIL as TEXT, SECRETARIAT_MAIL, SECRETARIAT_SUBJECT as SECRETARIAT } from '../words/mail.js'
import type { Lang } from '../words/terms.js'

/** The notices to people (those to the secretariat are composed by composeSecretariatEmail). */
export type PersonNoticeKind = Exclude<NoticeKind, 'answer' | 'outcome_overdue' | 'conclusion_overdue'>

export interface Notice {
  kind: PersonNoticeKind
  lang: Lang
  /** The feed's event of the hearing, with the recipient as its one attendee. */
  event: FeedEvent
  recipient: { fullName: string, email: string }
  role: 'explainer' | 'attendee' | 'guest' | null
  /** The answer link, for invitations and changes. */
  answerUrl: string | null
  /** Where replies go: the council's secretariat, when it has an address. */
  replyTo?: string | null | undefined
  /** A change of time: the time before it and the reason given (the change e-mail names both). */
  previous?: { startsAt: Date, endsAt: Date, reason: string | null } | undefined
}

export interface Email {
  to: { name: string, address: string }
  subject: string
  text: string
  /** nodemailer's calendar part: a text/calendar alternative with its METHOD (none in a reminder: the invitation placed the event). */
  icalEvent?: { method: 'REQUEST' | 'CANCEL', filename: string, content: string }
  /** Who it is from, as people read it (the council); the address is the service's. */
  fromName?: string
  replyTo?: string
  /** One thread per hearing and person: the invitation's Message-ID, referenced by every later e-mail. */
  messageId?: string
  inReplyTo?: string
  references?: string[]
  headers: Record<string, string>
}

/** Mail no person typed: out-of-office and other automatic replies are not sent back to it (RFC 3834; Exchange's header). */
const AUTOMATIC = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' }

/** Times as letters write them, kept for the hearings being notified (a hearing with many invitations is formatted once). */
const written = new Map<string, string>()

function when (lang: Lang, startsAt: Date, endsAt: Date, zone: string): string {
  const key = `${lang}|${startsAt.getTime()}|${endsAt.getTime()}|${zone}`
  let text = written.get(key)
  if (text === undefined) {
    text = TEXT[lang].date(DateTime.fromJSDate(startsAt, { zone }), DateTime.fromJSDate(endsAt, { zone }), zone)
    if (written.size >= 1000) written.delete(written.keys().next().value!)
    written.set(key, text)
  }
  return text
}

/** The Message-ID that starts the thread of one person's e-mails about one hearing. */
export function threadId (hearingId: string, personId: string, organizerEmail: string): string {
  return `<hearing-${hearingId}.person-${personId}@${organizerEmail.split('@')[1] ?? 'giaitrinh'}>`
}

/** The e-mail for one notice, in the person's language, with its iTIP calendar part. */
export function composeEmail (notice: Notice, options: FeedOptions): Email {
  const t = TEXT[notice.lang]
  const { event } = notice
  const zone = event.council.timezone
  const lines = [
    t.greeting(notice.recipient.fullName),
    '',
    t.lead[notice.kind](event.council.name),
    '',
    `${t.title}: ${event.title}`,
    ...(event.description ? [`${t.topic}: ${event.description}`] : []),
    `${t.when}: ${when(notice.lang, event.startsAt, event.endsAt, zone)}`
  ]
  if (notice.kind === 'update' && notice.previous) {
    lines.push(`${t.previously}: ${when(notice.lang, notice.previous.startsAt, notice.previous.endsAt, zone)}`)
    if (notice.previous.reason) lines.push(`${t.reason}: ${notice.previous.reason}`)
  }
  if (event.location) lines.push(`${t.where}: ${event.location}`)
  if (notice.role) lines.push(`${t.role}: ${t.roles[notice.role]}`)
  if (event.reason && (notice.kind === 'cancellation' || notice.kind === 'postponement')) lines.push(`${t.reason}: ${event.reason}`)
  if (notice.answerUrl) lines.push('', `${t.answer}:`, notice.answerUrl)
  lines.push('', '—', notice.kind === 'reminder' ? t.footerWithoutCalendar : t.footer)
  const method = notice.kind === 'cancellation' || notice.kind === 'removal' ? 'CANCEL' : 'REQUEST'
  // A withdrawn invitation uninvites one attendee of a hearing that stands: a SEQUENCE above the
  // invitation's (clients ignore a CANCEL that is not newer) and no STATUS:CANCELLED (RFC 5546 3.2.5).
  const itipEvent: FeedEvent = notice.kind === 'removal'
    ? { ...event, sequence: event.sequence + 1, uninvited: true }
    : method === 'CANCEL' ? { ...event, status: 'cancelled' } : event
  const thread = event.viewerId ? threadId(event.id, event.viewerId, options.organizerEmail) : undefined
  return {
    to: { name: notice.recipient.fullName, address: notice.recipient.email },
    fromName: councilTitle(event.council.name, notice.lang),
    ...(notice.replyTo ? { replyTo: notice.replyTo } : {}),
    ...(thread ? notice.kind === 'invitation' ? { messageId: thread } : { inReplyTo: thread, references: [thread] } : {}),
    headers: AUTOMATIC,
    subject: t.subject[notice.kind](event.title),
    text: lines.join('\n'),
    ...(notice.kind === 'reminder' ? {} : { icalEvent: { method, filename: 'invite.ics', content: renderItip(itipEvent, { ...options, lang: notice.lang }, method) } })
  }
}

/** A notice to the council's secretariat, in Vietnamese: an answer to note, or a record overdue. */
export interface SecretariatNotice {
  kind: 'answer' | 'outcome_overdue' | 'conclusion_overdue'
  event: FeedEvent
  to: string
  /** The answer told of. */
  answer?: { fullName: string, role: 'explainer' | 'attendee' | 'guest', response: string, substituteName: string | null, substitutePosition: string | null, reason?: string | null } | undefined
  /** Where the secretariat acts (the hearing in the API). */
  hearingUrl: string
}

export function composeSecretariatEmail (notice: SecretariatNotice): Email {
  const t = TEXT.vi
  const { event } = notice
  const zone = event.council.timezone
  const time = when('vi', event.startsAt, event.endsAt, zone)
  const say = SECRETARIAT_MAIL
  const lines = [say.greeting(event.council.name), '']
  let subject: string
  if (notice.kind === 'answer') {
    const a = notice.answer!
    const declined = a.response === 'declined'
    subject = SECRETARIAT.answer(event.title, a.fullName, declined)
    lines.push(declined ? say.declined(a.fullName, t.roles[a.role], a.reason) : say.delegated(a.fullName, t.roles[a.role], a.substituteName, a.substitutePosition))
  } else if (notice.kind === 'outcome_overdue') {
    subject = SECRETARIAT.outcome_overdue(event.title)
    lines.push(say.outcomeOverdue)
  } else {
    subject = SECRETARIAT.conclusion_overdue(event.title)
    lines.push(say.conclusionOverdue)
  }
  lines.push('', `${t.title}: ${event.title}`, `${t.when}: ${time}`)
  if (event.location) lines.push(`${t.where}: ${event.location}`)
  lines.push('', notice.hearingUrl, '', '—', say.footer)
  return { to: { name: say.to(event.council.name), address: notice.to }, fromName: councilTitle(event.council.name, 'vi'), subject, text: lines.join('\n'), headers: AUTOMATIC }
}

/** What a webhook receiver (an SMS or Zalo gateway) is posted about one notice: the e-mail's words, and the facts it needs. */
export interface WebhookFacts {
  notification: { id: string, kind: string, reminderOffset: string | null, sequence: number }
  council: { id: string, code: string | null }
  hearing: { id: string, url: string, title: string, status: string, startsAt: Date | null, endsAt: Date | null, location: string | null }
  zone: string | undefined
  recipient: { personId: string, fullName: string, phone: string | null, email: string | null, locale: string, role: string | null } | { secretariat: true, email: string | null }
  /** When the notice was planned: the body is the same in every attempt (the signature carries the send time). */
  occurredAt: Date
}

export function composeWebhookBody (facts: WebhookFacts, email: Email): string {
  const { notification: row, hearing, zone } = facts
  return JSON.stringify({
    type: `${'personId' in facts.recipient ? 'person' : 'secretariat'}.${row.kind}`,
    timestamp: facts.occurredAt.toISOString(),
    data: {
      notificationId: row.id,
      kind: row.kind,
      reminderOffset: row.reminderOffset,
      sequence: row.sequence,
      council: facts.council,
      hearing: {
        id: hearing.id,
        uid: `${hearing.id}@giaitrinh`,
        url: hearing.url,
        title: hearing.title,
        status: hearing.status,
        startsAt: hearing.startsAt && zone ? DateTime.fromJSDate(hearing.startsAt, { zone }).toISO() : null,
        endsAt: hearing.endsAt && zone ? DateTime.fromJSDate(hearing.endsAt, { zone }).toISO() : null,
        location: hearing.location
      },
      recipient: facts.recipient,
      // What a gateway sends as the SMS or Zalo message, in the recipient's language.
      subject: email.subject,
      text: email.text
    }
  })
}
