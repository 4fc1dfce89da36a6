import {
  deleteCalendarDay, findCalendarDay, findNoticeRule, insertNoticeRule, updateNoticeRuleRow, upsertCalendarDay,
  type CalendarDay, type NoticeRuleRow
} from '../db/queries/calendar.js'
import { fail } from '../domain/errors.js'
import type { CreateNoticeRule, PutCalendarDay, UpdateNoticeRule } from '../schemas/calendar.js'
import { write, type WriteContext } from './write.js'

/** Notice rules and announced days: service-wide data that administrators keep. */
export async function createNoticeRule (ctx: WriteContext, input: CreateNoticeRule): Promise<NoticeRuleRow> {
  return write(ctx, async ({ tx, now, record }) => {
    const created = await insertNoticeRule(tx, { ...input, createdAt: now, updatedAt: now })
    await record({ action: 'create', entity: 'notice_rule', entityId: created.id, councilId: null, after: created })
    return created
  })
}

export async function updateNoticeRule (ctx: WriteContext, id: string, changes: UpdateNoticeRule): Promise<NoticeRuleRow> {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await findNoticeRule(tx, id)
    if (!before) throw fail('NOTICE_RULE_NOT_FOUND', { id })
    const after = await updateNoticeRuleRow(tx, before.id, changes, now)
    await record({ action: 'update', entity: 'notice_rule', entityId: after.id, councilId: null, before, after })
    return after
  })
}

export async function announceDay (ctx: WriteContext, day: string, input: PutCalendarDay): Promise<CalendarDay> {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await findCalendarDay(tx, day)
    const after = await upsertCalendarDay(tx, { day, ...input, createdAt: now, updatedAt: now })
    await record({ action: before ? 'update' : 'create', entity: 'calendar_day', entityId: after.day, councilId: null, before, after })
    return after
  })
}

export async function withdrawDay (ctx: WriteContext, day: string): Promise<void> {
  await write(ctx, async ({ tx, record }) => {
    const before = await findCalendarDay(tx, day)
    if (!before) throw fail('DAY_OFF_NOT_FOUND', { day })
    await deleteCalendarDay(tx, before.day)
    await record({ action: 'delete', entity: 'calendar_day', entityId: before.day, councilId: null, before })
  })
}
