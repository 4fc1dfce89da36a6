import type HolidaysType from 'date-holidays'
import { DateTime } from 'luxon'
import type { Db } from '../db/client.js'
import { listCalendarDays, listNoticeRules } from '../db/queries/calendar.js'
import { scheduleWarnings, type CalendarFacts, type OfficeHours, type ScheduleWarning } from '../domain/calendar.js'

const holidaysByYear = new Map<number, Map<string, string>>()
let vietnam: Promise<HolidaysType> | undefined

/** date-holidays and its rules are loaded on the first calendar question, not at start (~0.1 s of start-up). */
async function vietnamHolidays (): Promise<HolidaysType> {
  vietnam ??= import('date-holidays').then(({ default: Holidays }) => new Holidays('VN'))
  return vietnam
}

/** Statutory public holidays (Labour Code 2019, Art. 112) from date-holidays; lunar dates included. */
async function statutoryHolidays (year: number): Promise<Map<string, string>> {
  let days = holidaysByYear.get(year)
  if (!days) {
    days = new Map((await vietnamHolidays()).getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]))
    holidaysByYear.set(year, days)
  }
  return days
}

/** Holidays and announced days between two local dates (inclusive). */
export async function calendarFacts (db: Db, from: string, to: string): Promise<CalendarFacts> {
  const holidays = new Map<string, string>()
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const [day, name] of await statutoryHolidays(year)) if (day >= from && day <= to) holidays.set(day, name)
  }
  const announced = new Map((await listCalendarDays(db, from, to)).map((row) => [row.day, { kind: row.kind, name: row.name }]))
  return { holidays, announced }
}

/** The warnings for scheduling a hearing of a council in `zone` at this time, as of `now`. */
export async function warningsFor (
  db: Db, input: { startsAt: Date, endsAt: Date, zone: string, now: Date, officeHours: OfficeHours }
): Promise<ScheduleWarning[]> {
  const from = DateTime.fromJSDate(input.now < input.startsAt ? input.now : input.startsAt, { zone: input.zone }).toISODate()!
  const to = DateTime.fromJSDate(input.endsAt, { zone: input.zone }).toISODate()!
  const rules = await listNoticeRules(db)
  const facts = await calendarFacts(db, from, to)
  return scheduleWarnings({ ...input, rules, facts })
}
