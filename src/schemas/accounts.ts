import { Type } from '@sinclair/typebox'
import { Text, Timestamp, Uuid } from './common.js'
import { TOKEN_ROLES } from './tokens.js'

const Role = Type.Unsafe<typeof TOKEN_ROLES[number]>({ type: 'string', enum: [...TOKEN_ROLES], description: 'admin: everything; secretariat: reads and writes one council; supervisor: reads a council and its descendants' })

export const UserRoleSchema = Type.Object({
  id: Uuid,
  role: Role,
  councilId: Type.Union([Uuid, Type.Null()]),
  councilName: Type.Union([Type.String(), Type.Null()]),
  grantedBy: Type.String(),
  createdAt: Timestamp
}, { $id: 'UserRole', additionalProperties: false })

export const UserSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  locale: Type.Unsafe<'vi' | 'en'>({ type: 'string', enum: ['vi', 'en'] }),
  disabledAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  roles: Type.Array(Type.Ref(UserRoleSchema))
}, { $id: 'User', additionalProperties: false })

export const UserListSchema = Type.Object({ items: Type.Array(Type.Ref(UserSchema)) }, { $id: 'UserList' })

export const CreateUserSchema = Type.Object({
  email: Type.String({ format: 'email', maxLength: 254, description: 'Where their sign-in links go; one user per address (any case)' }),
  name: Text({ maxLength: 200 }),
  locale: Type.Optional(Type.Unsafe<'vi' | 'en'>({ type: 'string', enum: ['vi', 'en'], default: 'vi' }))
}, { additionalProperties: false })

export const GrantRoleSchema = Type.Object({
  role: Role,
  councilId: Type.Optional(Type.Union([Uuid], { description: 'Required for secretariat and supervisor; absent for admin' }))
}, { additionalProperties: false })

export const SignOutEverywhereSchema = Type.Object({
  disable: Type.Optional(Type.Boolean({ description: 'Also disable the user (true) or enable them again (false): a disabled user cannot sign in' }))
}, { additionalProperties: false })

export const SignedOutSchema = Type.Object({ sessionsEnded: Type.Integer() }, { $id: 'SignedOut', additionalProperties: false })

export const accountSchemas = [UserRoleSchema, UserSchema, UserListSchema, SignedOutSchema]
