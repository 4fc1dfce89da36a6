import { and, eq } from 'drizzle-orm'
import { councils, serviceSettings, webhookEndpoints, type NotificationSettingsOverrides } from '../db/schema.js'
import { fail } from '../domain/errors.js'
import { skipEndpointNotices } from '../notifications/plan.js'
import { parseQuietHours } from '../domain/calendar.js'
import { checkOverrides, NOTIFICATION_DEFAULTS_KEY } from '../notifications/settings.js'
import { checkWebhookUrl, generateWebhookSecret } from '../notifications/webhooks.js'
import { write, type WriteContext } from './write.js'

/** How long the old secret still signs after a rotation: a day for the receiver to take the new one. */
export const ROTATION_GRACE_MS = 24 * 3_600_000

/** What the audit log keeps of an endpoint: never its secrets. */
function audited ({ secret: _secret, previousSecret: _previous, ...endpoint }: typeof webhookEndpoints.$inferSelect) {
  return endpoint
}

/** A council's own settings (what it leaves out follows the service's defaults) and its secretariat's address. */
export async function setCouncilNotificationSettings (ctx: WriteContext, councilId: string, input: { notificationEmail: string | null, overrides: NotificationSettingsOverrides }) {
  checkOverrides(input.overrides, parseQuietHours)
  return write(ctx, async ({ tx, now, record }) => {
    const [before] = await tx.select({ notificationEmail: councils.notificationEmail, overrides: councils.notificationSettings, revision: councils.revision })
      .from(councils).where(eq(councils.id, councilId)).for('update')
    if (!before) throw fail('COUNCIL_NOT_FOUND', { id: councilId })
    const overrides = Object.keys(input.overrides).length ? input.overrides : null
    await tx.update(councils).set({ notificationEmail: input.notificationEmail, notificationSettings: overrides, revision: before.revision + 1, updatedAt: now })
      .where(eq(councils.id, councilId))
    await record({ action: 'update_notification_settings', entity: 'council', entityId: councilId, councilId, before, after: { notificationEmail: input.notificationEmail, overrides } })
  })
}

/** The service-wide defaults, under every council's own settings. */
export async function setNotificationDefaults (ctx: WriteContext, overrides: NotificationSettingsOverrides) {
  checkOverrides(overrides, parseQuietHours)
  return write(ctx, async ({ tx, now, record }) => {
    const [before] = await tx.select().from(serviceSettings).where(eq(serviceSettings.key, NOTIFICATION_DEFAULTS_KEY)).for('update')
    await tx.insert(serviceSettings).values({ key: NOTIFICATION_DEFAULTS_KEY, value: overrides, updatedAt: now, updatedBy: ctx.principal.label })
      .onConflictDoUpdate({ target: serviceSettings.key, set: { value: overrides, updatedAt: now, updatedBy: ctx.principal.label } })
    await record({ action: 'update_notification_defaults', entity: 'service_settings', entityId: NOTIFICATION_DEFAULTS_KEY, councilId: null, before: before?.value ?? null, after: overrides })
  })
}

/** Registers an endpoint; its secret is returned here once. */
export async function createWebhookEndpoint (ctx: WriteContext, councilId: string, input: { url: string, description?: string | undefined }, allowPrivate: boolean) {
  const url = await checkWebhookUrl(input.url, allowPrivate)
  const secret = generateWebhookSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const [endpoint] = await tx.insert(webhookEndpoints).values({
      councilId, url: url.href, description: input.description ?? '', secret, createdBy: ctx.principal.label, createdAt: now, updatedAt: now
    }).returning()
    await record({ action: 'create', entity: 'webhook_endpoint', entityId: endpoint!.id, councilId, after: audited(endpoint!) })
    return { endpoint: endpoint!, secret }
  })
}

async function lockEndpoint (tx: WriteContext['db'], councilId: string, endpointId: string) {
  const [endpoint] = await tx.select().from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.councilId, councilId))).for('update')
  if (!endpoint) throw fail('WEBHOOK_NOT_FOUND', { id: endpointId })
  return endpoint
}

/** Changes the URL or description, or disables or enables it again (clearing why it was disabled). */
export async function updateWebhookEndpoint (ctx: WriteContext, councilId: string, endpointId: string, input: { url?: string | undefined, description?: string | undefined, enabled?: boolean | undefined }, allowPrivate: boolean) {
  const url = input.url === undefined ? undefined : (await checkWebhookUrl(input.url, allowPrivate)).href
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockEndpoint(tx, councilId, endpointId)
    const [after] = await tx.update(webhookEndpoints).set({
      ...(url !== undefined ? { url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: input.enabled ? null : 'disabled by hand' } : {}),
      updatedAt: now
    }).where(eq(webhookEndpoints.id, endpointId)).returning()
    await record({ action: 'update', entity: 'webhook_endpoint', entityId: endpointId, councilId, before: audited(before), after: audited(after!) })
    return after!
  })
}

/** A new secret, returned once; the old one still signs for a day (both signatures are sent), then stops. */
export async function rotateWebhookSecret (ctx: WriteContext, councilId: string, endpointId: string) {
  const secret = generateWebhookSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockEndpoint(tx, councilId, endpointId)
    const [after] = await tx.update(webhookEndpoints).set({
      secret, previousSecret: before.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_GRACE_MS), updatedAt: now
    }).where(eq(webhookEndpoints.id, endpointId)).returning()
    await record({ action: 'rotate_secret', entity: 'webhook_endpoint', entityId: endpointId, councilId, before: audited(before), after: audited(after!) })
    return { endpoint: after!, secret }
  })
}

/** Removes an endpoint; what was still to be posted to it is skipped (the history keeps its URL). */
export async function deleteWebhookEndpoint (ctx: WriteContext, councilId: string, endpointId: string) {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockEndpoint(tx, councilId, endpointId)
    await skipEndpointNotices(tx, endpointId, 'The webhook endpoint was deleted.', now)
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))
    await record({ action: 'delete', entity: 'webhook_endpoint', entityId: endpointId, councilId, before: audited(before) })
  })
}
