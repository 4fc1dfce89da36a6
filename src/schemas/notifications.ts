import { Type } from '@sinclair/typebox'
import { CouncilKey, Uuid } from './common.js'

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
/** Every kind of notice, by whom it is for: the `type` of a webhook's payload is `person.<kind>` or `secretariat.<kind>`. */
export const WEBHOOK_TYPES = [
  ...['invitation', 'update', 'postponement', 'cancellation', 'removal', 'reminder'].map((kind) => `person.${kind}`),
  ...['answer', 'outcome_overdue', 'conclusion_overdue'].map((kind) => `secretariat.${kind}`)
]

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

/** What a webhook receiver (an SMS or Zalo gateway) is posted, signed by Standard Webhooks. */
export const WebhookPayloadSchema = Type.Object({
  type: Type.String({ enum: WEBHOOK_TYPES, description: 'person.<kind> for a notice to an invited person or a member, secretariat.<kind> for one to the council\'s secretariat' }),
  timestamp: Type.String({ format: 'date-time', description: 'When the notice was planned (the change that caused it): the same in every attempt, so a retry posts the same body; when this attempt was sent is the webhook-timestamp header' }),
  data: Type.Object({
    notificationId: Uuid,
    kind: Type.String(),
    reminderOffset: Nullable(Type.String({ description: 'A reminder\'s offset before the start, ISO 8601 (P1D)' })),
    sequence: Type.Integer({ description: 'The hearing\'s SEQUENCE the notice is about' }),
    council: Type.Object({ id: Uuid, code: Nullable(Type.String()) }, { additionalProperties: false }),
    hearing: Type.Object({
      id: Uuid,
      uid: Type.String({ description: 'The calendar UID (feeds, e-mails)' }),
      url: Type.String({ description: 'The hearing\'s page' }),
      title: Type.String(),
      status: Type.String({ enum: ['draft', 'scheduled', 'postponed', 'held', 'cancelled'] }),
      startsAt: Nullable(Type.String({ format: 'date-time' })),
      endsAt: Nullable(Type.String({ format: 'date-time' })),
      location: Nullable(Type.String())
    }, { additionalProperties: false }),
    recipient: Type.Union([
      Type.Object({
        personId: Uuid,
        fullName: Type.String(),
        phone: Nullable(Type.String()),
        email: Nullable(Type.String()),
        locale: Type.String({ enum: ['vi', 'en'] }),
        role: Nullable(Type.String({ enum: ['explainer', 'attendee', 'guest'] }))
      }, { additionalProperties: false }),
      Type.Object({ secretariat: Type.Literal(true), email: Nullable(Type.String()) }, { additionalProperties: false })
    ]),
    subject: Type.String({ description: 'The message\'s subject, in the recipient\'s language' }),
    text: Type.String({ description: 'What a gateway sends as the SMS or Zalo message, in the recipient\'s language' })
  }, { additionalProperties: false })
}, { $id: 'WebhookPayload', additionalProperties: false })

export const notificationSchemas = [NotificationSchema, NotificationListSchema, WebhookPayloadSchema]

/** A time before a start or after an end: days, hours, minutes (no months: their length varies). */
const Offset = Type.String({ pattern: '^P(?=\\d|T\\d)(\\d{1,3}D)?(T(?=\\d)(\\d{1,4}H)?(\\d{1,5}M)?)?$', maxLength: 20, description: 'ISO 8601 duration in days, hours, minutes: P3D, P1D, PT2H, PT30M', examples: ['P1D'] })
const Offsets = Type.Array(Offset, { maxItems: 6 })
const QuietHoursText = Type.String({ pattern: '^\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}$', maxLength: 11, description: 'From-to in the council\'s zone, across midnight when from > to', examples: ['21:00-07:00'] })

export const NotificationSettingsOverridesSchema = Type.Object({
  reminders: Type.Optional(Type.Object({
    explainer: Type.Optional(Offsets),
    participant: Type.Optional(Offsets),
    member: Type.Optional(Offsets)
  }, { additionalProperties: false, description: 'Reminders before the start, per audience; an empty list sends none' })),
  quietHours: Type.Optional(QuietHoursText),
  outcomeOverdue: Type.Optional(Type.Array(Offset, { maxItems: 6, description: 'After the end of a hearing still without an outcome, the secretariat is told at each' })),
  conclusionOverdue: Type.Optional(Type.String({ ...Offset, description: 'After the end of a held hearing, the secretariat is told if the conclusion notice is still missing' }))
}, { $id: 'NotificationSettingsOverrides', additionalProperties: false, description: 'What this level sets; a key left out follows the level above' })

