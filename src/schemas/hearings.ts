import { Type, type Static } from '@sinclair/typebox'
import { HEARING_ACTIONS, HEARING_STATUSES } from '../domain/hearings.js'
import { IsoDate, MultilineText, Page, PageQuery, Text, Uuid, YEAR_PATTERN } from './common.js'

const OffsetDateTime = Type.String({
  format: 'date-time',
  pattern: YEAR_PATTERN,
  description: 'ISO 8601 date-time with an offset or Z, e.g. 2026-12-10T08:00:00+07:00',
  examples: ['2026-12-10T08:00:00+07:00']
})
/** Times in responses are in the council's zone. */
const ZonedDateTime = Type.String({ format: 'date-time', description: 'In the council\'s zone, e.g. 2026-12-10T08:00:00.000+07:00' })

export const StatusSchema = Type.Unsafe<typeof HEARING_STATUSES[number]>({ type: 'string', enum: [...HEARING_STATUSES] })
const Visibility = Type.Unsafe<'public' | 'restricted'>({ type: 'string', enum: ['public', 'restricted'], description: 'public (default) or restricted to the council\'s scope' })
export const PARTICIPANT_ROLES = ['explainer', 'attendee', 'guest'] as const
const ParticipantRole = Type.Unsafe<typeof PARTICIPANT_ROLES[number]>({ type: 'string', enum: [...PARTICIPANT_ROLES] })
const Response = Type.Unsafe<'pending' | 'accepted' | 'declined' | 'delegated'>({ type: 'string', enum: ['pending', 'accepted', 'declined', 'delegated'] })
const Reason = Text({ maxLength: 2000, description: 'Why; kept in the hearing\'s history' })

export const OutcomeSchema = Type.Object({
  summary: MultilineText({ maxLength: 20000, description: 'What was explained and concluded' }),
  delegatesPresent: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10000 }), Type.Null()])),
  conclusionText: Type.Optional(Type.Union([MultilineText({ maxLength: 50000 }), Type.Null()], { description: 'The conclusion notice (thông báo kết luận), once issued' })),
  conclusionIssuedOn: Type.Optional(Type.Union([IsoDate, Type.Null()]))
}, { $id: 'HearingOutcome', additionalProperties: false })

export const WarningSchema = Type.Object({
  code: Type.Unsafe<string>({ type: 'string', enum: ['in_the_past', 'notice_too_short', 'public_holiday', 'day_off', 'weekend', 'outside_office_hours', 'invitation_not_delivered'] }),
  message: Type.String(),
  requiredDays: Type.Optional(Type.Integer()),
  actualDays: Type.Optional(Type.Integer()),
  dayKind: Type.Optional(Type.String()),
  rule: Type.Optional(Type.String({ description: 'code of the notice rule applied' })),
  date: Type.Optional(IsoDate),
  name: Type.Optional(Type.String()),
  officeHours: Type.Optional(Type.String()),
  startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'in_the_past: the time given, in the council\'s zone' })),
  personId: Type.Optional(Type.String({ format: 'uuid', description: 'The explainer a delivery warning is about' })),
  countedFrom: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['delivery'], description: 'notice_too_short for one explainer: counted from when their invitation was delivered' }))
}, { $id: 'ScheduleWarning', additionalProperties: false })

export const ParticipantSchema = Type.Object({
  id: Uuid,
  personId: Uuid,
  fullName: Type.String(),
  position: Type.Union([Type.String(), Type.Null()]),
  organization: Type.Union([Type.String(), Type.Null()]),
  role: ParticipantRole,
  response: Response,
  substituteName: Type.Union([Type.String(), Type.Null()]),
  substitutePosition: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the person declined, as they wrote it' }),
  respondedAt: Type.Union([ZonedDateTime, Type.Null()])
}, { $id: 'Participant', additionalProperties: false })

const hearingFields = {
  id: Uuid,
  councilId: Uuid,
  title: Type.String(),
  description: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  visibility: Visibility,
  startsAt: Type.Union([ZonedDateTime, Type.Null()], { description: 'null while a draft has no time or the hearing is postponed' }),
  endsAt: Type.Union([ZonedDateTime, Type.Null()]),
  timezone: Type.String({ description: 'The council\'s zone, in which times are given' }),
  status: StatusSchema,
  sequence: Type.Integer({ minimum: 0, description: 'Rises with every change of time, place, title or status (iCalendar SEQUENCE)' }),
  allowedActions: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...HEARING_ACTIONS] })),
  outcome: Type.Union([Type.Ref(OutcomeSchema), Type.Null()]),
  explainers: Type.Array(Type.Object({ fullName: Type.String(), position: Type.Union([Type.String(), Type.Null()]), organization: Type.Union([Type.String(), Type.Null()]) }), { description: 'Who explains: public for public hearings' }),
  participants: Type.Optional(Type.Array(Type.Ref(ParticipantSchema), { description: 'Every invitation and its answer; for callers within the council\'s scope' })),
  createdAt: ZonedDateTime,
  updatedAt: ZonedDateTime
}

export const HearingSchema = Type.Object(hearingFields, { $id: 'Hearing', additionalProperties: false })

export const HearingChangeSchema = Type.Object({
  ...hearingFields,
  warnings: Type.Array(Type.Ref(WarningSchema), { description: 'What to know about the chosen time: short notice, holidays, weekends, office hours' })
}, { $id: 'HearingChange', additionalProperties: false })

