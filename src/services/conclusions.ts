import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import type { Db } from '../db/client.js'
import { findCouncil } from '../db/queries/councils.js'
import { lockHearing, recordTransition, touchHearing, updateHearingRow, type Hearing } from '../db/queries/hearings.js'
import {
  findCommitmentByLink, findConclusion, insertCommitment, insertCommitmentUpdate, listCommitments, listCommitmentUpdates, listVotes, lockCommitment,
  saveConclusion, standingCommittee, updateCommitmentRow, type Commitment
} from '../db/queries/conclusions.js'
import { commitmentState, tally, type Vote } from '../domain/conclusions.js'
import { fail } from '../domain/errors.js'
import { inZone } from '../domain/zone.js'
import { hashSecret } from '../domain/tokens.js'
import type { CreateCommitment, LinkUpdate, PutConclusion, UpdateCommitment } from '../schemas/conclusions.js'
import { write, type WriteContext, type Writer } from './write.js'

/** The council's local date of an instant. */
function localDay (at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!
}

/** The conclusion as the API shows it: the committee with each one's presence and vote, the tally against the rule. */
export async function conclusionView (db: Db, hearingId: string, zone: string) {
  const conclusion = await findConclusion(db, hearingId)
  if (!conclusion) return undefined
  const committee = await listVotes(db, hearingId)
  return {
    hearingId,
    numberSymbol: conclusion.numberSymbol,
    issuedOn: conclusion.issuedOn,
    text: conclusion.text,
    committee: committee.map((member) => ({ personId: member.personId, fullName: member.fullName, role: member.role, present: member.present, vote: member.vote })),
    tally: tally(conclusion.committeeSize, committee),
    adoptedAt: inZone(conclusion.updatedAt, zone).toISO()!,
    updatedAt: inZone(conclusion.updatedAt, zone).toISO()!
  }
}

/**
 * The Standing Committee votes on the conclusion of a held hearing: its members on the hearing's
 * day (memberships as chair, vice-chair or standing member), each present or absent, each present
 * one's vote. It passes with more than half of ALL members for it (Law 87/2015 Art. 72.4); passed,
 * it is the hearing's conclusion (its text and date go to the outcome, and the overdue reminder
 * stops). A vote again replaces the last. Its own transition on the hearing's history, audited.
 */
export async function voteConclusion (ctx: WriteContext, hearingId: string, input: PutConclusion) {
  return write(ctx, async ({ tx, now, record }) => {
    const hearing = await lockHearing(tx, hearingId)
    if (!hearing) throw fail('HEARING_NOT_FOUND', { id: hearingId })
    if (hearing.status !== 'held' || !hearing.startsAt) throw fail('CONCLUSION_NEEDS_HELD', { status: hearing.status })
    const council = (await findCouncil(tx, hearing.councilId))!
    const day = localDay(hearing.startsAt, council.timezone)
    const committee = await standingCommittee(tx, hearing.councilId, day)
    if (committee.length === 0) throw fail('COMMITTEE_EMPTY', { day })
    const members = new Map(committee.map((member) => [member.personId, member]))
    const ballots = new Map<string, { present: boolean, vote: Vote | null }>()
    for (const ballot of input.votes) {
      if (!members.has(ballot.personId)) throw fail('VOTER_NOT_ON_COMMITTEE', { personId: ballot.personId, day })
      if (ballots.has(ballot.personId)) throw fail('VOTE_TWICE', { personId: ballot.personId })
      if (!ballot.present && ballot.vote) throw fail('VOTE_WHEN_ABSENT', { personId: ballot.personId })
      ballots.set(ballot.personId, { present: ballot.present, vote: ballot.vote ?? null })
    }
    const votes = committee.map((member) => ({ personId: member.personId, role: member.role, ...(ballots.get(member.personId) ?? { present: false, vote: null }) }))
    const result = tally(committee.length, votes)
    const before = await findConclusion(tx, hearingId)
    const saved = await saveConclusion(tx, {
      hearingId,
      councilId: hearing.councilId,
      numberSymbol: input.numberSymbol ?? null,
      issuedOn: input.issuedOn ?? null,
      text: input.text,
      committeeSize: committee.length,
      votesFor: result.for,
      passed: result.passed,
      createdAt: now,
      updatedAt: now
    }, votes)
    if (result.passed) {
      await updateHearingRow(tx, hearingId, { outcome: { ...hearing.outcome!, conclusionText: input.text, conclusionIssuedOn: input.issuedOn ?? hearing.outcome!.conclusionIssuedOn } }, now)
    }
    await touchHearing(tx, hearingId, now)
    const reason = `${result.for}/${result.committeeSize} (${result.needed})`
    await recordTransition(tx, { hearingId, action: result.passed ? 'adopt_conclusion' : 'conclusion_not_passed', fromStatus: 'held', toStatus: 'held', reason, at: now, actor: ctx.principal.label })
    await record({ action: result.passed ? 'adopt_conclusion' : 'conclusion_not_passed', entity: 'hearing', entityId: hearingId, councilId: hearing.councilId, before: before ?? null, after: { ...saved, votes } })
    return result
  })
}

