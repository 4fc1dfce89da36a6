import { and, asc, eq, gte, lte } from 'drizzle-orm'
import type { Db } from '../client.js'
import { calendarDays, noticeRules } from '../schema.js'

export type NoticeRuleRow = typeof noticeRules.$inferSelect
export type CalendarDay = typeof calendarDays.$inferSelect

export async function listNoticeRules (db: Db): Promise<NoticeRuleRow[]> {
  return db.select().from(noticeRules).orderBy(asc(noticeRules.effectiveFrom))
}

export async function findNoticeRule (db: Db, id: string): Promise<NoticeRuleRow | undefined> {
  const [rule] = await db.select().from(noticeRules).where(eq(noticeRules.id, id))
  return rule
}

export async function insertNoticeRule (tx: Db, values: typeof noticeRules.$inferInsert): Promise<NoticeRuleRow> {
  const [rule] = await tx.insert(noticeRules).values(values).returning()
  return rule!
}

export async function updateNoticeRuleRow (tx: Db, id: string, values: Partial<typeof noticeRules.$inferInsert>, now: Date): Promise<NoticeRuleRow> {
  const [rule] = await tx.update(noticeRules).set({ ...values, updatedAt: now }).where(eq(noticeRules.id, id)).returning()
  return rule!
}

export async function listCalendarDays (db: Db, from: string, to: string): Promise<CalendarDay[]> {
  return db.select().from(calendarDays).where(and(gte(calendarDays.day, from), lte(calendarDays.day, to))).orderBy(asc(calendarDays.day))
}

export async function findCalendarDay (db: Db, day: string): Promise<CalendarDay | undefined> {
  const [row] = await db.select().from(calendarDays).where(eq(calendarDays.day, day))
  return row
}

export async function upsertCalendarDay (tx: Db, values: typeof calendarDays.$inferInsert): Promise<CalendarDay> {
  const [row] = await tx.insert(calendarDays).values(values)
    .onConflictDoUpdate({ target: calendarDays.day, set: { kind: values.kind, name: values.name, updatedAt: values.updatedAt } }).returning()
  return row!
}

export async function deleteCalendarDay (tx: Db, day: string): Promise<void> {
  await tx.delete(calendarDays).where(eq(calendarDays.day, day))
}
