import { DateTime, Interval } from 'luxon'

/** A rule of notice in force from a date (a legal regime). */
export interface NoticeRule {
  code: string
  name: string
  effectiveFrom: string
  effectiveTo: string | null
  explainerNoticeDays: number
  dayKind: 'calendar' | 'working'
  verified: boolean
}

/** Days that are not what the weekday says: statutory holidays, announced days off, make-up working days. */
export interface CalendarFacts {
  /** Statutory public holidays by ISO date, with their names. */
  holidays: ReadonlyMap<string, string>
  /** Announced by the government or an admin: extra days off and make-up working days. */
  announced: ReadonlyMap<string, { kind: 'day_off' | 'working_day', name: string }>
}

/** Office hours as minutes after midnight, e.g. [[480, 720], [780, 1020]]. */
export type OfficeHours = ReadonlyArray<readonly [number, number]>

export type ScheduleWarning =
  | { code: 'in_the_past', message: string, startsAt: string }
  | { code: 'notice_too_short', message: string, requiredDays: number, actualDays: number, dayKind: 'calendar' | 'working', rule: string }
  | { code: 'public_holiday' | 'day_off', message: string, date: string, name: string }
  | { code: 'weekend', message: string, date: string }
  | { code: 'outside_office_hours', message: string, officeHours: string }

/** "HH:MM-HH:MM" as minutes after midnight, or undefined when it is not of that form. */
function timeRange (text: string): readonly [number, number] | undefined {
  const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text)
  return match ? [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])] : undefined
}

export function parseOfficeHours (text: string): OfficeHours {
  return text.split(',').map((range) => {
    const minutes = timeRange(range)
    if (!minutes) throw new Error(`"${range}" is not a range like 08:00-12:00`)
    const [from, to] = minutes
    if (!(from < to && to <= 24 * 60)) throw new Error(`"${range}" must start before it ends, within one day`)
    return [from, to] as const
  })
}

/** Hours in which no reminder goes out, as minutes after midnight in the council's zone: [from, to), across midnight when from > to. */
export interface QuietHours { from: number, to: number }

/** QUIET_HOURS when not set. */
export const DEFAULT_QUIET_HOURS_TEXT = '21:00-07:00'

export function parseQuietHours (text: string): QuietHours {
  const minutes = timeRange(text)
  if (!minutes) throw new Error(`"${text}" is not a range like 21:00-07:00`)
  const [from, to] = minutes
  if (from > 24 * 60 || to > 24 * 60 || from === to) throw new Error(`"${text}" must be two different times of day`)
  return { from, to }
}

/** When a reminder due at `due` goes: at once, or at the end of the quiet hours it falls in. */
export function afterQuietHours (due: Date, zone: string, quiet: QuietHours): Date {
  const local = DateTime.fromJSDate(due, { zone })
  const minute = local.hour * 60 + local.minute
  const quietNow = quiet.from < quiet.to ? minute >= quiet.from && minute < quiet.to : minute >= quiet.from || minute < quiet.to
  if (!quietNow) return due
  const end = local.startOf('day').plus({ minutes: quiet.to })
  return (end <= local ? end.plus({ days: 1 }) : end).toJSDate()
}

export function formatOfficeHours (hours: OfficeHours): string {
  const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
  return hours.map(([from, to]) => `${hhmm(from)}-${hhmm(to)}`).join(', ')
}

/** The rule in force on a day, or undefined before the first regime. */
export function ruleOn<R extends NoticeRule> (rules: readonly R[], day: string): R | undefined {
  return rules.find((rule) => rule.effectiveFrom <= day && (rule.effectiveTo === null || rule.effectiveTo >= day))
}

export function isWorkingDay (day: DateTime, facts: CalendarFacts): boolean {
  const iso = day.toISODate()!
  const announced = facts.announced.get(iso)
  if (announced) return announced.kind === 'working_day'
  if (facts.holidays.has(iso)) return false
  return day.weekday <= 5
}

