import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { fail } from '../../domain/errors.js'
import { requestLang } from '../../plugins/pages.js'
import { attachablePerson, feedLinkPerson } from '../../policy/index.js'
import { Uuid, IdParams } from '../../schemas/common.js'
import { FormBase, InviteForm } from '../../schemas/forms.js'
import { addParticipant, changeParticipantRole, removeParticipant, renewInvitation } from '../../services/participants.js'
import { resendNotification } from '../../services/notifications.js'
import { createPerson } from '../../services/people.js'
import { rotateFeedLink } from '../../services/feed-links.js'
import { words } from '../../words/pages.js'
import { text } from '../../pages/forms.js'
import { consoleHearingPage, secretPage, type ConsoleKit } from '../../pages/console.js'
import { invitationPath, personFeedPath } from '../../links/index.js'

/** The people of a hearing: inviting someone found or registered on the spot, and the links shown once (an invitation's, a personal feed's). */
const peopleConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  app.post('/console/hearings/:id/participants', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: InviteForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, council, principal } = await kit.hearingAccess(request, request.params.id, true)
    const form = request.body
    const ctx = app.writeContext(request, principal)
    let personId = form.personId
    if (personId) {
      await attachablePerson(app.db, principal, personId)
    } else {
      const fullName = text(form.fullName)
      if (!fullName) throw fail('FORM_PERSON_MISSING')
      const person = await createPerson(ctx, {
        fullName, kind: form.kind ?? 'official', email: text(form.email) ?? null, position: text(form.position) ?? null, organization: text(form.organization) ?? null
      }, principal.role === 'admin' ? council.id : principal.councilId)
      personId = person.id
    }
    const result = await addParticipant(ctx, hearing.id, { personId, role: form.role })
    return secretPage(reply, lang, hearing, words(lang).invitationLink, `${app.publicBaseUrl()}${invitationPath(result.secret)}`)
  })

  app.post('/console/hearings/:id/participants/:participantId/link', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, participantId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const result = await renewInvitation(app.writeContext(request, principal), hearing.id, request.params.participantId)
    return secretPage(reply, lang, hearing, words(lang).invitationLink, `${app.publicBaseUrl()}${invitationPath(result.secret)}`)
  })

  /** Another role for an invitation (an explainer's calendar is checked and blocked). */
  app.post('/console/hearings/:id/participants/:participantId/role', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, participantId: Uuid }, { additionalProperties: false }), body: Type.Object({ ...FormBase, role: Type.Union([Type.Literal('explainer'), Type.Literal('attendee'), Type.Literal('guest')]) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    await changeParticipantRole(app.writeContext(request, principal), hearing.id, request.params.participantId, request.body.role)
    return reply.redirect(consoleHearingPage(hearing.id, lang, '&saved=1'), 303)
  })

  /** Withdraws an invitation: the person is told (a CANCEL for them alone) and their links end. */
  app.post('/console/hearings/:id/participants/:participantId/withdraw', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, participantId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    await removeParticipant(app.writeContext(request, principal), hearing.id, request.params.participantId)
    return reply.redirect(consoleHearingPage(hearing.id, lang, '&saved=1'), 303)
  })

  /** Sends a notice again (at most 3 times an hour): a dead one after an address was corrected, or one a person says never came. */
  app.post('/console/hearings/:id/notifications/:notificationId/resend', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, notificationId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    await resendNotification(app.writeContext(request, principal), hearing.id, request.params.notificationId)
    return reply.redirect(consoleHearingPage(hearing.id, lang, '&saved=1'), 303)
  })

  app.post('/console/hearings/:id/people/:personId/feed-link', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, personId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const person = await feedLinkPerson(app.db, principal, request.params.personId)
    const { secret } = await rotateFeedLink(app.writeContext(request, principal), person, app.config.FEED_TOKEN_GRACE_HOURS)
    return secretPage(reply, lang, hearing, words(lang).personalFeedLink, `${app.publicBaseUrl()}${personFeedPath(secret)}`)
  })
}

export default peopleConsole