/** A commitment's secret link for its responsible person: gc_ and 256 random bits; only the hash is kept. */
function commitmentSecret (): string {
  return `gc_${randomBytes(32).toString('base64url')}`
}

/** Commitments as the API shows them, with their state today and their updates, newest first. */
export async function commitmentViews (db: Db, rows: Array<{ commitment: Commitment, responsibleName: string | null }>, zoneOf: (councilId: string) => string, now: Date) {
  const updates = await listCommitmentUpdates(db, rows.map((row) => row.commitment.id))
  return rows.map(({ commitment, responsibleName }) => {
    const { linkHash: _hash, revision: _revision, status, ...fields } = commitment
    const zone = zoneOf(commitment.councilId)
    return {
      ...fields,
      responsibleName,
      status: commitmentState({ status, dueOn: commitment.dueOn }, localDay(now, zone)),
      createdAt: inZone(commitment.createdAt, zone).toISO()!,
      updatedAt: inZone(commitment.updatedAt, zone).toISO()!,
      updates: updates.filter((update) => update.commitmentId === commitment.id)
        .map((update) => ({ at: inZone(update.at, zone).toISO()!, note: update.note, progress: update.progress, status: update.status, evidenceUrl: update.evidenceUrl, by: update.actor }))
    }
  })
}

export async function hearingCommitments (db: Db, hearingId: string) {
  return listCommitments(db, { hearingIds: [hearingId], limit: 500 })
}

async function adoptedConclusion (tx: Db, hearing: Hearing) {
  const conclusion = await findConclusion(tx, hearing.id)
  if (!conclusion?.passed) throw fail('CONCLUSION_NOT_ADOPTED')
  return conclusion
}

/** A commitment of the adopted conclusion: what, who (a person with a link to report progress, or an agency), by when. */
export async function addCommitment (ctx: WriteContext, hearingId: string, input: CreateCommitment) {
  if (!input.responsiblePersonId && !input.responsibleAgency) throw fail('COMMITMENT_NEEDS_RESPONSIBLE')
  const secret = input.responsiblePersonId ? commitmentSecret() : undefined
  return write(ctx, async ({ tx, now, record }) => {
    const hearing = await lockHearing(tx, hearingId)
    if (!hearing) throw fail('HEARING_NOT_FOUND', { id: hearingId })
    await adoptedConclusion(tx, hearing)
    const commitment = await insertCommitment(tx, {
      hearingId,
      councilId: hearing.councilId,
      title: input.title,
      responsiblePersonId: input.responsiblePersonId ?? null,
      responsibleAgency: input.responsibleAgency ?? null,
      dueOn: input.dueOn,
      linkHash: secret ? hashSecret(secret) : null,
      createdAt: now,
      updatedAt: now
    })
    await touchHearing(tx, hearingId, now)
    const { linkHash: _hash, ...audited } = commitment
    await record({ action: 'create', entity: 'commitment', entityId: commitment.id, councilId: hearing.councilId, after: audited })
    return { commitment, secret }
  })
}

