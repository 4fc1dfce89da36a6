import type { NotificationSettingsOverrides } from '../db/schema.js'
import {
  councilNotificationRow, countWebhookEndpoints, deleteWebhookEndpointRow, insertWebhookEndpoint, lockWebhookEndpoint, markNotification, saveCouncilNotificationSettings,
  saveServiceSetting, serviceSetting, updateWebhookEndpointRow, type WebhookEndpoint
} from '../db/queries/notifications.js'
import { fail } from '../domain/errors.js'
import { skipEndpointNotices } from '../notifications/plan.js'
import { parseQuietHours } from '../domain/calendar.js'
import { checkOverrides, NOTIFICATION_DEFAULTS_KEY } from '../notifications/settings.js'
import { checkWebhookUrl, generateWebhookSecret } from '../notifications/webhooks.js'
import { write, type WriteContext } from './write.js'
import type { Sealing } from '../domain/sealing.js'

/** How long the old secret still signs after a rotation: a day for the receiver to take the new one. */
export const ROTATION_GRACE_MS = 24 * 3_600_000

/** What the audit log keeps of an endpoint: never its secrets. */
function audited ({ secret: _secret, previousSecret: _previous, ...endpoint }: WebhookEndpoint) {
  return endpoint
}

/** A council's own settings (what it leaves out follows the service's defaults) and its secretariat's address. */
export async function setCouncilNotificationSettings (ctx: WriteContext, councilId: string, input: { notificationEmail: string | null, overrides: NotificationSettingsOverrides }) {
  checkOverrides(input.overrides, parseQuietHours)
  return write(ctx, async ({ tx, now, record }) => {
    const row = await councilNotificationRow(tx, councilId, true)
    if (!row) throw fail('COUNCIL_NOT_FOUND', { id: councilId })
    const before = { notificationEmail: row.notificationEmail, overrides: row.overrides, revision: row.revision }
    const overrides = Object.keys(input.overrides).length ? input.overrides : null
    await saveCouncilNotificationSettings(tx, councilId, { notificationEmail: input.notificationEmail, overrides, revision: before.revision + 1 }, now)
    await record({ action: 'update_notification_settings', entity: 'council', entityId: councilId, councilId, before, after: { notificationEmail: input.notificationEmail, overrides } })
  })
}

/** The service-wide defaults, under every council's own settings. */
export async function setNotificationDefaults (ctx: WriteContext, overrides: NotificationSettingsOverrides) {
  checkOverrides(overrides, parseQuietHours)
  return write(ctx, async ({ tx, now, record }) => {
    const before = await serviceSetting(tx, NOTIFICATION_DEFAULTS_KEY, true)
    await saveServiceSetting(tx, NOTIFICATION_DEFAULTS_KEY, overrides, now, ctx.principal.label)
    await record({ action: 'update_notification_defaults', entity: 'service_settings', entityId: NOTIFICATION_DEFAULTS_KEY, councilId: null, before: before?.value ?? null, after: overrides })
  })
}

/** At most this many endpoints a council (each notice is planned once per endpoint). */
export const MAX_WEBHOOK_ENDPOINTS = 10

/** Registers an endpoint; its secret is returned here once. */
export async function createWebhookEndpoint (ctx: WriteContext, councilId: string, input: { url: string, description?: string | undefined }, allowPrivate: boolean, sealing: Sealing | undefined) {
  if (!sealing) throw fail('SECRET_KEY_MISSING')
  const url = await checkWebhookUrl(input.url, allowPrivate)
  const secret = generateWebhookSecret()
  return write(ctx, async ({ tx, now, record }) => {
    // The council's row is locked by the check of its notification settings' writers too: two registrations at once count alike.
    await councilNotificationRow(tx, councilId, true)
    if (await countWebhookEndpoints(tx, councilId) >= MAX_WEBHOOK_ENDPOINTS) throw fail('WEBHOOK_LIMIT', { max: MAX_WEBHOOK_ENDPOINTS })
    const endpoint = await insertWebhookEndpoint(tx, {
      councilId, url: url.href, description: input.description ?? '', secret: sealing.seal(secret), createdBy: ctx.principal.label, createdAt: now, updatedAt: now
    })
    await record({ action: 'create', entity: 'webhook_endpoint', entityId: endpoint.id, councilId, after: audited(endpoint) })
    return { endpoint, secret }
  })
}

