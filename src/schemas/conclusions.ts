import { Type, type Static } from '@sinclair/typebox'
import { IsoDate, MultilineText, Text, Timestamp, Uuid } from './common.js'
import { COMMITMENT_STATUSES } from '../domain/conclusions.js'

const VoteChoice = Type.Unsafe<'for' | 'against' | 'abstain'>({ type: 'string', enum: ['for', 'against', 'abstain'] })

export const ConclusionSchema = Type.Object({
  hearingId: Uuid,
  numberSymbol: Type.Union([Type.String(), Type.Null()], { description: 'The conclusion notice\'s number and symbol, e.g. 12/TB-HĐND' }),
  issuedOn: Type.Union([IsoDate, Type.Null()]),
  text: Type.String(),
  committee: Type.Array(Type.Object({
    personId: Uuid,
    fullName: Type.String(),
    role: Type.String({ description: 'chair, vice_chair or standing_member' }),
    present: Type.Boolean(),
    vote: Type.Union([VoteChoice, Type.Null()])
  }), { description: 'The Standing Committee\'s members on the hearing\'s day, each present or not, with their vote' }),
  tally: Type.Object({
    committeeSize: Type.Integer(),
    present: Type.Integer(),
    for: Type.Integer(),
    against: Type.Integer(),
    abstain: Type.Integer(),
    needed: Type.Integer({ description: 'Votes for that passing needs: more than half of ALL members (⌊members / 2⌋ + 1)' }),
    passed: Type.Boolean()
  }),
  adoptedAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'Conclusion', additionalProperties: false })

export const PutConclusionSchema = Type.Object({
  numberSymbol: Type.Optional(Type.Union([Text({ maxLength: 60, description: 'e.g. 12/TB-HĐND' }), Type.Null()])),
  issuedOn: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  text: MultilineText({ maxLength: 50000, description: 'The conclusion as adopted' }),
  votes: Type.Array(Type.Object({
    personId: Uuid,
    present: Type.Boolean(),
    vote: Type.Optional(Type.Union([VoteChoice, Type.Null()], { description: 'Only for a member present; none: did not vote' }))
  }, { additionalProperties: false }), { maxItems: 200, description: 'The Standing Committee\'s members; one not listed was absent' })
}, { additionalProperties: false })
export type PutConclusion = Static<typeof PutConclusionSchema>

const State = Type.Unsafe<typeof COMMITMENT_STATUSES[number] | 'overdue'>({ type: 'string', enum: [...COMMITMENT_STATUSES, 'overdue'], description: 'open, in_progress, done, dropped; overdue: open or in progress after its due date' })
const Status = Type.Unsafe<typeof COMMITMENT_STATUSES[number]>({ type: 'string', enum: [...COMMITMENT_STATUSES] })
const EvidenceUrl = Type.String({ maxLength: 2000, pattern: '^https?://[\\x21-\\x7e]+$', description: 'A link to the evidence (http or https)' })

export const CommitmentSchema = Type.Object({
  id: Uuid,
  hearingId: Uuid,
  councilId: Uuid,
  title: Type.String(),
  responsiblePersonId: Type.Union([Uuid, Type.Null()]),
  responsibleName: Type.Union([Type.String(), Type.Null()], { description: 'The responsible person\'s name, when a person' }),
  responsibleAgency: Type.Union([Type.String(), Type.Null()]),
  dueOn: IsoDate,
  status: State,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  dropReason: Type.Union([Type.String(), Type.Null()]),
  doneOn: Type.Union([IsoDate, Type.Null()]),
  updates: Type.Array(Type.Object({
    at: Timestamp,
    note: Type.String(),
    progress: Type.Union([Type.Integer(), Type.Null()]),
    status: Type.Union([Status, Type.Null()]),
    evidenceUrl: Type.Union([Type.String(), Type.Null()]),
    by: Type.String({ description: 'the secretariat, or the responsible person through their link' })
  })),
  createdAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'Commitment', additionalProperties: false })

export const CommitmentListSchema = Type.Object({ items: Type.Array(Type.Ref(CommitmentSchema)) }, { $id: 'CommitmentList' })

export const CreateCommitmentSchema = Type.Object({
  title: Text({ maxLength: 2000, description: 'What the conclusion asks, e.g. "Hoàn thành giải tỏa lấn chiếm vỉa hè tuyến phố X"' }),
  dueOn: IsoDate,
  responsiblePersonId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  responsibleAgency: Type.Optional(Type.Union([Text({ maxLength: 300 }), Type.Null()]))
}, { additionalProperties: false })
export type CreateCommitment = Static<typeof CreateCommitmentSchema>

/** An update: a note (always), and what changed. */
const updateFields = {
  note: Text({ maxLength: 5000, description: 'What was done, for the record' }),
  progress: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  evidenceUrl: Type.Optional(EvidenceUrl)
}
export const UpdateCommitmentSchema = Type.Object({
  ...updateFields,
  status: Type.Optional(Status),
  dropReason: Type.Optional(Text({ maxLength: 2000 })),
  dueOn: Type.Optional(IsoDate)
}, { additionalProperties: false })
export type UpdateCommitment = Static<typeof UpdateCommitmentSchema>

export const LinkUpdateSchema = Type.Object({
  ...updateFields,
  status: Type.Optional(Type.Unsafe<'in_progress' | 'done'>({ type: 'string', enum: ['in_progress', 'done'], description: 'The responsible person reports work under way or done; dropping is the secretariat\'s' }))
}, { additionalProperties: false })
export type LinkUpdate = Static<typeof LinkUpdateSchema>

export const CommitmentLinkSchema = Type.Object({
  commitment: Type.Ref(CommitmentSchema),
  updateToken: Type.Union([Type.String(), Type.Null()], { description: 'Shown once: the responsible person\'s secret to report progress; null for an agency' }),
  updateUrl: Type.Union([Type.String(), Type.Null()], { description: 'The page the responsible person opens (shown once); null for an agency' })
}, { $id: 'CommitmentLink' })

export const CommitmentParams = Type.Object({ id: Uuid, commitmentId: Uuid }, { additionalProperties: false })
export const CommitmentTokenParams = Type.Object({ token: Type.String({ pattern: '^gc_[A-Za-z0-9_-]{43}$' }) }, { additionalProperties: false })

export const CommitmentQuerySchema = Type.Object({
  councilId: Uuid,
  descendants: Type.Optional(Type.Boolean({ description: 'The units\' commitments too' })),
  status: Type.Optional(State),
  dueBefore: Type.Optional(IsoDate)
}, { additionalProperties: false })

export const conclusionSchemas = [ConclusionSchema, CommitmentSchema, CommitmentListSchema, CommitmentLinkSchema]
