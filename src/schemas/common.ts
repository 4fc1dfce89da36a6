import { Type, type TSchema } from '@sinclair/typebox'

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID' })
/** A council's id, or its code (e.g. dong-da): codes cannot look like ids, so either names one council. */
export const CouncilKey = Type.String({
  pattern: '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-z0-9]+(-[a-z0-9]+)*)$',
  maxLength: 80,
  description: 'The council\'s id or its code, e.g. dong-da',
  examples: ['dong-da']
})
export const CouncilKeyParams = Type.Object({ id: CouncilKey }, { additionalProperties: false })
/** The languages of what people read (feeds, pages, CSV): Vietnamese, the default, and English. */
export type { Lang } from '../words/terms.js'
import type { Lang } from '../words/terms.js'
import { ERRORS, type ErrorCode } from '../words/errors.js'

/** A `lang` query parameter. */
export function LangParam (description?: string) {
  return Type.Unsafe<Lang>({ type: 'string', enum: ['vi', 'en'], ...(description === undefined ? {} : { description }) })
}

/** Years 1900–2199: every date a request can name is bounded (holiday rules, for one, cost time per year). */
export const YEAR_PATTERN = '^(19|20|21)[0-9]{2}-'
export const IsoDate = Type.String({ format: 'date', pattern: YEAR_PATTERN, description: 'A calendar date, YYYY-MM-DD, between 1900 and 2199', examples: ['2019-01-01'] })
/** A timestamp with an offset; routes return Date objects, serialised as ISO 8601. */
export const Timestamp = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' })

/**
 * Text for people to read: non-empty, not only spaces, no control characters, and no unpaired UTF-16
 * surrogate (which UTF-8 cannot store: it would come back as U+FFFD, not as sent). Linear: one scan
 * for forbidden characters, then leading spaces and one that is not a space. (The earlier
 * ^[^c]*[^\\sc][^c]*$ backtracked quadratically on long text ending in a control character.)
 */
export const TEXT_PATTERN = '^(?=[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]*$)\\s*[^\\s\\u0000-\\u001f\\u007f]'
/** Longer text that may span lines: tabs and newlines allowed; other control characters and unpaired surrogates not. */
export const MULTILINE_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\ud800-\\udfff]*$'
/** What each pattern means, for error messages a person can act on. */
export const PATTERN_MESSAGES: Record<string, string> = {
  [TEXT_PATTERN]: 'must be text with at least one character that is not a space, and no control characters (such as a NUL or a line break) or broken characters',
  [MULTILINE_PATTERN]: 'must be text without control characters other than tabs and line breaks, and without broken characters',
  [YEAR_PATTERN]: 'must be in the years 1900 to 2199'
}

export function Text (options: { maxLength: number, description?: string }) {
  return Type.String({ minLength: 1, pattern: TEXT_PATTERN, ...options })
}

export function MultilineText (options: { maxLength: number, description?: string }) {
  return Type.String({ pattern: MULTILINE_PATTERN, ...options })
}

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'A URI reference naming the kind of problem' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String({ description: 'What went wrong and what to do, for a person to read' }),
  code: Type.Optional(Type.Unsafe<ErrorCode>({ type: 'string', enum: Object.keys(ERRORS), description: 'The error\'s stable code: what a program checks (never the English detail), and what the pages translate' })),
  instance: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({
    field: Type.String({ description: 'JSON pointer or name of the offending field' }),
    message: Type.String()
  }))),
  allowed: Type.Optional(Type.Array(Type.String()))
}, { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' })

export const ProblemRef = Type.Ref(ProblemSchema)

/** Responses every route may give, as problem+json. */
export function problems<const C extends number[]> (...codes: C) {
  return Object.fromEntries(codes.map((code) => [code, ProblemRef])) as Record<C[number], typeof ProblemRef>
}

/** On every POST with a token: a retry with the same key is applied once (see plugins/idempotency.ts). */
export const IdempotencyKeyHeader = Type.String({
  pattern: '^[\\x21-\\x7e]{1,200}$',
  description: 'A key of your choosing (e.g. a UUID) to retry this write safely: the same key with the same request is applied once, and its answer replayed'
})

/** OpenAPI security of routes that need a bearer token. */
export const secured = [{ bearer: [] as string[] }]

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false })

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page' }))
}

export function Page<T extends TSchema> (item: T, $id: string) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor to get the next page; null on the last page' })
  }, { $id })
}

export const sharedSchemas = [ProblemSchema]
