import { createHash } from 'node:crypto'
import ical, { ICalCalendarMethod, ICalEventClass, ICalEventStatus, type ICalCalendar, type ICalEvent } from 'ical-generator'
import type { Lang } from '../schemas/common.js'
import { FEED as TEXT } from '../words/feeds.js'
import { hearingPagePath } from '../links/index.js'

import type { Answer, FeedAttendee, FeedEvent, MembershipRole } from '../db/queries/feeds.js'
export type { Answer, FeedAttendee, FeedEvent, MembershipRole }

export interface FeedOptions {
  lang: Lang
  baseUrl: string
  organizerEmail: string
  /** Seconds clients should wait between polls (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  ttlSeconds: number
  /** The ORGANIZER's mailbox is read (IMAP_URL): an e-mailed invitation (iTIP REQUEST, never a feed) asks its attendee for a reply (RSVP=TRUE). */
  rsvp?: boolean
}

const STATUS: Record<FeedEvent['status'], ICalEventStatus> = {
  draft: ICalEventStatus.TENTATIVE,
  postponed: ICalEventStatus.TENTATIVE,
  scheduled: ICalEventStatus.CONFIRMED,
  held: ICalEventStatus.CONFIRMED,
  cancelled: ICalEventStatus.CANCELLED
}
const ROLE = { explainer: 'REQ-PARTICIPANT', attendee: 'OPT-PARTICIPANT', guest: 'NON-PARTICIPANT' } as const
const PARTSTAT = { pending: 'NEEDS-ACTION', accepted: 'ACCEPTED', declined: 'DECLINED', delegated: 'DELEGATED' } as const

function person (p: { fullName: string, position: string | null, organization: string | null }): string {
  return [p.fullName, p.position, p.organization].filter(Boolean).join(' – ')
}

/** Who explains, as the public reads it: not those who declined; a substitute in place of who delegated. */
function explaining (event: FeedEvent, lang: Lang): string[] {
  const t = TEXT[lang]
  return event.explainers.flatMap((p) => {
    if (p.response === 'declined') return []
    if (p.response === 'delegated' && p.substituteName) {
      return [`${[p.substituteName, p.substitutePosition].filter(Boolean).join(' – ')} (${t.insteadOf(p.fullName)})`]
    }
    return [person(p)]
  })
}

function summary (event: FeedEvent, lang: Lang): string {
  const t = TEXT[lang]
  const prefix = event.withdrawn ? t.withdrawn : event.status === 'cancelled' ? t.cancelled : event.status === 'postponed' ? t.postponed : event.status === 'draft' ? t.draft : null
  return prefix ? `${prefix}: ${event.title}` : event.title
}

function description (event: FeedEvent, options: FeedOptions): string {
  const t = TEXT[options.lang]
  const lines = [`${t.council}: ${t.organizer(event.council.name)}`]
  if (event.withdrawn) lines.push(t.withdrawnNote)
  if (event.status === 'postponed') lines.push(t.postponedNote)
  if (event.reason && event.status === 'postponed') lines.push(`${t.postponeReason}: ${event.reason}`)
  if (event.reason && event.status === 'cancelled') lines.push(`${t.cancelReason}: ${event.reason}`)
  if (event.description) lines.push(`${t.topic}: ${event.description}`)
  const explainers = explaining(event, options.lang)
  if (explainers.length) lines.push(`${t.explainers}: ${explainers.join('; ')}`)
  if (event.outcome) {
    lines.push(`${t.outcome}: ${event.outcome.summary}`)
    if (event.outcome.delegatesPresent !== null) lines.push(`${t.delegatesPresent}: ${event.outcome.delegatesPresent}`)
    if (event.outcome.conclusionText) {
      const issued = event.outcome.conclusionIssuedOn ? ` (${t.issuedOn(event.outcome.conclusionIssuedOn)})` : ''
      lines.push(`${t.conclusion}${issued}: ${event.outcome.conclusionText}`)
    }
  }
  const own = event.attendees?.find((a) => a.personId === event.viewerId)
  if (own) {
    lines.push(`${t.yourRole}: ${t.roles[own.role]}`, `${t.yourAnswer}: ${t.answers[own.response]}`)
    if (own.response === 'delegated' && own.substituteName) lines.push(`${t.substitute}: ${own.substituteName} – ${own.substitutePosition ?? ''}`)
  } else if (event.membership) {
    lines.push(`${t.yourRole}: ${t.member(event.membership, event.council.name)}`)
  }
  lines.push(`${t.details}: ${hearingUrl(event.id, options.baseUrl)}`)
  return lines.join('\n')
}

