import { Type } from '@sinclair/typebox'
import { IsoDate, LangParam, Timestamp, Uuid } from './common.js'

export const CoverageQuerySchema = Type.Object({
  councilId: Uuid,
  year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100, description: 'A calendar year; or give from and to' })),
  from: Type.Optional(IsoDate),
  to: Type.Optional(Type.Union([IsoDate], { description: 'Last day of the period (inclusive), e.g. the end of a council term' })),
  lang: Type.Optional(LangParam('CSV headers and status names; Vietnamese by default'))
}, { additionalProperties: false })

const Counts = {
  held: Type.Integer(),
  scheduled: Type.Integer({ description: 'Scheduled hearings still ahead (or under way)' }),
  overdue: Type.Integer({ description: 'Scheduled hearings whose end has passed without an outcome: record what happened (outcome) or cancel them' }),
  cancelled: Type.Integer(),
  lastHeldAt: Type.Union([Timestamp, Type.Null()], { description: 'In the council\'s zone' }),
  nextScheduledAt: Type.Union([Timestamp, Type.Null()], { description: 'The next hearing ahead, in the council\'s zone' }),
  overdueSince: Type.Union([Timestamp, Type.Null()], { description: 'Start of the oldest overdue hearing, in the council\'s zone' })
}

export const CoverageUnitSchema = Type.Object({
  councilId: Uuid,
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  activeFrom: IsoDate,
  activeTo: Type.Union([IsoDate, Type.Null()]),
  status: Type.Unsafe<string>({
    type: 'string',
    enum: ['covered', 'scheduled', 'outcome_missing', 'uncovered', 'not_applicable'],
    description: 'covered: held enough; scheduled: with those ahead it will; outcome_missing: only with hearings whose time passed and whose outcome is not recorded; uncovered; not_applicable: the council did not exist in the period'
  }),
  partOfPeriod: Type.Boolean({ description: 'The council exists for only part of the period (created or ended in it)' }),
  ...Counts
}, { $id: 'CoverageUnit', additionalProperties: false })

export const CoverageTotalsSchema = Type.Object({
  applicable: Type.Integer({ description: 'Child councils that exist during the period' }),
  covered: Type.Integer(),
  ratio: Type.Union([Type.Number(), Type.Null()], { description: 'covered ÷ applicable; null when none applies' }),
  target: Type.Number(),
  met: Type.Union([Type.Boolean(), Type.Null()], { description: 'null when no unit applies: neither met nor missed' }),
  distribution: Type.Object({ 0: Type.Integer(), 1: Type.Integer(), 2: Type.Integer(), '3+': Type.Integer() }, { description: 'Applicable units by hearings held' })
}, { $id: 'CoverageTotals', additionalProperties: false })

export const CoverageReportSchema = Type.Object({
  council: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), level: Type.String() }),
  period: Type.Object({ from: IsoDate, to: IsoDate }),
  minimumHearings: Type.Integer(),
  totals: Type.Union([Type.Ref(CoverageTotalsSchema), Type.Null()], { description: 'null when the caller may read only its own line' }),
  own: Type.Union([Type.Object(Counts), Type.Null()], { description: 'The parent council\'s own hearings' }),
  units: Type.Array(Type.Ref(CoverageUnitSchema))
}, { $id: 'CoverageReport', additionalProperties: false })

export const HistoryQuerySchema = Type.Object({
  councilId: Uuid,
  fromYear: Type.Integer({ minimum: 1990, maximum: 2100 }),
  toYear: Type.Integer({ minimum: 1990, maximum: 2100 })
}, { additionalProperties: false })

export const CoverageHistorySchema = Type.Object({
  council: Type.Object({ id: Uuid, name: Type.String() }),
  items: Type.Array(Type.Object({
    year: Type.Integer(),
    applicable: Type.Integer(),
    covered: Type.Integer(),
    ratio: Type.Union([Type.Number(), Type.Null()]),
    target: Type.Number(),
    met: Type.Union([Type.Boolean(), Type.Null()], { description: 'null when no unit applies that year (e.g. before the council existed)' }),
    ownHeld: Type.Integer()
  }))
}, { $id: 'CoverageHistory', additionalProperties: false })

export const coverageSchemas = [CoverageUnitSchema, CoverageTotalsSchema, CoverageReportSchema, CoverageHistorySchema]
