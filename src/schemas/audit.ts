import { Type } from '@sinclair/typebox'
import { Timestamp, Uuid } from './common.js'

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actorTokenId: Type.Union([Uuid, Type.Null()]),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  councilId: Type.Union([Uuid, Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()])
}, { $id: 'AuditEntry', additionalProperties: false })

export const QueryAuditSchema = Type.Object({
  entity: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['council', 'person', 'membership', 'token', 'hearing', 'participant', 'notice_rule', 'calendar_day', 'feed_token', 'notification', 'webhook_endpoint', 'user', 'commitment'] })),
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  councilId: Type.Optional(Type.Union([Uuid], { description: 'Entries of this council (and, for supervisors, within their subtree)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' }))
}, { additionalProperties: false })

export const AuditPageSchema = Type.Object({
  items: Type.Array(Type.Ref(AuditEntrySchema)),
  nextCursor: Type.Union([Type.String(), Type.Null()])
}, { $id: 'AuditPage' })

export const auditSchemas = [AuditEntrySchema]
