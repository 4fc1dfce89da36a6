import { Type } from '@sinclair/typebox'
import { CouncilKey, IsoDate, LangParam, Timestamp, Uuid } from './common.js'

export const FeedQuerySchema = Type.Object({
  from: Type.Optional(Type.Union([IsoDate], { description: 'First day shown; default 6 months back, at most 5 years back' })),
  to: Type.Optional(Type.Union([IsoDate], { description: 'Day after the last shown; default: everything ahead, at most 5 years ahead' })),
  lang: Type.Optional(LangParam('Language of the text; Vietnamese by default (personal feeds: the person\'s language)'))
// Feed links travel through messengers and mail that append their own parameters (?utm_source=zalo):
// a calendar app given such a link must still get the feed, so other parameters are ignored here.
}, { additionalProperties: true })

export const CouncilFeedQuerySchema = Type.Object({
  ...FeedQuerySchema.properties,
  descendants: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('1'), Type.Literal('0')], { description: 'Include the public hearings of every descendant council (true or 1)' }))
}, { additionalProperties: true })

export const CouncilFeedParams = Type.Object({ councilId: CouncilKey }, { additionalProperties: false })
export const PersonFeedParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })

export const CalendarResponse = {
  description: 'An iCalendar (RFC 5545) document',
  content: { 'text/calendar': { schema: { type: 'string' } } }
}
export const NotModified = { description: 'Not modified since the ETag or date given', type: 'null' }

export const FeedLinkSchema = Type.Object({
  personId: Uuid,
  url: Type.String({ description: 'https:// link to subscribe to; shown once' }),
  webcalUrl: Type.String({ description: 'The same link as webcal://, which calendar apps open directly' }),
  previousLinksValidUntil: Type.Union([Timestamp, Type.Null()], { description: 'Until when the links it replaced keep working (the grace period)' })
}, { $id: 'FeedLink', additionalProperties: false })

export const FeedLinkStatusSchema = Type.Object({
  personId: Uuid,
  activeLinks: Type.Array(Type.Object({ id: Uuid, createdAt: Timestamp, expiresAt: Type.Union([Timestamp, Type.Null()]) }))
}, { $id: 'FeedLinkStatus', additionalProperties: false })

export const feedSchemas = [FeedLinkSchema, FeedLinkStatusSchema]