export const CreateHearingSchema = Type.Object({
  councilId: Uuid,
  title: Text({ maxLength: 500 }),
  description: Type.Optional(MultilineText({ maxLength: 20000 })),
  location: Type.Optional(Type.Union([Text({ maxLength: 500 }), Type.Null()])),
  visibility: Type.Optional(Visibility),
  startsAt: Type.Optional(OffsetDateTime),
  endsAt: Type.Optional(OffsetDateTime),
  status: Type.Optional(Type.Unsafe<'draft' | 'scheduled' | 'held'>({ type: 'string', enum: ['draft', 'scheduled', 'held'], description: 'draft (default), scheduled (same checks as the schedule action) or held with an outcome, to back-fill past years' })),
  outcome: Type.Optional(Type.Ref(OutcomeSchema))
}, { additionalProperties: false })
export type CreateHearing = Static<typeof CreateHearingSchema>

export const UpdateHearingSchema = Type.Object({
  title: Type.Optional(Text({ maxLength: 500 })),
  description: Type.Optional(MultilineText({ maxLength: 20000 })),
  location: Type.Optional(Type.Union([Text({ maxLength: 500 }), Type.Null()])),
  visibility: Type.Optional(Visibility),
  startsAt: Type.Optional(OffsetDateTime),
  endsAt: Type.Optional(OffsetDateTime),
  reason: Type.Optional(Type.Union([Reason], { description: 'Required when the time of a scheduled hearing changes (a reschedule)' }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateHearing = Static<typeof UpdateHearingSchema>

export const ScheduleSchema = Type.Object({
  startsAt: Type.Optional(OffsetDateTime),
  endsAt: Type.Optional(OffsetDateTime),
  reason: Type.Optional(Reason)
}, { additionalProperties: false })
export const ReasonSchema = Type.Object({ reason: Reason }, { additionalProperties: false })

export const QueryHearingsSchema = Type.Object({
  councilId: Type.Optional(Uuid),
  descendants: Type.Optional(Type.Boolean({ description: 'With councilId: include every descendant council\'s hearings' })),
  from: Type.Optional(Type.Union([IsoDate, OffsetDateTime], { description: 'Hearings starting at or after this: a date (from its start, in Hà Nội\'s zone, as feeds, coverage and the calendar take) or a date-time' })),
  to: Type.Optional(Type.Union([IsoDate, OffsetDateTime], { description: 'Hearings starting before this: a date is the last day included (as coverage and the calendar take it), or a date-time (excluded)' })),
  status: Type.Optional(Type.Array(StatusSchema, { description: 'One or more statuses (repeat the parameter)' })),
  personId: Type.Optional(Uuid),
  ...PageQuery
}, { additionalProperties: false })

export const HearingPageSchema = Page(Type.Ref(HearingSchema), 'HearingPage')

export const AddParticipantSchema = Type.Object({
  personId: Uuid,
  role: ParticipantRole
}, { additionalProperties: false })

export const ChangeParticipantSchema = Type.Object({
  role: ParticipantRole
}, { additionalProperties: false })

export const ParticipantParams = Type.Object({ id: Uuid, participantId: Uuid }, { additionalProperties: false })

export const InvitationLinkSchema = Type.Object({
  participant: Type.Ref(ParticipantSchema),
  invitationToken: Type.String({ description: 'Shown once: the secret of the invitation link' }),
  invitationUrl: Type.String({ description: 'The link to send the invited person' })
}, { $id: 'InvitationLink' })

export const InvitationTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })

export const InvitationSchema = Type.Object({
  hearing: Type.Object({
    id: Uuid,
    title: Type.String(),
    description: Type.String(),
    location: Type.Union([Type.String(), Type.Null()]),
    startsAt: Type.Union([ZonedDateTime, Type.Null()]),
    endsAt: Type.Union([ZonedDateTime, Type.Null()]),
    status: StatusSchema,
    council: Type.Object({ id: Uuid, name: Type.String() })
  }),
  invitation: Type.Ref(ParticipantSchema)
}, { $id: 'Invitation' })

export const RespondSchema = Type.Object({
  response: Type.Unsafe<'accepted' | 'declined' | 'delegated'>({ type: 'string', enum: ['accepted', 'declined', 'delegated'] }),
  substituteName: Type.Optional(Text({ maxLength: 200, description: 'Required with delegated: who comes instead' })),
  substitutePosition: Type.Optional(Text({ maxLength: 300, description: 'Required with delegated' })),
  substituteEmail: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'With delegated, optional: the substitute\'s address; they are then invited themselves, with their own answer link and the invitation by e-mail' })),
  reason: Type.Optional(Text({ maxLength: 1000, description: 'With declined: why, for the secretariat' }))
}, { additionalProperties: false })

export const TransitionSchema = Type.Object({
  action: Type.String(),
  fromStatus: Type.Union([StatusSchema, Type.Null()]),
  toStatus: StatusSchema,
  reason: Type.Union([Type.String(), Type.Null()]),
  startsAt: Type.Union([ZonedDateTime, Type.Null()]),
  endsAt: Type.Union([ZonedDateTime, Type.Null()]),
  at: ZonedDateTime,
  actor: Type.String()
}, { $id: 'HearingTransition', additionalProperties: false })

export const HistorySchema = Type.Object({ items: Type.Array(Type.Ref(TransitionSchema)) }, { $id: 'HearingHistory' })

export const hearingSchemas = [OutcomeSchema, WarningSchema, ParticipantSchema, HearingSchema, HearingChangeSchema, TransitionSchema]
