import { Type } from '@sinclair/typebox'
import { Uuid } from './common.js'

const ZonedTime = Type.String({ format: 'date-time', description: 'In the council\'s zone' })

export const NotificationSchema = Type.Object({
  id: Uuid,
  kind: Type.Unsafe<string>({
    type: 'string',
    enum: ['invitation', 'update', 'postponement', 'cancellation', 'removal', 'reminder', 'answer', 'outcome_overdue', 'conclusion_overdue'],
    description: 'To invited people and members: invitation, update, postponement, cancellation, removal, reminder. To the council\'s secretariat: answer (declined or delegated), outcome_overdue (the hearing ended without an outcome), conclusion_overdue (held, no conclusion notice)'
  }),
  reminderOffset: Type.Union([Type.String(), Type.Null()], { description: 'A reminder\'s time before the start, or an overdue notice\'s after the end, ISO 8601 (P3D, P1D, PT2H)' }),
  channel: Type.Unsafe<string>({ type: 'string', enum: ['email', 'webhook'] }),
  personId: Type.Union([Uuid, Type.Null()], { description: 'Null for a notice to the council\'s secretariat' }),
  fullName: Type.Union([Type.String(), Type.Null()]),
  recipient: Type.String({ description: 'The address it was sent to (the endpoint\'s URL for a webhook)' }),
  endpointId: Type.Union([Uuid, Type.Null()], { description: 'The webhook endpoint, for a webhook' }),
  sequence: Type.Integer({ description: 'The hearing\'s SEQUENCE it is about' }),
  status: Type.Unsafe<string>({
    type: 'string',
    enum: ['pending', 'sent', 'superseded', 'skipped', 'dead'],
    description: 'pending: to be sent (or retried at dueAt); sent; superseded: about a time or state that no longer holds, not sent; skipped: a reminder whose time had passed, that the quiet hours would push past the start, or whose person opted out; dead: every attempt failed (lastError says why)'
  }),
  attempts: Type.Integer(),
  dueAt: ZonedTime,
  sentAt: Type.Union([ZonedTime, Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: ZonedTime
}, { $id: 'Notification', additionalProperties: false })

export const NotificationListSchema = Type.Object({ items: Type.Array(Type.Ref(NotificationSchema)) }, { $id: 'NotificationList' })
export const NotificationParams = Type.Object({ id: Uuid, notificationId: Uuid }, { additionalProperties: false })
export const notificationSchemas = [NotificationSchema, NotificationListSchema]
