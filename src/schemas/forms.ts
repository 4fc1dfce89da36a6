import { Type } from '@sinclair/typebox'
import { LangParam, MULTILINE_PATTERN, TEXT_PATTERN, Uuid } from './common.js'

/**
 * The console's forms, beside the API's schemas: fields arrive as text (urlencoded), empty when left
 * blank; every form carries its CSRF token, and a field it does not name is refused.
 */
export const STATUSES = ['draft', 'scheduled', 'postponed', 'cancelled', 'held'] as const
export const LangQuery = { lang: Type.Optional(LangParam()) }
/**
 * Form fields follow the API's rules (one validation: a form is another encoding of the same
 * request), with an empty field meaning "not given": one line of text without control characters,
 * text over several lines, an e-mail address.
 */
const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength, pattern: `^$|${TEXT_PATTERN}` }))
const Lines = (maxLength: number) => Type.Optional(Type.String({ maxLength, pattern: MULTILINE_PATTERN }))
const Required = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: TEXT_PATTERN })
const RequiredLines = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: MULTILINE_PATTERN })
export const EmailField = Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })]))
export const FormBase = { _csrf: Type.String({ maxLength: 200 }), lang: Type.Optional(LangParam()) }
/** datetime-local, read in the council's zone. */
const LocalTime = Type.Optional(Type.String({ maxLength: 16, pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }))

export const HearingForm = Type.Object({
  ...FormBase,
  intent: Type.Optional(Type.Union([Type.Literal('check'), Type.Literal('confirm')])),
  title: Required(500),
  description: Lines(20000),
  location: Field(500),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('restricted')]),
  startsAt: LocalTime,
  endsAt: LocalTime,
  /** Keep the time as a tentative one: a draft, nothing sent, nothing blocked. */
  tentative: Type.Optional(Type.Literal('on'))
}, { additionalProperties: false })

export const EditForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  title: Required(500),
  description: Lines(20000),
  location: Field(500),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('restricted')])
}, { additionalProperties: false })

export const TimeForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  intent: Type.Union([Type.Literal('check'), Type.Literal('confirm')]),
  startsAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }),
  endsAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }),
  reason: Field(2000)
}, { additionalProperties: false })

export const ReasonForm = Type.Object({ ...FormBase, revision: Type.String({ maxLength: 200 }), reason: Required(2000) }, { additionalProperties: false })

export const OutcomeForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  summary: RequiredLines(20000),
  delegatesPresent: Type.Optional(Type.String({ maxLength: 5, pattern: '^[0-9]*$' })),
  conclusionText: Lines(50000),
  conclusionIssuedOn: Type.Optional(Type.String({ maxLength: 10, pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' }))
}, { additionalProperties: false })

export const InviteForm = Type.Object({
  ...FormBase,
  role: Type.Union([Type.Literal('explainer'), Type.Literal('attendee'), Type.Literal('guest')]),
  personId: Type.Optional(Uuid),
  fullName: Field(200),
  email: EmailField,
  position: Field(300),
  organization: Field(300),
  kind: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('delegate')]))
}, { additionalProperties: false })

/** A council in the console's URLs: by its code. */
export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })
