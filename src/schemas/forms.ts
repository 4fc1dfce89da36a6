import { Type } from '@sinclair/typebox'
import { LangParam, Uuid } from './common.js'

/**
 * The console's forms, beside the API's schemas: fields arrive as text (urlencoded), empty when left
 * blank; every form carries its CSRF token, and a field it does not name is refused.
 */
export const STATUSES = ['draft', 'scheduled', 'postponed', 'cancelled', 'held'] as const
export const LangQuery = { lang: Type.Optional(LangParam()) }
const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }))
export const FormBase = { _csrf: Type.String({ maxLength: 200 }), lang: Type.Optional(LangParam()) }
/** datetime-local, read in the council's zone. */
const LocalTime = Type.Optional(Type.String({ maxLength: 16, pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }))

export const HearingForm = Type.Object({
  ...FormBase,
  intent: Type.Optional(Type.Union([Type.Literal('check'), Type.Literal('confirm')])),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Field(20000),
  location: Field(500),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('restricted')]),
  startsAt: LocalTime,
  endsAt: LocalTime
}, { additionalProperties: false })

export const EditForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Field(20000),
  location: Field(500),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('restricted')])
}, { additionalProperties: false })

export const TimeForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  intent: Type.Union([Type.Literal('check'), Type.Literal('confirm')]),
  startsAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }),
  endsAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }),
  reason: Field(1000)
}, { additionalProperties: false })

export const ReasonForm = Type.Object({ ...FormBase, revision: Type.String({ maxLength: 200 }), reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })

export const OutcomeForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  summary: Type.String({ minLength: 1, maxLength: 20000 }),
  delegatesPresent: Type.Optional(Type.String({ maxLength: 5, pattern: '^[0-9]*$' })),
  conclusionText: Field(50000),
  conclusionIssuedOn: Type.Optional(Type.String({ maxLength: 10, pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' }))
}, { additionalProperties: false })

export const InviteForm = Type.Object({
  ...FormBase,
  role: Type.Union([Type.Literal('explainer'), Type.Literal('attendee'), Type.Literal('guest')]),
  personId: Type.Optional(Uuid),
  fullName: Field(200),
  email: Field(254),
  position: Field(300),
  organization: Field(300),
  kind: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('delegate')]))
}, { additionalProperties: false })

/** A council in the console's URLs: by its code. */
export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })
