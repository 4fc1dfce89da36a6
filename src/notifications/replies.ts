import ICAL from 'ical.js'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'

/** The answer a calendar reply carries, in the service's words. */
export type CalendarAnswer = 'accepted' | 'declined' | 'delegated'

/**
 * An iTIP REPLY (RFC 5546 3.2.3) read from an e-mail: Gmail, Outlook and Apple Mail send one when
 * the person taps Yes / No / Maybe in the invitation. What it says about which invitation (UID and
 * the attendee's address) and the answer; the matching to an invitation is the service's.
 */
export interface CalendarReply {
  /** The event's UID, `<hearing id>@giaitrinh` for the service's events. */
  uid: string
  /** The hearing's id when the UID is one of the service's. */
  hearingId: string | null
  /** The SEQUENCE of the version answered (0 when the reply names none). */
  sequence: number
  /** The attendee who answered: their address (lower case) and name. */
  attendee: { email: string, name: string | null }
  partstat: string
  answer: CalendarAnswer | null
  /** COMMENT: the person's words, the reason of a decline. */
  comment: string | null
  /** DELEGATED-TO: the substitute's address and name (from their own ATTENDEE line, when given). */
  delegate: { email: string, name: string | null } | null
  /** The e-mail's Message-ID, for the log. */
  messageId: string | null
}

/** Why a message in the mailbox is not an answer (it is left alone). */
export type NotAnAnswer = { skip: string }

/** Longest COMMENT kept (the invitation page's reason allows as much). */
const COMMENT_LIMIT = 1000
const NAME_LIMIT = 200

const ANSWERS: Record<string, CalendarAnswer> = { ACCEPTED: 'accepted', DECLINED: 'declined', DELEGATED: 'delegated' }
const HEARING_UID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@giaitrinh$/i

function mailto (value: unknown): string | null {
  if (typeof value !== 'string') return null
  const address = value.replace(/^mailto:/i, '').trim().toLowerCase()
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : null
}

function clip (value: unknown, limit: number): string | null {
  if (typeof value !== 'string') return null
  // Control characters (but line breaks) are not words; a comment is kept as far as the page's limit.
  const text = value.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '').trim() // eslint-disable-line no-control-regex
  return text ? text.slice(0, limit) : null
}

function senders (mail: ParsedMail): string[] {
  const from = mail.from as AddressObject | undefined
  return (from?.value ?? []).map((entry) => entry.address?.toLowerCase()).filter((address): address is string => Boolean(address))
}

/** The mail's calendar parts' text (a text/calendar alternative, or an .ics attachment). */
function calendarParts (mail: ParsedMail): string[] {
  return mail.attachments
    .filter((part) => /^(text\/calendar|application\/ics)$/i.test(part.contentType) || /\.ics$/i.test(part.filename ?? ''))
    .map((part) => part.content.toString('utf8'))
}

/**
 * Reads one e-mail: its calendar REPLY, or why it is not one. Automatic replies (RFC 3834
 * Auto-Submitted, out-of-office) and mail without a REPLY (a person writing back) are not answers.
 */
export async function readCalendarReply (raw: Buffer | string): Promise<CalendarReply | NotAnAnswer> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true })
  const auto = mail.headers.get('auto-submitted')
  if (typeof auto === 'string' && auto.trim().toLowerCase() !== 'no') return { skip: `an automatic reply (Auto-Submitted: ${auto})` }
  for (const text of calendarParts(mail)) {
    let calendar: ICAL.Component
    try {
      calendar = new ICAL.Component(ICAL.parse(text))
    } catch {
      continue
    }
    if (String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase() !== 'REPLY') continue
    const event = calendar.getFirstSubcomponent('vevent')
    if (!event) continue
    const uid = String(event.getFirstPropertyValue('uid') ?? '')
    const attendees = event.getAllProperties('attendee').map((property) => ({
      email: mailto(property.getFirstValue()),
      name: clip(property.getParameter('cn'), NAME_LIMIT),
      partstat: String(property.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase(),
      delegatedTo: mailto(property.getParameter('delegated-to'))
    })).filter((attendee): attendee is typeof attendee & { email: string } => attendee.email !== null)
    // The one who answers is the sender; a delegation also names the delegate as an attendee.
    const from = senders(mail)
    const answering = attendees.find((attendee) => from.includes(attendee.email)) ?? (attendees.length === 1 && from.length === 0 ? attendees[0] : undefined)
    if (!answering) return { skip: `the reply's attendee (${attendees.map((a) => a.email).join(', ') || 'none'}) is not its sender (${from.join(', ') || 'none'})` }
    const delegate = answering.delegatedTo
      ? { email: answering.delegatedTo, name: attendees.find((attendee) => attendee.email === answering.delegatedTo)?.name ?? null }
      : null
    const sequence = Number(event.getFirstPropertyValue('sequence') ?? 0)
    return {
      uid,
      hearingId: HEARING_UID.exec(uid)?.[1]?.toLowerCase() ?? null,
      sequence: Number.isSafeInteger(sequence) ? sequence : 0,
      attendee: { email: answering.email, name: answering.name },
      partstat: answering.partstat,
      answer: ANSWERS[answering.partstat] ?? null,
      comment: clip(event.getFirstPropertyValue('comment'), COMMENT_LIMIT),
      delegate,
      messageId: mail.messageId ?? null
    }
  }
  return { skip: 'no calendar reply (METHOD:REPLY) in it: a person\'s message, left for people to read' }
}

export function isCalendarReply (value: CalendarReply | NotAnAnswer): value is CalendarReply {
  return !('skip' in value)
}
