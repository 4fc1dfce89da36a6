import { DateTime } from 'luxon'
import { fail } from '../domain/errors.js'

/** Empty form fields are absent. */
export function text (value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed || undefined
}

/** A datetime-local value in the council's zone as ISO 8601 with its offset. */
export function zonedIso (value: string, zone: string): string {
  const time = DateTime.fromISO(value, { zone })
  if (!time.isValid) throw fail('FORM_TIME_INVALID', { value })
  return time.toISO({ suppressMilliseconds: true })!
}

/** A form's start and end (datetime-local, in the council's zone): both or neither given, the end after the start. */
export function formTimes (startsAt: string | undefined, endsAt: string | undefined, council: { timezone: string }) {
  const start = text(startsAt)
  const end = text(endsAt)
  if (!start || !end) throw fail('FORM_TIMES_TOGETHER')
  const iso = { startsAt: zonedIso(start, council.timezone), endsAt: zonedIso(end, council.timezone) }
  const dates = { startsAt: new Date(iso.startsAt), endsAt: new Date(iso.endsAt) }
  if (dates.endsAt <= dates.startsAt) throw fail('FORM_END_BEFORE_START')
  return { iso, dates }
}

/** Where to go after signing in: only a page of this site (dashboard, console, council and hearing pages). */
export function safeNext (next: string | undefined): string {
  // Printable ASCII only: it goes into a Location header, where CR/LF or raw letters like "Đ" cannot stand.
  return next && /^\/(dashboard|console|councils|hearings|account)(\/[\x21-\x2e\x30-\x5b\x5d-\x7e][\x21-\x7e]*)?$/.test(next) && !next.includes('//') ? next : '/console'
}
