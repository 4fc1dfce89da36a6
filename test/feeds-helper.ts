import ICAL from 'ical.js'

export interface ParsedEvent {
  uid: string
  sequence: number
  status: string
  summary: string
  location: string | null
  description: string
  url: string
  start: string
  end: string
  dtstamp: string
  organizer: { cn: string, value: string }
  attendees: Array<{ cn: string, role: string, partstat: string, value: string, xrole: string }>
}

/** Parses a feed with ical.js (an independent parser); throws on anything it cannot read. */
export function parseFeed (text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text))
  const events: ParsedEvent[] = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent)
    const organizer = vevent.getFirstProperty('organizer')!
    return {
      uid: event.uid,
      sequence: Number(vevent.getFirstPropertyValue('sequence')),
      status: String(vevent.getFirstPropertyValue('status')),
      summary: event.summary,
      location: event.location || null,
      description: event.description,
      url: String(vevent.getFirstPropertyValue('url')),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      dtstamp: String(vevent.getFirstPropertyValue('dtstamp')),
      organizer: { cn: String(organizer.getParameter('cn')), value: String(organizer.getFirstValue()) },
      attendees: vevent.getAllProperties('attendee').map((p) => ({
        cn: String(p.getParameter('cn')),
        role: String(p.getParameter('role')),
        partstat: String(p.getParameter('partstat')),
        value: String(p.getFirstValue()),
        xrole: String(p.getParameter('x-giaitrinh-role'))
      }))
    }
  })
  return {
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    refresh: String(calendar.getFirstPropertyValue('refresh-interval')),
    ttl: String(calendar.getFirstPropertyValue('x-published-ttl')),
    events
  }
}
