import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { listNoticeRules } from '../../db/queries/calendar.js'
import { fail } from '../../domain/errors.js'
import { announceDay, createNoticeRule, updateNoticeRule, withdrawDay } from '../../services/calendar-days.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import {
  CalendarDayListSchema, CalendarDaySchema, CalendarQuerySchema, CreateNoticeRuleSchema, DayParams, NoticeRuleListSchema,
  NoticeRuleSchema, PutCalendarDaySchema, UpdateNoticeRuleSchema
} from '../../schemas/calendar.js'
import { calendarFacts } from '../../services/calendar.js'

/** Notice rules per legal regime, and the days that are not what the weekday says. Admins edit; everyone reads. */
const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/notice-rules', {
    schema: { tags: ['calendar'], summary: 'Notice rules by legal regime, oldest first', response: { 200: NoticeRuleListSchema } }
  }, async () => ({ items: await listNoticeRules(app.db) }))

  app.post('/notice-rules', {
    schema: {
      tags: ['calendar'],
      summary: 'Add a rule set (admin)',
      security: secured,
      body: CreateNoticeRuleSchema,
      response: { 201: Type.Ref(NoticeRuleSchema), ...problems(400, 401, 403, 409, 422) }
    }
  }, async (request, reply) => {
    const rule = await createNoticeRule(app.writeContext(request, app.requireAdmin(request)), request.body)
    return reply.code(201).send(rule)
  })

  app.patch('/notice-rules/:id', {
    schema: {
      tags: ['calendar'],
      summary: 'Change a rule set, e.g. once a guiding resolution is verified (admin)',
      security: secured,
      params: IdParams,
      body: UpdateNoticeRuleSchema,
      response: { 200: Type.Ref(NoticeRuleSchema), ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => {
    return updateNoticeRule(app.writeContext(request, app.requireAdmin(request)), request.params.id, request.body)
  })

  app.get('/calendar/days', {
    schema: {
      tags: ['calendar'],
      summary: 'Public holidays, announced days off and make-up working days in a range (at most 2 years)',
      querystring: CalendarQuerySchema,
      response: { 200: CalendarDayListSchema, ...problems(400) }
    }
  }, async (request) => {
    const { from, to } = request.query
    const span = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days
    if (span < 0 || span > 732) throw fail('CALENDAR_RANGE')
    const facts = await calendarFacts(app.db, from, to)
    const days = new Map<string, { day: string, kind: 'day_off' | 'working_day', name: string, source: 'statutory' | 'announced' }>()
    for (const [day, name] of facts.holidays) days.set(day, { day, kind: 'day_off', name, source: 'statutory' })
    for (const [day, fact] of facts.announced) days.set(day, { day, ...fact, source: 'announced' })
    return { items: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)) }
  })

  app.put('/calendar/days/:day', {
    schema: {
      tags: ['calendar'],
      summary: 'Announce a day off or a make-up working day (admin)',
      security: secured,
      params: DayParams,
      body: PutCalendarDaySchema,
      response: { 200: Type.Ref(CalendarDaySchema), ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const row = await announceDay(app.writeContext(request, app.requireAdmin(request)), request.params.day, request.body)
    return { day: row.day, kind: row.kind, name: row.name, source: 'announced' as const }
  })

  app.delete('/calendar/days/:day', {
    schema: {
      tags: ['calendar'],
      summary: 'Withdraw an announced day (admin)',
      security: secured,
      params: DayParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await withdrawDay(app.writeContext(request, app.requireAdmin(request)), request.params.day)
    return reply.code(204).send(null)
  })
}

export default calendarRoutes
