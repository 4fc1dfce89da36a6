import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listWebhookEndpoints, type WebhookEndpoint } from '../../db/queries/notifications.js'
import { CouncilKeyParams, problems, secured } from '../../schemas/common.js'
import {
  CouncilNotificationSettingsSchema, CreateWebhookEndpointSchema, NotificationDefaultsSchema, PutCouncilNotificationSettingsSchema,
  PutNotificationDefaultsSchema, UpdateWebhookEndpointSchema, WebhookEndpointListSchema, WebhookEndpointSchema, WebhookEndpointWithSecretSchema,
  WebhookParams
} from '../../schemas/notifications.js'
import { CONCLUSION_OVERDUE_BASIS, councilNotificationSettings, serviceDefaults, type NotificationSettings } from '../../notifications/settings.js'
import {
  createWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret, setCouncilNotificationSettings, setNotificationDefaults, updateWebhookEndpoint
} from '../../services/notification-settings.js'
import { councilKeyHook } from '../council-key.js'

const withBasis = (settings: NotificationSettings) => ({ ...settings, conclusionOverdueBasis: CONCLUSION_OVERDUE_BASIS })

function endpointView (endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    councilId: endpoint.councilId,
    url: endpoint.url,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString()
  }
}

/** A council's notification settings and webhook endpoints (its secretariat or an admin). */
export const councilNotificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', councilKeyHook(app))
  const EndpointRef = Type.Ref(WebhookEndpointSchema)
  const WithSecretRef = Type.Ref(WebhookEndpointWithSecretSchema)

  const settingsView = async (councilId: string) => {
    const { settings, overrides, notificationEmail } = await councilNotificationSettings(app.db, councilId, app.quietHours)
    return { notificationEmail, overrides, effective: withBasis(settings) }
  }

  app.get('/:id/notification-settings', {
    schema: {
      tags: ['notifications'],
      summary: 'The council\'s notification settings: its own, and as they apply over the service\'s defaults',
      security: secured,
      params: CouncilKeyParams,
      response: { 200: Type.Ref(CouncilNotificationSettingsSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    await app.requireRead(request, request.params.id)
    return settingsView(request.params.id)
  })

  app.put('/:id/notification-settings', {
    schema: {
      tags: ['notifications'],
      summary: 'Set the secretariat\'s address and the council\'s own settings (reminder offsets per audience, quiet hours, overdue notices); a key left out follows the service\'s defaults',
      security: secured,
      params: CouncilKeyParams,
      body: PutCouncilNotificationSettingsSchema,
      response: { 200: Type.Ref(CouncilNotificationSettingsSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const principal = await app.requireWrite(request, request.params.id)
    await setCouncilNotificationSettings(app.writeContext(request, principal), request.params.id, request.body)
    return settingsView(request.params.id)
  })

  app.get('/:id/webhooks', {
    schema: {
      tags: ['notifications'],
      summary: 'The council\'s webhook endpoints (SMS or Zalo gateways); secrets are never shown again',
      security: secured,
      params: CouncilKeyParams,
      response: { 200: Type.Ref(WebhookEndpointListSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    await app.requireWrite(request, request.params.id)
    const rows = await listWebhookEndpoints(app.db, request.params.id)
    return { items: rows.map(endpointView) }
  })

  app.post('/:id/webhooks', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['notifications'],
      summary: 'Register a webhook endpoint: every notice of the council is posted to it, signed by Standard Webhooks; the secret is in this answer only',
      security: secured,
      params: CouncilKeyParams,
      body: CreateWebhookEndpointSchema,
      response: { 201: WithSecretRef, ...problems(400, 401, 403, 404, 422) }
    }
  }, async (request, reply) => {
    const principal = await app.requireWrite(request, request.params.id)
    const { endpoint, secret } = await createWebhookEndpoint(app.writeContext(request, principal), request.params.id, request.body, app.config.WEBHOOK_ALLOW_PRIVATE, app.sealing)
    reply.header('cache-control', 'no-store')
    return reply.code(201).header('location', `/v1/councils/${request.params.id}/webhooks/${endpoint.id}`).send({ endpoint: endpointView(endpoint), secret })
  })

  app.patch('/:id/webhooks/:endpointId', {
    schema: {
      tags: ['notifications'],
      summary: 'Change an endpoint\'s URL or description, disable it, or enable it again',
      security: secured,
      params: WebhookParams,
      body: UpdateWebhookEndpointSchema,
      response: { 200: EndpointRef, ...problems(400, 401, 403, 404, 422) }
    }
  }, async (request) => {
    const principal = await app.requireWrite(request, request.params.id)
    return endpointView(await updateWebhookEndpoint(app.writeContext(request, principal), request.params.id, request.params.endpointId, request.body, app.config.WEBHOOK_ALLOW_PRIVATE))
  })

  app.post('/:id/webhooks/:endpointId/rotate-secret', {
    // Its answer holds a secret shown once: kept sealed for an Idempotency-Key's replay (plugins/idempotency.ts).
    config: { shownOnce: true },
    schema: {
      tags: ['notifications'],
      summary: 'A new signing secret, in this answer only; the old one also signs for 24 hours, so the receiver can switch',
      security: secured,
      params: WebhookParams,
      response: { 200: WithSecretRef, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const principal = await app.requireWrite(request, request.params.id)
    const { endpoint, secret } = await rotateWebhookSecret(app.writeContext(request, principal), request.params.id, request.params.endpointId, app.sealing)
    reply.header('cache-control', 'no-store')
    return { endpoint: endpointView(endpoint), secret }
  })

  app.delete('/:id/webhooks/:endpointId', {
    schema: {
      tags: ['notifications'],
      summary: 'Remove an endpoint; what was still to be posted to it is skipped',
      security: secured,
      params: WebhookParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const principal = await app.requireWrite(request, request.params.id)
    await deleteWebhookEndpoint(app.writeContext(request, principal), request.params.id, request.params.endpointId)
    return reply.code(204).send(null)
  })
}

/** The service-wide defaults under every council's settings (admin). */
export const notificationDefaultsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const view = async () => {
    const { settings, overrides } = await serviceDefaults(app.db, app.quietHours)
    return { overrides, effective: withBasis(settings) }
  }
  app.get('/notification-settings', {
    schema: {
      tags: ['notifications'],
      summary: 'The service-wide notification defaults (admin)',
      security: secured,
      response: { 200: Type.Ref(NotificationDefaultsSchema), ...problems(401, 403) }
    }
  }, async (request) => {
    app.requireAdmin(request)
    return view()
  })
  app.put('/notification-settings', {
    schema: {
      tags: ['notifications'],
      summary: 'Set the service-wide notification defaults (admin); a key left out follows the built-in default',
      security: secured,
      body: PutNotificationDefaultsSchema,
      response: { 200: Type.Ref(NotificationDefaultsSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => {
    await setNotificationDefaults(app.writeContext(request, app.requireAdmin(request)), request.body.overrides)
    return view()
  })
}
