import { sql } from 'drizzle-orm'
import {
  pgTable, pgEnum, uuid, text, date, timestamp, jsonb, bigserial, index, uniqueIndex, check, foreignKey
} from 'drizzle-orm/pg-core'

export const councilLevel = pgEnum('council_level', ['province', 'city', 'district', 'ward', 'commune', 'special_zone'])
export const personKind = pgEnum('person_kind', ['delegate', 'official'])
export const personLocale = pgEnum('person_locale', ['vi', 'en'])
export const membershipRole = pgEnum('membership_role', ['chair', 'vice_chair', 'standing_member', 'delegate', 'secretary'])
export const tokenRole = pgEnum('token_role', ['admin', 'secretariat', 'supervisor'])

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
}

export const councils = pgTable('councils', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  level: councilLevel('level').notNull(),
  parentId: uuid('parent_id'),
  activeFrom: date('active_from', { mode: 'string' }).notNull(),
  activeTo: date('active_to', { mode: 'string' }),
  timezone: text('timezone').notNull().default('Asia/Ho_Chi_Minh'),
  ...timestamps
}, (table) => [
  uniqueIndex('councils_code_key').on(table.code),
  index('councils_parent_id_idx').on(table.parentId),
  foreignKey({ columns: [table.parentId], foreignColumns: [table.id], name: 'councils_parent_id_fkey' }),
  check('councils_not_own_parent', sql`${table.parentId} is distinct from ${table.id}`),
  check('councils_active_range', sql`${table.activeTo} is null or ${table.activeTo} >= ${table.activeFrom}`)
])

export const people = pgTable('people', {
  id: uuid('id').primaryKey().defaultRandom(),
  fullName: text('full_name').notNull(),
  email: text('email'),
  phone: text('phone'),
  kind: personKind('kind').notNull(),
  organization: text('organization'),
  position: text('position'),
  locale: personLocale('locale').notNull().default('vi'),
  /** The council whose secretariat registered the person: it keeps the right to see and edit them. */
  ownerCouncilId: uuid('owner_council_id').references(() => councils.id),
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
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' })
}, (table) => [
  uniqueIndex('api_tokens_secret_hash_key').on(table.secretHash),
  check('api_tokens_scope', sql`(${table.role} = 'admin') = (${table.councilId} is null)`)
])

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
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
