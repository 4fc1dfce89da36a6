import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listWebhookEndpoints } from '../../db/queries/notifications.js'
import { canWrite } from '../../domain/access.js'
import { fail } from '../../domain/errors.js'
import type { NotificationSettingsOverrides } from '../../db/schema.js'
import { requestLang } from '../../plugins/pages.js'
import { TEXT_PATTERN, Uuid } from '../../schemas/common.js'
import { CodeParams, EmailField, FormBase, LangQuery } from '../../schemas/forms.js'
import { councilNotificationSettings } from '../../notifications/settings.js'
import {
  createWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret, setCouncilNotificationSettings, updateWebhookEndpoint
} from '../../services/notification-settings.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { formDurations, showDurations, text } from '../../pages/forms.js'
import { secretPage, type ConsoleKit } from '../../pages/console.js'
import { consoleCouncilPath } from '../../links/index.js'
import { formatWhen } from '../../pages/format.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

const Durations = Type.Optional(Type.String({ maxLength: 200, pattern: `^$|${TEXT_PATTERN}` }))
const SettingsForm = Type.Object({
  ...FormBase,
  notificationEmail: EmailField,
  explainer: Durations,
  participant: Durations,
  member: Durations,
  quietHours: Type.Optional(Type.String({ maxLength: 20, pattern: '^$|^[0-9: -]+$' })),
  outcomeOverdue: Durations,
  conclusionOverdue: Durations
}, { additionalProperties: false })
const WebhookForm = Type.Object({
  ...FormBase,
  url: Type.String({ minLength: 8, maxLength: 2000, pattern: TEXT_PATTERN }),
  description: Type.Optional(Type.String({ maxLength: 500, pattern: `^$|${TEXT_PATTERN}` }))
}, { additionalProperties: false })
const EndpointParams = Type.Object({ code: CodeParams.properties.code, endpointId: Uuid }, { additionalProperties: false })
const Empty = Type.Object(FormBase, { additionalProperties: false })

/**
 * A council's notification settings and webhooks, for its secretariat (supervisors read the
 * settings): the secretariat's address, reminder offsets per audience, quiet hours, overdue
 * notices; the webhook endpoints with their state (add, disable, enable, new secret, remove). The
 * same services and checks as /v1/councils/{id}/notification-settings and /webhooks.
 */
const settingsConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  const path = (code: string) => `${consoleCouncilPath(code)}/settings`

  app.get('/console/councils/:code/settings', {
    schema: { hide: true, params: CodeParams, querystring: Type.Object({ ...LangQuery, saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { council } = await kit.councilAccess(request, request.params.code, false)
    const writable = canWrite(principal, council.id)
    const [{ settings, overrides, notificationEmail }, endpoints] = await Promise.all([
      councilNotificationSettings(app.db, council.id, app.quietHours),
      // Webhook addresses are the secretariat's business (as on the API): supervisors do not see them.
      writable ? listWebhookEndpoints(app.db, council.id) : []
    ])
    const t = words(lang)
    const field = (name: 'explainer' | 'participant' | 'member') => ({
      name,
      label: t.reminderAudience[name],
      value: showDurations(overrides.reminders?.[name], lang),
      effective: showDurations(settings.reminders[name], lang)
    })
    return sendPage(reply, 'console-settings', {
      lang,
      title: `${t.settingsTitle} – ${councilTitle(council.name, lang)}`,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      council: { title: councilTitle(council.name, lang), url: consoleCouncilPath(council.code, lang) },
      self: path(council.code),
      webhooksPath: `${consoleCouncilPath(council.code)}/webhooks`,
      writable,
      notificationEmail: notificationEmail ?? '',
      reminders: [field('explainer'), field('participant'), field('member')],
      quietHours: { value: overrides.quietHours ?? '', effective: settings.quietHours },
      outcomeOverdue: { value: showDurations(overrides.outcomeOverdue, lang), effective: showDurations(settings.outcomeOverdue, lang) },
      conclusionOverdue: { value: showDurations(overrides.conclusionOverdue === undefined ? undefined : [overrides.conclusionOverdue], lang), effective: showDurations([settings.conclusionOverdue], lang) },
      sealing: app.sealing !== undefined,
      endpoints: endpoints.map((endpoint) => ({
        id: endpoint.id,
        url: endpoint.url,
        description: endpoint.description,
        enabled: endpoint.enabled,
        disabledReason: endpoint.disabledReason,
        rotating: endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > app.now() ? formatWhen(endpoint.previousSecretExpiresAt, null, council.timezone, lang) : undefined
      }))
    })
  })

  app.post('/console/councils/:code/settings', {
    preValidation: app.checkForm,
    schema: { hide: true, params: CodeParams, body: SettingsForm }
  }, async (request, reply) => {
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    const form = request.body
    const overrides: NotificationSettingsOverrides = {}
    const reminders: NonNullable<NotificationSettingsOverrides['reminders']> = {}
    for (const audience of ['explainer', 'participant', 'member'] as const) {
      const offsets = formDurations(form[audience])
      if (offsets !== undefined) reminders[audience] = offsets
    }
    if (Object.keys(reminders).length) overrides.reminders = reminders
    const quiet = text(form.quietHours)
    if (quiet !== undefined) overrides.quietHours = quiet
    const outcome = formDurations(form.outcomeOverdue)
    if (outcome !== undefined) overrides.outcomeOverdue = outcome
    const conclusion = formDurations(form.conclusionOverdue)
    if (conclusion !== undefined) {
      if (conclusion.length !== 1) throw fail('FORM_DURATION_ONE')
      overrides.conclusionOverdue = conclusion[0]!
    }
    await setCouncilNotificationSettings(app.writeContext(request, principal), council.id, { notificationEmail: text(form.notificationEmail)?.toLowerCase() ?? null, overrides })
    return reply.redirect(`${path(council.code)}?lang=${requestLang(request)}&saved=1`, 303)
  })

  app.post('/console/councils/:code/webhooks', {
    preValidation: app.checkForm,
    schema: { hide: true, params: CodeParams, body: WebhookForm }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    const { secret } = await createWebhookEndpoint(app.writeContext(request, principal), council.id, { url: request.body.url.trim(), description: text(request.body.description) }, app.config.WEBHOOK_ALLOW_PRIVATE, app.sealing)
    const t = words(lang)
    return secretPage(reply, lang, `${path(council.code)}?lang=${lang}`, t.webhookSecret, secret, t.webhookSecretHelp)
  })

  app.post('/console/councils/:code/webhooks/:endpointId/:action', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      params: Type.Object({ ...EndpointParams.properties, action: Type.Union([Type.Literal('disable'), Type.Literal('enable'), Type.Literal('delete')]) }, { additionalProperties: false }),
      body: Empty
    }
  }, async (request, reply) => {
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    const ctx = app.writeContext(request, principal)
    const { endpointId, action } = request.params
    if (action === 'delete') await deleteWebhookEndpoint(ctx, council.id, endpointId)
    else await updateWebhookEndpoint(ctx, council.id, endpointId, { enabled: action === 'enable' }, app.config.WEBHOOK_ALLOW_PRIVATE)
    return reply.redirect(`${path(council.code)}?lang=${requestLang(request)}&saved=1`, 303)
  })

  app.post('/console/councils/:code/webhooks/:endpointId/rotate-secret', {
    preValidation: app.checkForm,
    schema: { hide: true, params: EndpointParams, body: Empty }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    const { secret } = await rotateWebhookSecret(app.writeContext(request, principal), council.id, request.params.endpointId, app.sealing)
    const t = words(lang)
    return secretPage(reply, lang, `${path(council.code)}?lang=${lang}`, t.webhookSecret, secret, t.webhookRotatedHelp)
  })
}

export default settingsConsole