async function lockEndpoint (tx: WriteContext['db'], councilId: string, endpointId: string) {
  const endpoint = await lockWebhookEndpoint(tx, endpointId, councilId)
  if (!endpoint) throw fail('WEBHOOK_NOT_FOUND', { id: endpointId })
  return endpoint
}

/** Changes the URL or description, or disables or enables it again (clearing why it was disabled). */
export async function updateWebhookEndpoint (ctx: WriteContext, councilId: string, endpointId: string, input: { url?: string | undefined, description?: string | undefined, enabled?: boolean | undefined }, allowPrivate: boolean) {
  const url = input.url === undefined ? undefined : (await checkWebhookUrl(input.url, allowPrivate)).href
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockEndpoint(tx, councilId, endpointId)
    const after = await updateWebhookEndpointRow(tx, endpointId, {
      ...(url !== undefined ? { url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: input.enabled ? null : 'disabled by hand' } : {}),
      updatedAt: now
    })
    await record({ action: 'update', entity: 'webhook_endpoint', entityId: endpointId, councilId, before: audited(before), after: audited(after) })
    return after
  })
}

/** A new secret, returned once; the old one still signs for a day (both signatures are sent), then stops. */
export async function rotateWebhookSecret (ctx: WriteContext, councilId: string, endpointId: string, sealing: Sealing | undefined) {
  if (!sealing) throw fail('SECRET_KEY_MISSING')
  const secret = generateWebhookSecret()
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockEndpoint(tx, councilId, endpointId)
    const after = await updateWebhookEndpointRow(tx, endpointId, {
      secret: sealing.seal(secret), previousSecret: before.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_GRACE_MS), updatedAt: now
    })
    await record({ action: 'rotate_secret', entity: 'webhook_endpoint', entityId: endpointId, councilId, before: audited(before), after: audited(after) })
    return { endpoint: after, secret }
  })
}

/** Removes an endpoint; what was still to be posted to it is skipped (the history keeps its URL). */
export async function deleteWebhookEndpoint (ctx: WriteContext, councilId: string, endpointId: string) {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockEndpoint(tx, councilId, endpointId)
    await skipEndpointNotices(tx, endpointId, 'The webhook endpoint was deleted.', now)
    await deleteWebhookEndpointRow(tx, endpointId)
    await record({ action: 'delete', entity: 'webhook_endpoint', entityId: endpointId, councilId, before: audited(before) })
  })
}

/**
 * The worker's answer to a receiver's 410 Gone: the endpoint is disabled, what was still to be
 * posted to it is skipped, and the notice that met the 410 is dead; one audited write.
 */
export async function disableGoneEndpoint (ctx: WriteContext, endpointId: string, notification: { id: string, attempts: number, error: string }) {
  return write(ctx, async ({ tx, now, record }) => {
    const before = await lockWebhookEndpoint(tx, endpointId)
    if (!before) return undefined
    const reason = `410 Gone from the receiver at ${now.toISOString()}`
    const after = await updateWebhookEndpointRow(tx, endpointId, { enabled: false, disabledReason: reason, updatedAt: now })
    await skipEndpointNotices(tx, endpointId, `The webhook endpoint is disabled (${reason}).`, now)
    await markNotification(tx, notification.id, { status: 'dead', lastError: `${notification.error}: the endpoint is disabled`, attempts: notification.attempts }, now)
    await record({ action: 'disable', entity: 'webhook_endpoint', entityId: endpointId, councilId: before.councilId, before: audited(before), after: audited(after) })
    return after
  })
}
