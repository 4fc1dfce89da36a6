import { COUNCIL_ZONE } from '../domain/councils.js'
import { sql } from 'drizzle-orm'
import {
  pgTable, pgEnum, uuid, text, date, timestamp, jsonb, bigserial, index, uniqueIndex, check, foreignKey, boolean, integer, unique, numeric, primaryKey
} from 'drizzle-orm/pg-core'

export const councilLevel = pgEnum('council_level', ['province', 'city', 'district', 'ward', 'commune', 'special_zone'])
export const personKind = pgEnum('person_kind', ['delegate', 'official'])
export const personLocale = pgEnum('person_locale', ['vi', 'en'])
export const membershipRole = pgEnum('membership_role', ['chair', 'vice_chair', 'standing_member', 'delegate', 'secretary'])
export const tokenRole = pgEnum('token_role', ['admin', 'secretariat', 'supervisor'])
export const hearingStatus = pgEnum('hearing_status', ['draft', 'scheduled', 'postponed', 'held', 'cancelled'])
export const hearingVisibility = pgEnum('hearing_visibility', ['public', 'restricted'])
export const participantRole = pgEnum('participant_role', ['explainer', 'attendee', 'guest'])
export const invitationResponse = pgEnum('invitation_response', ['pending', 'accepted', 'declined', 'delegated'])
export const noticeDayKind = pgEnum('notice_day_kind', ['calendar', 'working'])
export const calendarDayKind = pgEnum('calendar_day_kind', ['day_off', 'working_day'])

/**
 * No defaults: every write sets its times from the app's clock (the one tests and faketime move),
 * never from the database's now(), so that what logic later compares with that clock agrees with it.
 */
const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull()
}

export const councils = pgTable('councils', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  level: councilLevel('level').notNull(),
  parentId: uuid('parent_id'),
  activeFrom: date('active_from', { mode: 'string' }).notNull(),
  activeTo: date('active_to', { mode: 'string' }),
  timezone: text('timezone').notNull().default(COUNCIL_ZONE),
  /** Too-short notice refuses scheduling (422) instead of warning. */
  strictNotice: boolean('strict_notice').notNull().default(false),
  /** The share of child councils that should hold the minimum number of hearings in a year. */
  coverageTarget: numeric('coverage_target', { precision: 4, scale: 3, mode: 'number' }).notNull().default(1),
  coverageMinHearings: integer('coverage_min_hearings').notNull().default(1),
  /** Coverage numbers (counts, no titles) may be read without a token. */
  coveragePublic: boolean('coverage_public').notNull().default(false),
  /** Where the secretariat is told of answers and overdue outcomes; null: nobody is e-mailed (webhooks still are). */
  notificationEmail: text('notification_email'),
  /** The council's own notification settings; what it leaves out follows the service's defaults. */
  notificationSettings: jsonb('notification_settings').$type<NotificationSettingsOverrides>(),
  /** Rises with every change: what caches compare (times cannot tell two changes in one clock tick apart). */
  revision: integer('revision').notNull().default(0),
  ...timestamps
}, (table) => [
  uniqueIndex('councils_code_key').on(table.code),
  index('councils_parent_id_idx').on(table.parentId),
  foreignKey({ columns: [table.parentId], foreignColumns: [table.id], name: 'councils_parent_id_fkey' }),
  check('councils_not_own_parent', sql`${table.parentId} is distinct from ${table.id}`),
  check('councils_active_range', sql`${table.activeTo} is null or ${table.activeTo} >= ${table.activeFrom}`),
  check('councils_coverage_target', sql`${table.coverageTarget} >= 0 and ${table.coverageTarget} <= 1`),
  check('councils_coverage_min', sql`${table.coverageMinHearings} >= 1`)
])