/** Days of notice from `noticeDay` to the hearing's day: calendar days, or working days in between. */
export function noticeDays (noticeDay: DateTime, hearingDay: DateTime, kind: 'calendar' | 'working', facts: CalendarFacts): number {
  const calendarDays = Math.round(hearingDay.startOf('day').diff(noticeDay.startOf('day'), 'days').days)
  if (kind === 'calendar') return calendarDays
  let working = 0
  for (let day = noticeDay.startOf('day').plus({ days: 1 }); day < hearingDay.startOf('day'); day = day.plus({ days: 1 })) {
    if (isWorkingDay(day, facts)) working++
  }
  return working
}

/**
 * What a secretariat should know before scheduling at this time: short notice, a holiday or day off,
 * a weekend, a time outside office hours. Judged in the council's zone, whatever the server's TZ.
 */
export function scheduleWarnings (input: {
  startsAt: Date
  endsAt: Date
  zone: string
  now: Date
  rules: readonly NoticeRule[]
  facts: CalendarFacts
  officeHours: OfficeHours
}): ScheduleWarning[] {
  const warnings: ScheduleWarning[] = []
  const start = DateTime.fromJSDate(input.startsAt, { zone: input.zone })
  const end = DateTime.fromJSDate(input.endsAt, { zone: input.zone })
  const today = DateTime.fromJSDate(input.now, { zone: input.zone })
  const day = start.toISODate()!

  const rule = ruleOn(input.rules, day)
  if (start < today) {
    // Not "notice too short by -81 days": the time has passed, and no notice can be given for it.
    const when = start.toFormat('yyyy-MM-dd HH:mm')
    warnings.push({
      code: 'in_the_past',
      message: `This time has already passed (${when}, ${input.zone}): nobody can be given notice for it. To record a hearing that took place, create it as held with its outcome; to hold it, choose a time ahead.`,
      startsAt: start.toISO()!
    })
  } else if (rule) {
    const actual = noticeDays(today, start, rule.dayKind, input.facts)
    if (actual < rule.explainerNoticeDays) {
      const unit = rule.dayKind === 'calendar' ? 'calendar days' : 'working days'
      warnings.push({
        code: 'notice_too_short',
        message: `Notice too short under ${rule.name}: required ${rule.explainerNoticeDays}, actual ${actual} ${unit} before the hearing for explainers to receive the topic and plan.`,
        requiredDays: rule.explainerNoticeDays,
        actualDays: actual,
        dayKind: rule.dayKind,
        rule: rule.code
      })
    }
  }

  for (const date of Interval.fromDateTimes(start.startOf('day'), end.endOf('day')).splitBy({ days: 1 }).map((i) => i.start!)) {
    const iso = date.toISODate()!
    const announced = input.facts.announced.get(iso)
    if (announced?.kind === 'working_day') continue
    if (announced?.kind === 'day_off') {
      warnings.push({ code: 'day_off', message: `${iso} is an announced day off (${announced.name}).`, date: iso, name: announced.name })
    } else if (input.facts.holidays.has(iso)) {
      const name = input.facts.holidays.get(iso)!
      warnings.push({ code: 'public_holiday', message: `${iso} is a public holiday (${name}).`, date: iso, name })
    } else if (date.weekday > 5) {
      warnings.push({ code: 'weekend', message: `${iso} is a ${date.setLocale('en').weekdayLong}.`, date: iso })
    }
  }

  const startMinute = start.hour * 60 + start.minute
  const endMinute = end.hasSame(start, 'day') ? end.hour * 60 + end.minute : 24 * 60 + 1
  const dayOpens = Math.min(...input.officeHours.map(([from]) => from))
  const dayCloses = Math.max(...input.officeHours.map(([, to]) => to))
  if (startMinute < dayOpens || endMinute > dayCloses) {
    const hours = formatOfficeHours(input.officeHours)
    warnings.push({ code: 'outside_office_hours', message: `The hearing runs outside office hours (${hours}, ${input.zone}).`, officeHours: hours })
  }
  return warnings
}
