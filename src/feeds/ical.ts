import ical, { foldLines, ICalAttendeeRole, ICalAttendeeStatus, ICalEventStatus, type ICalCalendar } from 'ical-generator'
import type { Lang } from '../schemas/common.js'

/** Everything one VEVENT shows; nothing here is read from the clock, so the same data gives the same bytes. */
export interface FeedEvent {
  id: string
  title: string
  description: string
  location: string | null
  status: 'draft' | 'scheduled' | 'postponed' | 'held' | 'cancelled'
  startsAt: Date
  endsAt: Date
  sequence: number
  updatedAt: Date
  council: { name: string, timezone: string }
  explainers: Array<{ fullName: string, position: string | null, organization: string | null }>
  /** Private feeds only: every invitation, and whose feed it is. */
  attendees?: Array<{ personId: string, fullName: string, email: string | null, role: 'explainer' | 'attendee' | 'guest', response: 'pending' | 'accepted' | 'declined' | 'delegated', substituteName: string | null, substitutePosition: string | null }>
  viewerId?: string
}

const TEXT = {
  vi: {
    cancelled: 'ĐÃ HỦY',
    postponed: 'HOÃN',
    draft: 'DỰ KIẾN',
    council: 'Cơ quan tổ chức',
    topic: 'Nội dung',
    explainers: 'Người giải trình',
    details: 'Chi tiết',
    postponedNote: 'Phiên giải trình đã hoãn; thời gian mới sẽ được thông báo.',
    yourRole: 'Vai trò của bạn',
    yourAnswer: 'Trả lời của bạn',
    substitute: 'Người dự thay',
    roles: { explainer: 'Người giải trình', attendee: 'Đại biểu dự', guest: 'Khách mời' },
    answers: { pending: 'Chưa trả lời', accepted: 'Nhận lời', declined: 'Từ chối', delegated: 'Cử người dự thay' },
    organizer: (name: string) => `HĐND ${name}`,
    calendar: (name: string) => `Phiên giải trình – HĐND ${name}`,
    personal: (name: string) => `Phiên giải trình của ${name}`
  },
  en: {
    cancelled: 'CANCELLED',
    postponed: 'POSTPONED',
    draft: 'PLANNED',
    council: 'Organised by',
    topic: 'Topic',
    explainers: 'Explaining',
    details: 'Details',
    postponedNote: 'The hearing is postponed; a new time will be announced.',
    yourRole: 'Your role',
    yourAnswer: 'Your answer',
    substitute: 'Substitute',
    roles: { explainer: 'Explainer', attendee: 'Attendee', guest: 'Guest' },
    answers: { pending: 'Not answered', accepted: 'Accepted', declined: 'Declined', delegated: 'Delegated' },
    organizer: (name: string) => `People's Council of ${name}`,
    calendar: (name: string) => `Accountability hearings – People's Council of ${name}`,
    personal: (name: string) => `Accountability hearings of ${name}`
  }
} as const