export const people = pgTable('people', {
  id: uuid('id').primaryKey().defaultRandom(),
  fullName: text('full_name').notNull(),
  /** The name without diacritics, lower case (domain/search.ts), for searches typed without them. */
  searchName: text('search_name'),
  email: text('email'),
  phone: text('phone'),
  kind: personKind('kind').notNull(),
  organization: text('organization'),
  position: text('position'),
  locale: personLocale('locale').notNull().default('vi'),
  /** The council whose secretariat registered the person: it keeps the right to see and edit them. */
  ownerCouncilId: uuid('owner_council_id').references(() => councils.id),
  /** Rises with every change: what caches compare (times cannot tell two changes in one clock tick apart). */
  revision: integer('revision').notNull().default(0),
  /**
   * When a hearing last left the person's calendar (uninvited, a membership ended or removed): feeds
   * answer If-Modified-Since from the times of what they show, and a hearing that left shows nothing.
   */
  scheduleChangedAt: timestamp('schedule_changed_at', { withTimezone: true, mode: 'date' }),
  /** Reminders before hearings; invitations, changes and cancellations (the legal notice) always go. */
  reminders: boolean('reminders').notNull().default(true),
  ...timestamps
}, (table) => [
  index('people_owner_council_id_idx').on(table.ownerCouncilId)
])

export const memberships = pgTable('memberships', {
  id: uuid('id').primaryKey().defaultRandom(),
  councilId: uuid('council_id').notNull().references(() => councils.id),
  personId: uuid('person_id').notNull().references(() => people.id),
  role: membershipRole('role').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }),
  ...timestamps
}, (table) => [
  index('memberships_council_id_idx').on(table.councilId),
  index('memberships_person_id_idx').on(table.personId),
  check('memberships_range', sql`${table.endsOn} is null or ${table.endsOn} >= ${table.startsOn}`)
])

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  role: tokenRole('role').notNull(),
  councilId: uuid('council_id').references(() => councils.id),
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  secretHash: text('secret_hash').notNull(),
  createdAt: timestamps.createdAt,
  createdBy: text('created_by').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  /** A user's own token (made on their account page): it acts in one of their roles, and stops with it. Null: an administrator's token for a program. */
  userId: uuid('user_id'),
  /** The role it acts in; set null when the role is revoked, and a user's token without its role is dead. */
  userRoleId: uuid('user_role_id')
}, (table) => [
  uniqueIndex('api_tokens_secret_hash_key').on(table.secretHash),
  index('api_tokens_user_idx').on(table.userId),
  foreignKey({ columns: [table.userId], foreignColumns: [users.id], name: 'api_tokens_user_id_fk' }),
  foreignKey({ columns: [table.userRoleId], foreignColumns: [userRoles.id], name: 'api_tokens_user_role_id_fk' }).onDelete('set null'),
  check('api_tokens_scope', sql`(${table.role} = 'admin') = (${table.councilId} is null)`)
])

/**
 * A person who signs in to the pages (a secretariat's staff, a supervisor, an administrator): known
 * by their e-mail address, with roles per council. Signing in is by a one-time link sent to that
 * address, or by the province's OpenID provider naming it.
 */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Lower case: one account per address. */
  email: text('email').notNull(),
  name: text('name').notNull(),
  locale: personLocale('locale').notNull().default('vi'),
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  createdBy: text('created_by').notNull(),
  ...timestamps
}, (table) => [uniqueIndex('users_email_key').on(table.email)])

