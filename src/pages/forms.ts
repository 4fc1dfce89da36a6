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

const UNITS: Record<string, 'days' | 'hours' | 'minutes'> = {
  ngày: 'days',
  d: 'days',
  day: 'days',
  days: 'days',
  giờ: 'hours',
  h: 'hours',
  hour: 'hours',
  hours: 'hours',
  phút: 'minutes',
  m: 'minutes',
  min: 'minutes',
  minute: 'minutes',
  minutes: 'minutes'
}
const ISO_CODES = { days: 'D', hours: 'H', minutes: 'M' } as const

/**
 * Durations as a person types them ("3 ngày, 1 ngày, 2 giờ", "3d, 2h", or ISO 8601 "P3D") as ISO
 * 8601 durations; "-" is none at all; an empty field is undefined (the default applies). The
 * settings' own checks (range, twice) follow in the service, as for the API.
 */
export function formDurations (value: string | undefined): string[] | undefined {
  const given = text(value)?.normalize('NFC')
  if (given === undefined) return undefined
  if (given === '-') return []
  return given.split(/[,;]/).map((part) => part.trim()).filter(Boolean).map((part) => {
    if (/^P(T?[0-9]{1,4}[DHM])+$/i.test(part)) return part.toUpperCase()
    const match = /^([0-9]{1,4})\s*([\p{L}]+)$/u.exec(part)
    const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined
    if (!match || !unit) throw fail('FORM_DURATION_INVALID', { value: part.slice(0, 40) })
    return `P${unit === 'days' ? '' : 'T'}${Number(match[1])}${ISO_CODES[unit]}`
  })
}

/** ISO 8601 durations as the settings page shows them ("3 ngày, 2 giờ"): what formDurations reads back. */
export function showDurations (values: string[] | undefined, lang: 'vi' | 'en'): string {
  if (values === undefined) return ''
  if (values.length === 0) return '-'
  const names = lang === 'vi' ? { D: 'ngày', H: 'giờ', M: 'phút' } : { D: 'd', H: 'h', M: 'min' }
  return values.map((value) => {
    const parts = [...value.matchAll(/([0-9]+)([DHM])/g)]
    return parts.length === 1 ? `${parts[0]![1]} ${names[parts[0]![2] as 'D' | 'H' | 'M']}` : value
  }).join(', ')
}
