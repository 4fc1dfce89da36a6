import { Duration } from 'luxon'
import type { Db } from '../db/client.js'
import { councilNotificationRow, serviceSetting } from '../db/queries/notifications.js'
import type { NotificationSettingsOverrides } from '../db/schema.js'
import { fail } from '../domain/errors.js'

/** What decides who is told what and when: every key resolved (council, else service default, else built-in). */
export interface NotificationSettings {
  /** Reminders before the start, per audience, as ISO 8601 durations. */
  reminders: { explainer: string[], participant: string[], member: string[] }
  /** No reminder goes out in these hours (council's zone), e.g. 21:00-07:00. */
  quietHours: string
  /** The secretariat is told after the end of a hearing still without an outcome, after each of these. */
  outcomeOverdue: string[]
  /** The secretariat is told when a held hearing has no conclusion notice this long after its end. */
  conclusionOverdue: string
}

export const NOTIFICATION_DEFAULTS_KEY = 'notification_defaults'

/**
 * No law sets when the conclusion notice is due (Law 87/2015 Art. 72 names no deadline; Law
 * 121/2025's guiding resolutions are not verified here): the default is this service's, marked so.
 */
export const CONCLUSION_OVERDUE_BASIS = 'unverified: no deadline for the conclusion notice is set by Law 87/2015 (Art. 72), and the guiding resolutions of Law 121/2025 are not verified; this is a default for each council to set'

export function builtInSettings (quietHours: string): NotificationSettings {
  return {
    reminders: { explainer: ['P3D', 'P1D', 'PT2H'], participant: ['P1D', 'PT2H'], member: ['P1D', 'PT2H'] },
    quietHours,
    outcomeOverdue: ['P1D', 'P3D'],
    conclusionOverdue: 'P15D'
  }
}

/** The level below over the level above, key by key (reminders audience by audience). */
export function mergeSettings (above: NotificationSettings, below: NotificationSettingsOverrides | null | undefined): NotificationSettings {
  if (!below) return above
  return {
    reminders: { ...above.reminders, ...below.reminders },
    quietHours: below.quietHours ?? above.quietHours,
    outcomeOverdue: below.outcomeOverdue ?? above.outcomeOverdue,
    conclusionOverdue: below.conclusionOverdue ?? above.conclusionOverdue
  }
}

/** Bounds of each duration (the schema checks the form; these, the span). */
const BOUNDS = {
  reminder: { min: Duration.fromObject({ minutes: 5 }), max: Duration.fromObject({ days: 60 }) },
  outcomeOverdue: { min: Duration.fromObject({ hours: 1 }), max: Duration.fromObject({ days: 60 }) },
  conclusionOverdue: { min: Duration.fromObject({ days: 1 }), max: Duration.fromObject({ days: 365 }) }
} as const

function checkDuration (name: string, value: string, bounds: { min: Duration, max: Duration }) {
  const duration = Duration.fromISO(value)
  if (!duration.isValid) throw fail('DURATION_INVALID', { name, value })
  if (duration.years || duration.months) throw fail('DURATION_VARIABLE', { name, value })
  const ms = duration.toMillis()
  if (ms < bounds.min.toMillis() || ms > bounds.max.toMillis()) {
    throw fail('DURATION_OUT_OF_RANGE', { name, value, min: bounds.min.toISO()!, max: bounds.max.toISO()! })
  }
}

/** Checks what a council or an admin sends (the schema has checked its shape). */
export function checkOverrides (overrides: NotificationSettingsOverrides, parseQuiet: (text: string) => unknown): void {
  for (const [audience, offsets] of Object.entries(overrides.reminders ?? {})) {
    for (const offset of offsets ?? []) checkDuration(`reminders.${audience}`, offset, BOUNDS.reminder)
    if (new Set(offsets).size !== offsets?.length) throw fail('REMINDER_OFFSET_TWICE', { audience })
  }
  for (const offset of overrides.outcomeOverdue ?? []) checkDuration('outcomeOverdue', offset, BOUNDS.outcomeOverdue)
  if (overrides.conclusionOverdue !== undefined) checkDuration('conclusionOverdue', overrides.conclusionOverdue, BOUNDS.conclusionOverdue)
  if (overrides.quietHours !== undefined) {
    try {
      parseQuiet(overrides.quietHours)
    } catch (error) {
      throw fail('QUIET_HOURS_INVALID', { value: overrides.quietHours, reason: (error as Error).message })
    }
  }
}

/** The service-wide defaults: built-in (with QUIET_HOURS), under what an admin set. */
export async function serviceDefaults (db: Db, quietHours: string): Promise<{ settings: NotificationSettings, overrides: NotificationSettingsOverrides }> {
  const row = await serviceSetting(db, NOTIFICATION_DEFAULTS_KEY)
  const overrides = (row?.value ?? {}) as NotificationSettingsOverrides
  return { settings: mergeSettings(builtInSettings(quietHours), overrides), overrides }
}

/** A council's settings as they apply: its own over the service's defaults; and its secretariat's address. */
export async function councilNotificationSettings (db: Db, councilId: string, quietHours: string) {
  const [council, defaults] = await Promise.all([
    councilNotificationRow(db, councilId),
    serviceDefaults(db, quietHours)
  ])
  return {
    settings: mergeSettings(defaults.settings, council?.overrides),
    overrides: council?.overrides ?? {},
    notificationEmail: council?.notificationEmail ?? null,
    timezone: council?.timezone
  }
}