/** Applies an update (the secretariat's or the responsible person's): the note kept, the fields changed, audited. */
async function applyUpdate ({ tx, now, record }: Writer, before: Commitment, update: UpdateCommitment, actor: string, zone: string) {
  if (update.status === 'dropped' && !update.dropReason) throw fail('DROP_NEEDS_REASON')
  if (update.dropReason && update.status !== 'dropped') throw fail('DROP_REASON_ONLY_WHEN_DROPPED')
  if (before.status === 'done' || before.status === 'dropped') {
    // A closed commitment takes notes, and can be opened again only by the secretariat's status.
    if (update.status === undefined && update.progress !== undefined) throw fail('COMMITMENT_CLOSED', { status: before.status })
  }
  const status = update.status ?? (update.progress !== undefined && update.progress > 0 && before.status === 'open' ? 'in_progress' : before.status)
  const progress = status === 'done' ? 100 : update.progress ?? before.progress
  const after = await updateCommitmentRow(tx, before.id, {
    status,
    progress,
    dropReason: status === 'dropped' ? update.dropReason ?? before.dropReason : null,
    doneOn: status === 'done' ? (before.status === 'done' ? before.doneOn : localDay(now, zone)) : null,
    ...(update.dueOn ? { dueOn: update.dueOn } : {})
  }, now)
  await insertCommitmentUpdate(tx, { commitmentId: before.id, at: now, note: update.note, progress: update.progress ?? null, status: update.status ?? null, evidenceUrl: update.evidenceUrl ?? null, actor })
  await touchHearing(tx, before.hearingId, now)
  const { linkHash: _b, ...was } = before
  const { linkHash: _a, ...is } = after
  await record({ action: 'update', entity: 'commitment', entityId: before.id, councilId: before.councilId, before: was, after: { ...is, note: update.note } })
  return after
}

/** The secretariat updates a commitment: progress, status (also dropped, with a reason), due date, with a note. */
export async function updateCommitment (ctx: WriteContext, hearingId: string, commitmentId: string, update: UpdateCommitment) {
  return write(ctx, async (writer) => {
    const before = await lockCommitment(writer.tx, hearingId, commitmentId)
    if (!before) throw fail('COMMITMENT_NOT_FOUND', { id: commitmentId })
    const council = (await findCouncil(writer.tx, before.councilId))!
    return applyUpdate(writer, before, update, ctx.principal.label, council.timezone)
  })
}

/** A new link for the responsible person; the old one stops at once. Returns the secret (shown once). */
export async function renewCommitmentLink (ctx: WriteContext, hearingId: string, commitmentId: string) {
  const secret = commitmentSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockCommitment(tx, hearingId, commitmentId)
    if (!before) throw fail('COMMITMENT_NOT_FOUND', { id: commitmentId })
    if (!before.responsiblePersonId) throw fail('COMMITMENT_NO_PERSON')
    const after = await updateCommitmentRow(tx, before.id, { linkHash: hashSecret(secret) }, now)
    await record({ action: 'renew_link', entity: 'commitment', entityId: before.id, councilId: before.councilId })
    return { commitment: after, secret }
  })
}

/** The commitment a link reaches (undefined: no such link, or renewed since). */
export async function commitmentOfLink (db: Db, secret: string) {
  return findCommitmentByLink(db, hashSecret(secret))
}

/** The responsible person reports progress through their link: no account; who acts is the link. */
export async function updateThroughLink (ctx: Omit<WriteContext, 'principal'>, secret: string, update: LinkUpdate) {
  const found = await commitmentOfLink(ctx.db, secret)
  if (!found) return undefined
  return write({ ...ctx, principal: { tokenId: null, label: `commitment-link:${found.id}` } }, async (writer) => {
    const before = await lockCommitment(writer.tx, found.hearingId, found.id)
    // Read again under the lock: the link may have been renewed meanwhile.
    if (!before || before.linkHash !== found.linkHash) return undefined
    if (before.status === 'dropped') throw fail('COMMITMENT_CLOSED', { status: before.status })
    const council = (await findCouncil(writer.tx, before.councilId))!
    return applyUpdate(writer, before, update, `commitment-link:${found.id}`, council.timezone)
  })
}

/**
 * What the console shows of a held hearing's second half: the Standing Committee on its day (with
 * the votes recorded, if any), the conclusion voted on, and its commitments.
 */
export async function conclusionDesk (db: Db, hearing: Hearing, zone: string, now: Date) {
  if (hearing.status !== 'held' || !hearing.startsAt) return undefined
  const [committee, conclusion, rows] = await Promise.all([
    standingCommittee(db, hearing.councilId, localDay(hearing.startsAt, zone)),
    conclusionView(db, hearing.id, zone),
    hearingCommitments(db, hearing.id)
  ])
  const recorded = new Map((conclusion?.committee ?? []).map((member) => [member.personId, member]))
  return {
    committee: committee.map((member) => ({ ...member, present: recorded.get(member.personId)?.present ?? true, vote: recorded.get(member.personId)?.vote ?? null })),
    conclusion,
    commitments: await commitmentViews(db, rows, () => zone, now)
  }
}
