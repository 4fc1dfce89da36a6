import { Type, type Static } from '@sinclair/typebox'
import { COUNCIL_LEVELS } from '../domain/councils.js'
import { IsoDate, Page, PageQuery, Text, Timestamp, Uuid } from './common.js'

export const CouncilLevelSchema = Type.Unsafe<typeof COUNCIL_LEVELS[number]>({
  type: 'string', enum: [...COUNCIL_LEVELS], description: 'province, city, district, ward, commune or special_zone'
})

const Code = Type.String({
  // Not shaped like a UUID: councils are addressed by id or by code in the same place.
  pattern: '^(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)[a-z0-9]+(-[a-z0-9]+)*$',
  minLength: 2,
  maxLength: 80,
  description: 'Unique slug: lower-case ASCII letters, digits and single hyphens',
  examples: ['dong-da-cat-linh']
})
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone; Asia/Ho_Chi_Minh when not given' })

const councilFields = {
  id: Uuid,
  code: Code,
  name: Type.String({ examples: ['Phường Cát Linh'] }),
  level: CouncilLevelSchema,
  parentId: Type.Union([Uuid, Type.Null()]),
  activeFrom: IsoDate,
  activeTo: Type.Union([IsoDate, Type.Null()], { description: 'Last day the council exists (inclusive); null while it exists' }),
  timezone: Type.String(),
  strictNotice: Type.Boolean({ description: 'Too-short notice refuses scheduling (422) instead of warning' }),
  coverageTarget: Type.Number({ description: 'Share of child councils that should hold coverageMinHearings hearings a year (1 = 100%)' }),
  coverageMinHearings: Type.Integer({ description: 'Hearings a child council must hold in the period to count as covered' }),
  coveragePublic: Type.Boolean({ description: 'Coverage numbers may be read without a token' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  feeds: Type.Object({
    url: Type.String({ description: 'The council\'s public hearings as an iCalendar feed (https)' }),
    webcalUrl: Type.String({ description: 'The same feed as webcal://, which calendar apps subscribe to directly' }),
    withDescendantsUrl: Type.String({ description: 'The feed with every descendant council\'s public hearings too' })
  }, { description: 'Links to subscribe to; no token needed' })
}

export const CouncilSchema = Type.Object(councilFields, { $id: 'Council', additionalProperties: false })

export const CouncilRef = Type.Ref(CouncilSchema)

export const CreateCouncilSchema = Type.Object({
  code: Code,
  name: Text({ maxLength: 200 }),
  level: CouncilLevelSchema,
  parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  activeFrom: IsoDate,
  activeTo: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  timezone: Type.Optional(TimeZone),
  strictNotice: Type.Optional(Type.Boolean({ description: 'Refuse too-short notice (422) instead of warning; false when not given' })),
  coverageTarget: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '1 (100%) when not given' })),
  coverageMinHearings: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: '1 when not given' })),
  coveragePublic: Type.Optional(Type.Boolean({ description: 'false when not given' }))
}, { additionalProperties: false })
export type CreateCouncil = Static<typeof CreateCouncilSchema>

// No defaults in update schemas: a default would silently overwrite a field the client did not send.
export const UpdateCouncilSchema = Type.Partial(CreateCouncilSchema, { additionalProperties: false, minProperties: 1 })
export type UpdateCouncil = Static<typeof UpdateCouncilSchema>

export const QueryCouncilsSchema = Type.Object({
  parentId: Type.Optional(Uuid),
  level: Type.Optional(CouncilLevelSchema),
  activeOn: Type.Optional(Type.Union([IsoDate], { description: 'Only councils that exist on this day' })),
  ...PageQuery
}, { additionalProperties: false })

export const CouncilPageSchema = Page(CouncilRef, 'CouncilPage')

export const SubtreeQuerySchema = Type.Object({
  activeOn: Type.Optional(IsoDate)
}, { additionalProperties: false })

export const SubtreeCouncilSchema = Type.Object({
  ...councilFields,
  depth: Type.Integer({ minimum: 0, description: 'Levels below the requested council (0 for itself)' })
}, { $id: 'SubtreeCouncil', additionalProperties: false })

export const SubtreeSchema = Type.Object({
  items: Type.Array(Type.Ref(SubtreeCouncilSchema))
}, { $id: 'CouncilSubtree' })

export const councilSchemas = [CouncilSchema, SubtreeCouncilSchema]
