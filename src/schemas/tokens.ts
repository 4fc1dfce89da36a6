import { Type, type Static } from '@sinclair/typebox'
import { Text, Timestamp, Uuid } from './common.js'

export const TOKEN_ROLES = ['admin', 'secretariat', 'supervisor'] as const

const Role = Type.Unsafe<typeof TOKEN_ROLES[number]>({
  type: 'string',
  enum: [...TOKEN_ROLES],
  description: 'admin: everything; secretariat: reads and writes one council; supervisor: reads a council and its descendants'
})

export const TokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: Role,
  councilId: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
  createdBy: Type.String(),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  userId: Type.Union([Uuid, Type.Null()], { description: 'A user\'s own token (made on their account page, acting in one of their roles); null for a program\'s token made by an administrator' })
}, { $id: 'Token', additionalProperties: false })

export const IssuedTokenSchema = Type.Object({
  token: Type.Ref(TokenSchema),
  secret: Type.String({ description: 'Shown once, never again: send it as "Authorization: Bearer <secret>"' })
}, { $id: 'IssuedToken' })

export const CreateTokenSchema = Type.Object({
  name: Text({ maxLength: 200, description: 'Who or what holds the token, e.g. "Văn phòng HĐND phường Cát Linh"' }),
  role: Role,
  councilId: Type.Optional(Type.Union([Uuid], { description: 'Required for secretariat and supervisor; absent for admin' })),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' }))
}, { additionalProperties: false })
export type CreateToken = Static<typeof CreateTokenSchema>

export const QueryTokensSchema = Type.Object({
  councilId: Type.Optional(Uuid),
  includeRevoked: Type.Optional(Type.Boolean({ default: false }))
}, { additionalProperties: false })

export const TokenListSchema = Type.Object({ items: Type.Array(Type.Ref(TokenSchema)) }, { $id: 'TokenList' })

export const tokenSchemas = [TokenSchema]
