import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { councilZones } from '../../db/queries/hearings.js'
import { hearingNotifications, type Notification } from '../../db/queries/notifications.js'
import { findPerson } from '../../db/queries/people.js'
import { visibleHearing } from '../../policy/index.js'
import { IdParams, problems, secured } from '../../schemas/common.js'
import { DeliveredNoticeSchema, NotificationListSchema, NotificationParams, NotificationSchema } from '../../schemas/notifications.js'
import { deliveredNotice } from '../../services/delivery-notice.js'
import { resendNotification } from '../../services/notifications.js'
import { zoned } from '../../views/hearing.js'

type Row = Notification & { fullName: string | null }

/** What was sent about a hearing, to whom, when, with what result; and sending one again. */
const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const view = (row: Row, zone: string) => ({
    id: row.id,
    kind: row.kind,
    reminderOffset: row.reminderOffset,
    channel: row.channel,
    personId: row.personId,
    fullName: row.fullName,
    recipient: row.recipient,
    endpointId: row.endpointId,
    sequence: row.sequence,
    status: row.status,
    attempts: row.attempts,
    dueAt: zoned(row.dueAt, zone),
    sentAt: zoned(row.sentAt, zone),
    lastError: row.lastError,
    createdAt: zoned(row.createdAt, zone)
  })

  app.get('/:id/notifications', {
    schema: {
      tags: ['notifications'],
      summary: 'What was sent about the hearing, to whom, when, with what result (within the council\'s scope)',
      security: secured,
      params: IdParams,
      response: { 200: Type.Ref(NotificationListSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    await app.requireRead(request, hearing.councilId)
    const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
    return { items: (await hearingNotifications(app.db, hearing.id)).map((row) => view(row, zone)) }
  })

  app.get('/:id/notice', {
    schema: {
      tags: ['notifications'],
      summary: 'Each explainer\'s notice counted from the delivery of their invitation (with e-mail configured), and warnings while it is not delivered or too short',
      security: secured,
      params: IdParams,
      response: { 200: Type.Ref(DeliveredNoticeSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    await app.requireRead(request, hearing.councilId)
    if (!app.config.SMTP_URL) return { emailConfigured: false, explainers: [], warnings: [] }
    const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
    const { explainers, warnings } = await deliveredNotice(app.db, hearing, zone)
    return { emailConfigured: true, explainers: explainers.map((e) => ({ ...e, deliveredAt: zoned(e.deliveredAt, zone) })), warnings }
  })

  app.post('/:id/notifications/:notificationId/resend', {
    schema: {
      tags: ['notifications'],
      summary: 'Send a notice again (a dead one after the address was corrected, or one that never arrived)',
      security: secured,
      params: NotificationParams,
      response: { 200: Type.Ref(NotificationSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => {
    const { hearing } = await visibleHearing(app.db, request.principal, request.params.id)
    const principal = await app.requireWrite(request, hearing.councilId)
    const row = await resendNotification(app.writeContext(request, principal), hearing.id, request.params.notificationId)
    const person = row.personId ? await findPerson(app.db, row.personId) : undefined
    const zone = (await councilZones(app.db, [hearing.councilId])).get(hearing.councilId)!
    return view({ ...row, fullName: person?.fullName ?? null }, zone)
  })
}

export default notificationRoutes