export function hearingUrl (id: string, baseUrl: string): string {
  return `${baseUrl.replace(/\/$/, '')}${hearingPagePath(id)}`
}

/**
 * A parameter value (CN) that every reader gives back. RFC 5545 has no escapes in parameter values;
 * RFC 6868 adds ^' for a double quote, but python-icalendar, python-vobject and node-ical predate it
 * and show ^' as it is. A double quote is therefore written as a typographic one (“ opening, ”
 * closing), which every reader shows alike and which reads as the same mark; a caret is doubled only
 * where RFC 6868 readers would otherwise take it for an escape (^n, ^^, ^'), and a line break is ^n.
 * (ical-generator writes \", which broke whole feeds in python-vobject and let a name like
 * `x":mailto:evil@…` rewrite another attendee.)
 */
export function paramText (value: string): string {
  return value
    .replace(/\^(?=[n^'])/g, '^^')
    .replace(/(^|[\s([{])"/g, '$1“').replaceAll('"', '”')
    .replace(/\r?\n/g, '^n')
}

/** A property value of type TEXT (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped. */
export function propertyText (value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n')
}

/**
 * One content line with parameters (unfolded). Written here rather than by ical-generator, which
 * backslash-escapes quotes in parameters (see paramText) and writes every address as MAILTO:.
 * Parameter values are always quoted; they cannot hold a quote (see paramText) or a control character.
 */
function contentLine (name: string, params: Array<[string, string]>, value: string): string {
  const clean = (v: string) => paramText(v).replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '') // eslint-disable-line no-control-regex
  return `${name}${params.map(([key, v]) => `;${key}="${clean(v)}"`).join('')}:${value}\r\n`
}

/**
 * Folds content lines at 75 octets (RFC 5545 3.1), exactly as ical-generator's foldLines does, but
 * counting UTF-8 octets from the code units: its foldLines makes a TextEncoder for every character,
 * which was most of the time a feed took to build (0.85 ms of an event's 1.3 ms).
 */
export function fold (text: string): string {
  // Whole runs are copied with slice: a string built a character at a time is a rope of hundreds of
  // pieces, which every later join or hash would flatten again.
  let out = ''
  let start = 0
  let octets = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 13 && text.charCodeAt(i + 1) === 10) {
      i++
      octets = 0
      continue
    }
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length
    const size = pair ? 4 : code < 0x80 ? 1 : code < 0x800 ? 2 : 3
    octets += size
    if (octets > 74) {
      out += `${text.slice(start, i)}\r\n `
      start = i
      octets = size
    }
    if (pair) i++
  }
  return out + text.slice(start)
}

/**
 * A calendar address. The viewer's own is their e-mail when they have one; everyone else's (and a
 * viewer without e-mail) is the invitation's id as a URN: a personal feed does not hand out other
 * people's addresses, and no address is invented.
 */
function attendeeAddress (attendee: FeedAttendee, viewerId: string | undefined): string {
  return attendee.personId === viewerId && attendee.email ? `mailto:${attendee.email}` : `urn:uuid:${attendee.participantId}`
}

/** A stable id for the substitute named in a delegation, derived from the invitation's. */
export function substituteAddress (participantId: string): string {
  const hex = createHash('sha256').update(`substitute:${participantId}`).digest('hex')
  // A name-based UUID's layout (version 5 bits, RFC 4122 variant).
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function attendeeLines (event: FeedEvent, rsvp: boolean): string {
  let text = ''
  for (const attendee of event.attendees ?? []) {
    const params: Array<[string, string]> = [['CN', attendee.fullName], ['ROLE', ROLE[attendee.role]], ['PARTSTAT', PARTSTAT[attendee.response]]]
    // Calendars offer Yes / No / Maybe and send the answer to the ORGANIZER, whose mailbox is read.
    if (rsvp && attendee.personId === event.viewerId && attendee.email) params.push(['RSVP', 'TRUE'])
    const substitute = attendee.response === 'delegated' && attendee.substituteName ? substituteAddress(attendee.participantId) : null
    if (substitute) params.push(['DELEGATED-TO', substitute])
    params.push(['X-GIAITRINH-ROLE', attendee.role])
    text += contentLine('ATTENDEE', params, attendeeAddress(attendee, event.viewerId))
    if (substitute) {
      const name = [attendee.substituteName!, attendee.substitutePosition].filter(Boolean).join(' – ')
      text += contentLine('ATTENDEE', [
        ['CN', name], ['ROLE', ROLE[attendee.role]], ['PARTSTAT', 'ACCEPTED'], ['DELEGATED-FROM', attendeeAddress(attendee, event.viewerId)], ['X-GIAITRINH-ROLE', attendee.role]
      ], substitute)
    }
  }
  return text
}

function addEvent (calendar: ICalCalendar, event: FeedEvent, options: FeedOptions, withClass: boolean): ICalEvent {
  return calendar.createEvent({
    id: `${event.id}@giaitrinh`,
    sequence: event.sequence,
    // In a published feed (no METHOD) DTSTAMP is when the event's information last changed.
    stamp: event.modifiedAt,
    lastModified: event.modifiedAt,
    created: event.createdAt,
    start: event.startsAt,
    end: event.endsAt,
    summary: summary(event, options.lang),
    description: description(event, options),
    location: event.location,
    url: hearingUrl(event.id, options.baseUrl),
    status: event.uninvited ? null : event.withdrawn ? ICalEventStatus.CANCELLED : STATUS[event.status],
    ...(withClass ? { class: event.visibility === 'restricted' ? ICalEventClass.CONFIDENTIAL : ICalEventClass.PUBLIC } : {}),
    // Where the ORGANIZER line written here goes (see contentLine).
    x: [['X-GIAITRINH-ORGANIZER', '']]
  })
}

/**
 * One VEVENT as text (folded, CRLF): ical-generator's event, unfolded, with the lines that carry
 * names written here, then folded once.
 */
export function renderEvent (event: FeedEvent, options: FeedOptions, rsvp = false): string {
  const text = addEvent(ical(), event, options, event.attendees !== undefined).toString()
  const organizer = contentLine('ORGANIZER', [['CN', TEXT[options.lang].organizer(event.council.name)]], `mailto:${options.organizerEmail}`)
  const end = text.lastIndexOf('END:VEVENT')
  return fold(text.slice(0, end).replace('X-GIAITRINH-ORGANIZER:\r\n', organizer) + attendeeLines(event, rsvp) + 'END:VEVENT') + '\r\n'
}

export interface CalendarFrame {
  kind: 'council' | 'person'
  /** The council's or the person's name. */
  name: string
  /** The zone the calendar's people read it in (the council's; a person's feed, the service's). */
  zone: string
}

/** The VCALENDAR around the events: name, description, zone hint, refresh interval. */
function calendarFrame (frame: CalendarFrame, options: FeedOptions): ICalCalendar {
  const t = TEXT[options.lang]
  return ical({
    // NAME, X-WR-CALNAME and X-WR-CALDESC are TEXT, which ical-generator writes as given.
    name: propertyText(frame.kind === 'council' ? t.calendar(frame.name) : t.personal(frame.name)),
    description: propertyText(frame.kind === 'council' ? t.councilDescription(frame.name) : t.personalDescription(frame.name)),
    prodId: { company: 'giaitrinh', product: 'hearings', language: options.lang.toUpperCase() },
    ttl: options.ttlSeconds,
    // A hint only: every time in the feed is UTC.
    x: [['X-WR-TIMEZONE', frame.zone]]
  })
}

export function renderCalendar (frame: CalendarFrame, events: readonly string[], options: FeedOptions): string {
  const text = calendarFrame(frame, options).toString()
  const end = text.lastIndexOf('END:VCALENDAR')
  // Every content line ends with CRLF, the last one too (RFC 5545 3.1).
  return `${text.slice(0, end)}${events.join('')}${text.slice(end)}\r\n`
}

/** A full build with ical-generator of every event in one calendar: the benchmark's baseline. */
export function renderFullCalendar (frame: CalendarFrame, events: readonly FeedEvent[], options: FeedOptions): string {
  return renderCalendar(frame, events.map((event) => renderEvent(event, options)), options)
}

/**
 * One event as an iTIP message (RFC 5546) for e-mail: METHOD:REQUEST for an invitation or a change,
 * METHOD:CANCEL for a cancellation or a withdrawn invitation. The event is the feed's (same UID and
 * SEQUENCE), with the recipient as its one ATTENDEE.
 */
export function renderItip (event: FeedEvent, options: FeedOptions, method: 'REQUEST' | 'CANCEL'): string {
  const text = ical({
    prodId: { company: 'giaitrinh', product: 'hearings', language: options.lang.toUpperCase() },
    method: method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL
  }).toString()
  const end = text.lastIndexOf('END:VCALENDAR')
  return `${text.slice(0, end)}${renderEvent(event, options, method === 'REQUEST' && options.rsvp === true)}${text.slice(end)}\r\n`
}