export interface FeedOptions {
  lang: Lang
  baseUrl: string
  organizerEmail: string
  /** Seconds clients should wait between polls (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  ttlSeconds: number
}

const STATUS: Record<FeedEvent['status'], ICalEventStatus> = {
  draft: ICalEventStatus.TENTATIVE,
  postponed: ICalEventStatus.TENTATIVE,
  scheduled: ICalEventStatus.CONFIRMED,
  held: ICalEventStatus.CONFIRMED,
  cancelled: ICalEventStatus.CANCELLED
}
const ROLE = { explainer: ICalAttendeeRole.REQ, attendee: ICalAttendeeRole.OPT, guest: ICalAttendeeRole.NON } as const
const PARTSTAT = {
  pending: ICalAttendeeStatus.NEEDSACTION,
  accepted: ICalAttendeeStatus.ACCEPTED,
  declined: ICalAttendeeStatus.DECLINED,
  delegated: ICalAttendeeStatus.DELEGATED
} as const

function person (p: { fullName: string, position: string | null, organization: string | null }): string {
  return [p.fullName, p.position, p.organization].filter(Boolean).join(' – ')
}

function summary (event: FeedEvent, lang: Lang): string {
  const t = TEXT[lang]
  const prefix = event.status === 'cancelled' ? t.cancelled : event.status === 'postponed' ? t.postponed : event.status === 'draft' ? t.draft : null
  return prefix ? `${prefix}: ${event.title}` : event.title
}

function description (event: FeedEvent, options: FeedOptions): string {
  const t = TEXT[options.lang]
  const lines = [`${t.council}: ${t.organizer(event.council.name)}`]
  if (event.status === 'postponed') lines.push(t.postponedNote)
  if (event.description) lines.push(`${t.topic}: ${event.description}`)
  if (event.explainers.length) lines.push(`${t.explainers}: ${event.explainers.map(person).join('; ')}`)
  const own = event.attendees?.find((a) => a.personId === event.viewerId)
  if (own) {
    lines.push(`${t.yourRole}: ${t.roles[own.role]}`, `${t.yourAnswer}: ${t.answers[own.response]}`)
    if (own.response === 'delegated' && own.substituteName) lines.push(`${t.substitute}: ${own.substituteName} – ${own.substitutePosition ?? ''}`)
  }
  lines.push(`${t.details}: ${hearingUrl(event.id, options.baseUrl)}`)
  return lines.join('\n')
}

export function hearingUrl (id: string, baseUrl: string): string {
  return `${baseUrl.replace(/\/$/, '')}/v1/hearings/${id}`
}

/**
 * A parameter value (CN) as RFC 6868 encodes it: RFC 5545 has no backslash escapes in parameters,
 * so a double quote is ^', a caret ^^, a line break ^n. (ical-generator writes \", which breaks whole
 * feeds in python-vobject and lets a name like `x":mailto:evil@…` rewrite another attendee.)
 */
export function paramText (value: string): string {
  return value.replaceAll('^', '^^').replaceAll('"', "^'").replace(/\r?\n/g, '^n')
}

/** A property value of type TEXT (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped. */
export function propertyText (value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n')
}

/**
 * ical-generator also doubles backslashes inside quoted parameters, where RFC 5545 reads them as
 * they are: put them back, then fold again (a line may have become shorter).
 */
function literalParams (text: string): string {
  if (!text.includes('\\')) return text
  const unfolded = text.replace(/\r\n[ \t]/g, '')
  const fixed = unfolded.replace(/;CN="([^"]*)"/g, (_, value: string) => `;CN="${value.replaceAll('\\\\', '\\')}"`)
  return fixed === unfolded ? text : foldLines(fixed)
}

function addEvent (calendar: ICalCalendar, event: FeedEvent, options: FeedOptions): void {
  const vevent = calendar.createEvent({
    id: `${event.id}@giaitrinh`,
    sequence: event.sequence,
    stamp: event.updatedAt,
    start: event.startsAt,
    end: event.endsAt,
    summary: summary(event, options.lang),
    description: description(event, options),
    location: event.location,
    url: hearingUrl(event.id, options.baseUrl),
    status: STATUS[event.status],
    organizer: { name: paramText(TEXT[options.lang].organizer(event.council.name)), email: options.organizerEmail }
  })
  for (const attendee of event.attendees ?? []) {
    vevent.createAttendee({
      name: paramText(attendee.fullName),
      // A person without an address still needs a calendar address: a reserved, undeliverable one.
      email: attendee.email ?? `${attendee.personId}@giaitrinh.invalid`,
      role: ROLE[attendee.role],
      status: PARTSTAT[attendee.response],
      x: [['X-GIAITRINH-ROLE', attendee.role]]
    })
  }
}

/** One VEVENT as text (folded, CRLF), built by ical-generator; feeds concatenate these. */
export function renderEvent (event: FeedEvent, options: FeedOptions): string {
  const calendar = ical()
  addEvent(calendar, event, options)
  const text = literalParams(calendar.toString())
  return text.slice(text.indexOf('BEGIN:VEVENT'), text.lastIndexOf('END:VEVENT') + 'END:VEVENT\r\n'.length)
}

/** The VCALENDAR around the events: name, zone hint, refresh interval. */
function calendarFrame (name: string, options: FeedOptions): ICalCalendar {
  return ical({
    // NAME and X-WR-CALNAME are TEXT, which ical-generator writes as given.
    name: propertyText(name),
    prodId: { company: 'giaitrinh', product: 'hearings', language: options.lang.toUpperCase() },
    ttl: options.ttlSeconds
  })
}

export function renderCalendar (name: string, events: readonly string[], options: FeedOptions): string {
  const frame = calendarFrame(name, options).toString()
  const end = frame.lastIndexOf('END:VCALENDAR')
  // Every content line ends with CRLF, the last one too (RFC 5545 3.1).
  return `${frame.slice(0, end)}${events.join('')}${frame.slice(end)}\r\n`
}

export function calendarName (kind: 'council' | 'person', name: string, lang: Lang): string {
  return kind === 'council' ? TEXT[lang].calendar(name) : TEXT[lang].personal(name)
}

/** A full build with ical-generator of every event in one calendar: the benchmark's baseline. */
export function renderFullCalendar (name: string, events: readonly FeedEvent[], options: FeedOptions): string {
  const calendar = calendarFrame(name, options)
  for (const event of events) addEvent(calendar, event, options)
  return `${literalParams(calendar.toString())}\r\n`
}