/** What a user may do, per council: as the API's tokens, an admin (no council), a secretariat or a supervisor of one. */
export const userRoles = pgTable('user_roles', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id),
  role: tokenRole('role').notNull(),
  councilId: uuid('council_id').references(() => councils.id),
  grantedBy: text('granted_by').notNull(),
  createdAt: timestamps.createdAt
}, (table) => [
  uniqueIndex('user_roles_grant_key').on(table.userId, table.role, sql`coalesce(${table.councilId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
  index('user_roles_council_idx').on(table.councilId),
  check('user_roles_scope', sql`(${table.role} = 'admin') = (${table.councilId} is null)`)
])

/**
 * A signed-in browser: the cookie holds a random id whose hash is kept here (never a credential the
 * API takes). It ends at its expiry, at sign-out, or when an administrator signs the user out everywhere.
 */
export const sessions = pgTable('sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  secretHash: text('secret_hash').notNull(),
  userId: uuid('user_id').notNull().references(() => users.id),
  /** The role the pages act in (the council switcher); null: the user's first. */
  roleId: uuid('role_id').references(() => userRoles.id, { onDelete: 'set null' }),
  /** How the user signed in: 'email' or 'oidc'. */
  method: text('method').notNull(),
  /** The token every form of this session carries: random, known only to the server and the session's pages (a cookie set from another port of the host cannot forge it). */
  csrfToken: text('csrf_token').notNull(),
  userAgent: text('user_agent'),
  createdAt: timestamps.createdAt,
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' })
}, (table) => [
  uniqueIndex('sessions_secret_hash_key').on(table.secretHash),
  index('sessions_user_idx').on(table.userId)
])

/** One-time sign-in links sent by e-mail: the hash only; used once, within minutes. */
export const signInLinks = pgTable('sign_in_links', {
  secretHash: text('secret_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id),
  /** The page to open after signing in (a path of this site). */
  next: text('next').notNull(),
  createdAt: timestamps.createdAt,
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' })
}, (table) => [index('sign_in_links_user_idx').on(table.userId, table.createdAt)])

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  /** api_tokens.id of the caller; null for the ADMIN_TOKEN from the environment and for CLI tools. */
  actorTokenId: uuid('actor_token_id'),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  /** The council whose data changed, so that supervisors can read the log of their subtree. */
  councilId: uuid('council_id'),
  before: jsonb('before'),
  after: jsonb('after'),
  requestId: text('request_id')
}, (table) => [
  index('audit_log_entity_idx').on(table.entity, table.entityId),
  index('audit_log_council_id_idx').on(table.councilId, table.id)
])

/** Notification settings; each key left out follows the level above (service defaults, then built-in ones). */
export interface NotificationSettingsOverrides {
  reminders?: { explainer?: string[], participant?: string[], member?: string[] }
  quietHours?: string
  outcomeOverdue?: string[]
  conclusionOverdue?: string
}

export interface HearingOutcome {
  summary: string
  delegatesPresent: number | null
  conclusionText: string | null
  conclusionIssuedOn: string | null
}

export const hearings = pgTable('hearings', {
  id: uuid('id').primaryKey().defaultRandom(),
  councilId: uuid('council_id').notNull().references(() => councils.id),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  location: text('location'),
  visibility: hearingVisibility('visibility').notNull().default('public'),
  startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }),
  endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
  status: hearingStatus('status').notNull().default('draft'),
  /** iCalendar SEQUENCE: rises with every change of time, place, title or status. */
  sequence: integer('sequence').notNull().default(0),
  /** Rises with every change at all: the ETag. */
  revision: integer('revision').notNull().default(0),
  outcome: jsonb('outcome').$type<HearingOutcome>(),
  ...timestamps
}, (table) => [
  index('hearings_council_starts_idx').on(table.councilId, table.startsAt),
  index('hearings_starts_idx').on(table.startsAt),
  check('hearings_times', sql`(${table.startsAt} is null) = (${table.endsAt} is null) and (${table.endsAt} is null or ${table.endsAt} > ${table.startsAt})`),
  check('hearings_timed_status', sql`${table.status} not in ('scheduled', 'held') or ${table.startsAt} is not null`),
  check('hearings_outcome', sql`(${table.status} = 'held') = (${table.outcome} is not null)`)
])

/** Every lifecycle move with its reason: the history a secretariat is asked about later. */
export const hearingTransitions = pgTable('hearing_transitions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  hearingId: uuid('hearing_id').notNull().references(() => hearings.id),
  action: text('action').notNull(),
  fromStatus: hearingStatus('from_status'),
  toStatus: hearingStatus('to_status').notNull(),
  reason: text('reason'),
  startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }),
  endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  actor: text('actor').notNull()
}, (table) => [index('hearing_transitions_hearing_idx').on(table.hearingId, table.id)])

export const hearingParticipants = pgTable('hearing_participants', {
  id: uuid('id').primaryKey().defaultRandom(),
  hearingId: uuid('hearing_id').notNull().references(() => hearings.id),
  personId: uuid('person_id').notNull().references(() => people.id),
  role: participantRole('role').notNull(),
  response: invitationResponse('response').notNull().default('pending'),
  substituteName: text('substitute_name'),
  substitutePosition: text('substitute_position'),
  /** Why the person declined, in their words (shown to the secretariat). */
  responseReason: text('response_reason'),
  respondedAt: timestamp('responded_at', { withTimezone: true, mode: 'date' }),
  /** SHA-256 of the invitation link's secret; a new link replaces it. */
  invitationHash: text('invitation_hash').notNull(),
  /** Copies of the hearing's time while it blocks the explainer's calendar (scheduled or held). */
  startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }),
  endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
  blocking: boolean('blocking').notNull().default(false),
  ...timestamps
}, (table) => [
  unique('hearing_participants_person_key').on(table.hearingId, table.personId),
  uniqueIndex('hearing_participants_invitation_key').on(table.invitationHash),
  index('hearing_participants_person_idx').on(table.personId),
  check('hearing_participants_blocking', sql`not ${table.blocking} or (${table.startsAt} is not null and ${table.endsAt} > ${table.startsAt})`)
])

/** Notice rules per legal regime, in force from a date: data, never constants in code. */
export const noticeRules = pgTable('notice_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  legalBasis: text('legal_basis').notNull(),
  effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
  effectiveTo: date('effective_to', { mode: 'string' }),
  explainerNoticeDays: integer('explainer_notice_days').notNull(),
  dayKind: noticeDayKind('day_kind').notNull(),
  verified: boolean('verified').notNull(),
  ...timestamps
}, (table) => [
  uniqueIndex('notice_rules_code_key').on(table.code),
  check('notice_rules_days', sql`${table.explainerNoticeDays} >= 0`),
  check('notice_rules_range', sql`${table.effectiveTo} is null or ${table.effectiveTo} >= ${table.effectiveFrom}`)
])

/** Announced days off and make-up working days, on top of the statutory holidays. */
export const calendarDays = pgTable('calendar_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  kind: calendarDayKind('kind').notNull(),
  name: text('name').notNull(),
  ...timestamps
})

/**
 * Writes sent with an Idempotency-Key: the key is stored in the write's own transaction, so a retry
 * of a write that committed (its answer lost with the connection) is recognised and not applied
 * twice. The answer is kept once sent, to be replayed as it was.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  /** Whose key: the token's id, or the principal's label (ADMIN_TOKEN). */
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  /** SHA-256 of method, URL and body: the same key with another request is refused. */
  requestHash: text('request_hash').notNull(),
  entity: text('entity'),
  entityId: text('entity_id'),
  status: integer('status'),
  response: text('response'),
  headers: jsonb('headers').$type<Record<string, string>>(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull()
}, (table) => [primaryKey({ columns: [table.scope, table.key] })])

/**
 * Failed authentications per client address and minute, shared by every replica on PostgreSQL, so
 * that spreading guesses over replicas gains nothing. Rows older than a few minutes are pruned.
 */
export const authFailures = pgTable('auth_failures', {
  address: text('address').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
  failures: integer('failures').notNull()
}, (table) => [primaryKey({ columns: [table.address, table.windowStart] })])

/**
 * Secret links to a person's private calendar feed. Only the hash is kept. Rotation gives the old
 * link an expiry (a grace period); revocation ends every link of the person at once.
 */
export const feedTokens = pgTable('feed_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  personId: uuid('person_id').notNull().references(() => people.id),
  secretHash: text('secret_hash').notNull(),
  createdAt: timestamps.createdAt,
  createdBy: text('created_by').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' })
}, (table) => [
  uniqueIndex('feed_tokens_secret_hash_key').on(table.secretHash),
  index('feed_tokens_person_idx').on(table.personId)
])

/**
 * Extra links to an invitation, made when one is sent by e-mail (the link the secretariat was given
 * keeps working). Only the hash is kept to find it; renewing the invitation removes them all.
 * With SECRET_KEY, an invitation has one e-mail link, its secret kept sealed so that every e-mail
 * and webhook about the invitation (retries and resends too) carries the same link.
 */
export const invitationLinks = pgTable('invitation_links', {
  secretHash: text('secret_hash').primaryKey(),
  participantId: uuid('participant_id').notNull().references(() => hearingParticipants.id, { onDelete: 'cascade' }),
  /** The secret sealed with SECRET_KEY (domain/sealing): the invitation's one e-mail link; null for a link made without a key. */
  sealedSecret: text('sealed_secret'),
  createdAt: timestamps.createdAt
}, (table) => [
  index('invitation_links_participant_idx').on(table.participantId),
  uniqueIndex('invitation_links_mail_link_key').on(table.participantId).where(sql`${table.sealedSecret} is not null`)
])

/**
 * Links of invitations the secretariat withdrew (the hashes only): a calendar that subscribed to the
 * invitation is shown the event as cancelled for RETENTION_DAYS, then told 410 Gone; the pages and
 * the API say the invitation was withdrawn rather than that the link is unknown.
 */
export const withdrawnInvitations = pgTable('withdrawn_invitations', {
  secretHash: text('secret_hash').primaryKey(),
  hearingId: uuid('hearing_id').notNull().references(() => hearings.id),
  personId: uuid('person_id').notNull().references(() => people.id),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }).notNull()
}, (table) => [index('withdrawn_invitations_withdrawn_idx').on(table.withdrawnAt)])

/** The kinds of notice: to invited people and members, and (the last three) to the council's secretariat. */
export type NoticeKind = 'invitation' | 'update' | 'postponement' | 'cancellation' | 'removal' | 'reminder' | 'answer' | 'outcome_overdue' | 'conclusion_overdue'

/** Service-wide settings an admin changes through the API (the notification defaults). */
export const serviceSettings = pgTable('service_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamps.updatedAt,
  updatedBy: text('updated_by').notNull()
})

/**
 * A council's webhook endpoint (an SMS or Zalo gateway): every notice of the council is posted to
 * it, signed by Standard Webhooks. The signing secret must be kept to sign (it is shown once, never
 * again); after a rotation the previous one still signs until it expires, so receivers can switch.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  councilId: uuid('council_id').notNull().references(() => councils.id),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true, mode: 'date' }),
  enabled: boolean('enabled').notNull().default(true),
  /** Why it was disabled (410 Gone from the receiver, or by hand). */
  disabledReason: text('disabled_reason'),
  createdBy: text('created_by').notNull(),
  ...timestamps
}, (table) => [index('webhook_endpoints_council_idx').on(table.councilId)])

/**
 * The outbox: every notice to a person, planned in the transaction of the change that causes it,
 * one row per (hearing, sequence, recipient, kind) by its idempotency key, delivered afterwards by
 * workers that claim rows with FOR UPDATE SKIP LOCKED under a lease.
 */
export const notifications = pgTable('notifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  hearingId: uuid('hearing_id').notNull().references(() => hearings.id),
  councilId: uuid('council_id').notNull().references(() => councils.id),
  /** Null for a notice to the council's secretariat. */
  personId: uuid('person_id').references(() => people.id),
  /** The invitation it is about (null once the person was uninvited). */
  participantId: uuid('participant_id').references(() => hearingParticipants.id, { onDelete: 'set null' }),
  kind: text('kind').$type<NoticeKind>().notNull(),
  /** A reminder's offset before the start, or an overdue notice's after the end, ISO 8601 (P3D, P1D, PT2H); null for other kinds. */
  reminderOffset: text('reminder_offset'),
  /** The hearing's SEQUENCE the notice is about. */
  sequence: integer('sequence').notNull(),
  channel: text('channel').$type<'email' | 'webhook'>().notNull(),
  /** The address at planning time (the endpoint's URL for a webhook). */
  recipient: text('recipient').notNull(),
  endpointId: uuid('endpoint_id').references(() => webhookEndpoints.id, { onDelete: 'set null' }),
  idempotencyKey: text('idempotency_key').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
  status: text('status').$type<'pending' | 'sent' | 'superseded' | 'skipped' | 'dead'>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  lastError: text('last_error'),
  sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  messageId: text('message_id'),
  ...timestamps
}, (table) => [
  uniqueIndex('notifications_idempotency_key').on(table.idempotencyKey),
  index('notifications_due_idx').on(table.status, table.dueAt),
  index('notifications_hearing_idx').on(table.hearingId, table.createdAt),
  check('notifications_status', sql`${table.status} in ('pending', 'sent', 'superseded', 'skipped', 'dead')`)
])

export const voteChoice = pgEnum('vote_choice', ['for', 'against', 'abstain'])
export const commitmentStatus = pgEnum('commitment_status', ['open', 'in_progress', 'done', 'dropped'])

/**
 * The conclusion of a held hearing as the Standing Committee voted on it (Law 87/2015 Art. 72.4):
 * passed with more than half of all its members for it. A vote again replaces it (revision rises).
 */
export const conclusions = pgTable('conclusions', {
  hearingId: uuid('hearing_id').primaryKey().references(() => hearings.id),
  councilId: uuid('council_id').notNull().references(() => councils.id),
  /** The conclusion notice's number and symbol, e.g. 12/TB-HĐND. */
  numberSymbol: text('number_symbol'),
  issuedOn: date('issued_on', { mode: 'string' }),
  text: text('text').notNull(),
  /** The Standing Committee's members on the hearing's day: what "more than half" is of. */
  committeeSize: integer('committee_size').notNull(),
  votesFor: integer('votes_for').notNull(),
  passed: boolean('passed').notNull(),
  revision: integer('revision').notNull().default(0),
  ...timestamps
}, (table) => [
  index('conclusions_council_idx').on(table.councilId),
  check('conclusions_rule', sql`${table.passed} = (${table.votesFor} * 2 > ${table.committeeSize})`),
  check('conclusions_counts', sql`${table.committeeSize} > 0 and ${table.votesFor} between 0 and ${table.committeeSize}`)
])

/** Each member of the Standing Committee at the vote: present or not, and a present member's vote. */
export const conclusionVotes = pgTable('conclusion_votes', {
  hearingId: uuid('hearing_id').notNull().references(() => conclusions.hearingId),
  personId: uuid('person_id').notNull().references(() => people.id),
  role: membershipRole('role').notNull(),
  present: boolean('present').notNull(),
  vote: voteChoice('vote')
}, (table) => [
  primaryKey({ columns: [table.hearingId, table.personId] }),
  check('conclusion_votes_present', sql`${table.vote} is null or ${table.present}`)
])

/**
 * What a conclusion asks, by whom, by when: followed to the end. The responsible person (if a person)
 * reports through a secret link (its hash here); "overdue" is read from the due date, not stored.
 */
export const commitments = pgTable('commitments', {
  id: uuid('id').primaryKey().defaultRandom(),
  hearingId: uuid('hearing_id').notNull().references(() => hearings.id),
  councilId: uuid('council_id').notNull().references(() => councils.id),
  title: text('title').notNull(),
  responsiblePersonId: uuid('responsible_person_id').references(() => people.id),
  responsibleAgency: text('responsible_agency'),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  status: commitmentStatus('status').notNull().default('open'),
  progress: integer('progress').notNull().default(0),
  dropReason: text('drop_reason'),
  doneOn: date('done_on', { mode: 'string' }),
  linkHash: text('link_hash'),
  revision: integer('revision').notNull().default(0),
  ...timestamps
}, (table) => [
  index('commitments_hearing_idx').on(table.hearingId),
  index('commitments_council_due_idx').on(table.councilId, table.dueOn),
  uniqueIndex('commitments_link_key').on(table.linkHash),
  check('commitments_responsible', sql`${table.responsiblePersonId} is not null or ${table.responsibleAgency} is not null`),
  check('commitments_progress', sql`${table.progress} between 0 and 100`),
  check('commitments_dropped', sql`(${table.status} = 'dropped') = (${table.dropReason} is not null)`),
  check('commitments_done', sql`(${table.status} = 'done') = (${table.doneOn} is not null)`)
])

/** A commitment's history: each update with its note, who made it (the secretariat or the link) and when. */
export const commitmentUpdates = pgTable('commitment_updates', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  commitmentId: uuid('commitment_id').notNull().references(() => commitments.id),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  note: text('note').notNull(),
  progress: integer('progress'),
  status: commitmentStatus('status'),
  evidenceUrl: text('evidence_url'),
  actor: text('actor').notNull()
}, (table) => [index('commitment_updates_commitment_idx').on(table.commitmentId, table.id)])