export const NotificationSettingsSchema = Type.Object({
  reminders: Type.Object({ explainer: Offsets, participant: Offsets, member: Offsets }, { additionalProperties: false }),
  quietHours: QuietHoursText,
  outcomeOverdue: Offsets,
  conclusionOverdue: Offset,
  conclusionOverdueBasis: Type.String({ description: 'Where the conclusion deadline comes from: no law sets one, so the default is marked unverified' })
}, { $id: 'NotificationSettings', additionalProperties: false, description: 'The settings as they apply' })

export const CouncilNotificationSettingsSchema = Type.Object({
  notificationEmail: Type.Union([Type.String(), Type.Null()], { description: 'The secretariat\'s address for answers and overdue records' }),
  overrides: Type.Ref(NotificationSettingsOverridesSchema),
  effective: Type.Ref(NotificationSettingsSchema)
}, { $id: 'CouncilNotificationSettings' })

export const PutCouncilNotificationSettingsSchema = Type.Object({
  notificationEmail: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()]),
  overrides: Type.Ref(NotificationSettingsOverridesSchema)
}, { additionalProperties: false })

export const NotificationDefaultsSchema = Type.Object({
  overrides: Type.Ref(NotificationSettingsOverridesSchema),
  effective: Type.Ref(NotificationSettingsSchema)
}, { $id: 'NotificationDefaults' })

export const PutNotificationDefaultsSchema = Type.Object({ overrides: Type.Ref(NotificationSettingsOverridesSchema) }, { additionalProperties: false })

const WebhookUrl = Type.String({ minLength: 8, maxLength: 2000, description: 'http(s) URL of the gateway; private, loopback and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true' })

export const WebhookEndpointSchema = Type.Object({
  id: Uuid,
  councilId: Uuid,
  url: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()], { description: 'Why it is disabled: 410 Gone from the receiver, or by hand' }),
  previousSecretExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'After a rotation, the old secret also signs until then' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'WebhookEndpoint', additionalProperties: false })

export const WebhookEndpointWithSecretSchema = Type.Object({
  endpoint: Type.Ref(WebhookEndpointSchema),
  secret: Type.String({ description: 'The signing secret (whsec_…), shown this once: keep it in the receiver to verify webhook-signature' })
}, { $id: 'WebhookEndpointWithSecret' })

export const WebhookEndpointListSchema = Type.Object({ items: Type.Array(Type.Ref(WebhookEndpointSchema)) }, { $id: 'WebhookEndpointList' })

export const CreateWebhookEndpointSchema = Type.Object({
  url: WebhookUrl,
  description: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false })

export const UpdateWebhookEndpointSchema = Type.Object({
  url: Type.Optional(WebhookUrl),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  enabled: Type.Optional(Type.Boolean({ description: 'false stops deliveries; true resumes them (after a 410, once the receiver is back)' }))
}, { additionalProperties: false, minProperties: 1 })

export const WebhookParams = Type.Object({ id: CouncilKey, endpointId: Uuid }, { additionalProperties: false })

export const DeliveredNoticeSchema = Type.Object({
  emailConfigured: Type.Boolean({ description: 'Only with SMTP_URL set does the notice count from delivery; otherwise from scheduling (the schedule warnings)' }),
  explainers: Type.Array(Type.Object({
    participantId: Uuid,
    personId: Uuid,
    fullName: Type.String(),
    deliveredAt: Type.Union([ZonedTime, Type.Null()], { description: 'When their invitation (or a later change) was first accepted by their mail server' }),
    actualDays: Type.Union([Type.Integer(), Type.Null()]),
    requiredDays: Type.Union([Type.Integer(), Type.Null()]),
    dayKind: Type.Union([Type.String(), Type.Null()]),
    rule: Type.Union([Type.String(), Type.Null()]),
    status: Type.Unsafe<string>({ type: 'string', enum: ['sufficient', 'too_short', 'not_delivered', 'no_email', 'no_rule'] })
  }, { additionalProperties: false })),
  warnings: Type.Array(Type.Ref('ScheduleWarning'))
}, { $id: 'DeliveredNotice' })

export const notificationSettingsSchemas = [
  NotificationSettingsOverridesSchema, NotificationSettingsSchema, CouncilNotificationSettingsSchema, NotificationDefaultsSchema,
  WebhookEndpointSchema, WebhookEndpointWithSecretSchema, WebhookEndpointListSchema, DeliveredNoticeSchema
]
