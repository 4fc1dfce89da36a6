import type { DateTime } from 'luxon'
import { inZone } from '../domain/zone.js'
import { TERMS, type Lang } from '../words/terms.js'

/** "08 giờ 00 – 11 giờ 30, thứ Năm, ngày 18/12/2026 (giờ Hà Nội)"; English "Thu 18 Dec 2026, 08:00–11:30 (Hà Nội time)". */
export function formatWhen (startsAt: Date | null, endsAt: Date | null, zone: string, lang: Lang): string {
  if (!startsAt) return TERMS[lang].noTime
  const start = inZone(startsAt, zone)
  const end = endsAt ? inZone(endsAt, zone) : undefined
  const zoneName = TERMS[lang].zoneName(zone)
  if (lang === 'vi') {
    const hours = (t: DateTime) => t.toFormat("HH 'giờ' mm")
    return `${hours(start)}${end ? ` – ${hours(end)}` : ''}, ${TERMS.vi.weekdays[start.weekday - 1]}, ngày ${start.toFormat('dd/MM/yyyy')} (${zoneName})`
  }
  return `${start.setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm')}${end ? `–${end.toFormat('HH:mm')}` : ''} (${zoneName})`
}

/** dd/MM/yyyy in the zone, or an em dash. */
export function formatDay (date: Date | null, zone: string): string {
  return date ? inZone(date, zone).toFormat('dd/MM/yyyy') : '—'
}

/** A value for <input type="datetime-local"> in the zone. */
export function localInput (date: Date | null, zone: string): string {
  return date ? inZone(date, zone).toFormat("yyyy-MM-dd'T'HH:mm") : ''
}
