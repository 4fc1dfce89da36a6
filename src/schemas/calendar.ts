import { Type, type Static } from '@sinclair/typebox'
import { IsoDate, Text, Timestamp, Uuid } from './common.js'

const DayKind = Type.Unsafe<'calendar' | 'working'>({ type: 'string', enum: ['calendar', 'working'], description: 'calendar days, or working days (Monday–Friday less holidays and days off, plus make-up days)' })

export const NoticeRuleSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  legalBasis: Type.String(),
  effectiveFrom: IsoDate,
  effectiveTo: Type.Union([IsoDate, Type.Null()]),
  explainerNoticeDays: Type.Integer({ minimum: 0 }),
  dayKind: DayKind,
  verified: Type.Boolean({ description: 'false where the rule is a default awaiting a verified legal source' }),
  createdAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'NoticeRule', additionalProperties: false })

const ruleFields = {
  code: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 2, maxLength: 80 }),
  name: Text({ maxLength: 300 }),
  legalBasis: Text({ maxLength: 2000 }),
  effectiveFrom: IsoDate,
  effectiveTo: Type.Union([IsoDate, Type.Null()]),
  explainerNoticeDays: Type.Integer({ minimum: 0, maximum: 365 }),
  dayKind: DayKind,
  verified: Type.Boolean()
}

export const CreateNoticeRuleSchema = Type.Object(ruleFields, { additionalProperties: false })
export type CreateNoticeRule = Static<typeof CreateNoticeRuleSchema>
export const UpdateNoticeRuleSchema = Type.Partial(Type.Object(ruleFields), { additionalProperties: false, minProperties: 1 })
export type UpdateNoticeRule = Static<typeof UpdateNoticeRuleSchema>

export const NoticeRuleListSchema = Type.Object({ items: Type.Array(Type.Ref(NoticeRuleSchema)) }, { $id: 'NoticeRuleList' })

export const CalendarDaySchema = Type.Object({
  day: IsoDate,
  kind: Type.Unsafe<'day_off' | 'working_day'>({ type: 'string', enum: ['day_off', 'working_day'] }),
  name: Type.String(),
  source: Type.Unsafe<'statutory' | 'announced'>({ type: 'string', enum: ['statutory', 'announced'], description: 'statutory: a public holiday by law; announced: added by an administrator' })
}, { $id: 'CalendarDay', additionalProperties: false })

export const PutCalendarDaySchema = Type.Object({
  kind: Type.Unsafe<'day_off' | 'working_day'>({ type: 'string', enum: ['day_off', 'working_day'], description: 'day_off: an announced extra day off; working_day: a make-up working day (e.g. a Saturday)' }),
  name: Text({ maxLength: 200, description: 'e.g. "Nghỉ Tết Nguyên đán"' })
}, { additionalProperties: false })
export type PutCalendarDay = Static<typeof PutCalendarDaySchema>

export const CalendarQuerySchema = Type.Object({
  from: IsoDate,
  to: IsoDate
}, { additionalProperties: false })

export const DayParams = Type.Object({ day: IsoDate }, { additionalProperties: false })

export const CalendarDayListSchema = Type.Object({ items: Type.Array(Type.Ref(CalendarDaySchema)) }, { $id: 'CalendarDayList' })

export const calendarSchemas = [NoticeRuleSchema, CalendarDaySchema]
