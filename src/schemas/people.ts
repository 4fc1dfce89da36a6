import { Type, type Static } from '@sinclair/typebox'
import { CouncilKey, IsoDate, Page, PageQuery, Text, Timestamp, Uuid } from './common.js'

export const PERSON_KINDS = ['delegate', 'official'] as const
export const LOCALES = ['vi', 'en'] as const
export const MEMBERSHIP_ROLES = ['chair', 'vice_chair', 'standing_member', 'delegate', 'secretary'] as const

const Email = Type.String({ format: 'email', maxLength: 254 })
const Phone = Type.String({ pattern: '^\\+?[0-9 .()-]{6,20}$', description: 'Digits, spaces, dots, dashes, brackets; optional leading +' })
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

const personFields = {
  fullName: Text({ maxLength: 200, description: 'Full name with diacritics, e.g. "Nguyễn Thị Hương"' }),
  email: Type.Optional(Nullable(Email)),
  phone: Type.Optional(Nullable(Phone)),
  kind: Type.Unsafe<typeof PERSON_KINDS[number]>({ type: 'string', enum: [...PERSON_KINDS] }),
  organization: Type.Optional(Nullable(Text({ maxLength: 300 }))),
  position: Type.Optional(Nullable(Text({ maxLength: 300 }))),
  locale: Type.Optional(Type.Unsafe<typeof LOCALES[number]>({ type: 'string', enum: [...LOCALES], description: 'Language of what the person is sent; vi when not given' })),
  reminders: Type.Optional(Type.Boolean({ description: 'E-mail reminders before hearings (true when not given); invitations, changes and cancellations are the legal notice and always go' }))
}

export const PersonSchema = Type.Object({
  id: Uuid,
  fullName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  kind: personFields.kind,
  organization: Type.Union([Type.String(), Type.Null()]),
  position: Type.Union([Type.String(), Type.Null()]),
  locale: Type.Unsafe<typeof LOCALES[number]>({ type: 'string', enum: [...LOCALES] }),
  reminders: Type.Boolean({ description: 'Whether the person gets reminders before hearings' }),
  ownerCouncilId: Type.Union([Uuid, Type.Null()], { description: 'The council whose secretariat registered the person' }),
  createdAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'Person', additionalProperties: false })

export const CreatePersonSchema = Type.Object({
  ...personFields,
  ownerCouncilId: Type.Optional(Type.Union([Uuid], { description: 'Required for admins; a secretariat registers people for its own council' }))
}, { additionalProperties: false })
export type CreatePerson = Static<typeof CreatePersonSchema>

// No defaults in update schemas: a default would silently overwrite a field the client did not send.
export const UpdatePersonSchema = Type.Partial(Type.Object(personFields), { additionalProperties: false, minProperties: 1 })
export type UpdatePerson = Static<typeof UpdatePersonSchema>

export const QueryPeopleSchema = Type.Object({
  councilId: Type.Optional(Type.Union([Uuid], { description: 'Only people registered by or members of this council' })),
  kind: Type.Optional(personFields.kind),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name, case-insensitive' })),
  ...PageQuery
}, { additionalProperties: false })

export const PersonPageSchema = Page(Type.Ref(PersonSchema), 'PersonPage')

const Role = Type.Unsafe<typeof MEMBERSHIP_ROLES[number]>({ type: 'string', enum: [...MEMBERSHIP_ROLES] })

export const MembershipSchema = Type.Object({
  id: Uuid,
  councilId: Uuid,
  personId: Uuid,
  role: Role,
  startsOn: IsoDate,
  endsOn: Type.Union([IsoDate, Type.Null()], { description: 'Last day of the membership (inclusive); null while it lasts' }),
  person: Type.Object({ fullName: Type.String(), kind: personFields.kind }),
  createdAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'Membership', additionalProperties: false })

export const CreateMembershipSchema = Type.Object({
  personId: Uuid,
  role: Role,
  startsOn: IsoDate,
  endsOn: Type.Optional(Type.Union([IsoDate, Type.Null()]))
}, { additionalProperties: false })
export type CreateMembership = Static<typeof CreateMembershipSchema>

export const UpdateMembershipSchema = Type.Partial(Type.Object({
  role: Role,
  startsOn: IsoDate,
  endsOn: Type.Union([IsoDate, Type.Null()])
}), { additionalProperties: false, minProperties: 1 })
export type UpdateMembership = Static<typeof UpdateMembershipSchema>

export const MembershipParams = Type.Object({ id: CouncilKey, membershipId: Uuid }, { additionalProperties: false })

export const QueryMembersSchema = Type.Object({
  activeOn: Type.Optional(Type.Union([IsoDate], { description: 'Only memberships in force on this day' })),
  role: Type.Optional(Role)
}, { additionalProperties: false })

export const MembershipListSchema = Type.Object({ items: Type.Array(Type.Ref(MembershipSchema)) }, { $id: 'MembershipList' })

export const peopleSchemas = [PersonSchema, MembershipSchema]
