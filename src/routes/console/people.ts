import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { fail } from '../../domain/errors.js'
import { requestLang } from '../../plugins/pages.js'
import { attachablePerson, feedLinkPerson, manageablePerson } from '../../policy/index.js'
import { TEXT_PATTERN } from '../../schemas/common.js'
import { Uuid, IdParams } from '../../schemas/common.js'
import { FormBase, InviteForm } from '../../schemas/forms.js'
import { addParticipant, changeParticipantRole, inviteSubstituteOf, removeParticipant, renewInvitation } from '../../services/participants.js'
import { resendNotification } from '../../services/notifications.js'
import { createPerson, updatePerson } from '../../services/people.js'
import { sendPage } from '../../pages/render.js'
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
    return secretPage(reply, lang, consoleHearingPage(hearing.id, lang), words(lang).invitationLink, `${app.publicBaseUrl()}${invitationPath(result.secret)}`)
  })

  app.post('/console/hearings/:id/participants/:participantId/link', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, participantId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const result = await renewInvitation(app.writeContext(request, principal), hearing.id, request.params.participantId)
    return secretPage(reply, lang, consoleHearingPage(hearing.id, lang), words(lang).invitationLink, `${app.publicBaseUrl()}${invitationPath(result.secret)}`)
  })

  /** A person's details (the secretariat of a council they belong to, or an administrator): the same rules as PATCH /v1/people/{id}. */
  const PersonForm = Type.Object({
    ...FormBase,
    back: Type.Optional(Type.String({ maxLength: 300, pattern: '^/console/[\\x21-\\x7e]*$' })),
    fullName: Type.String({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERN }),
    position: Type.Optional(Type.String({ maxLength: 300, pattern: `^$|${TEXT_PATTERN}` })),
    organization: Type.Optional(Type.String({ maxLength: 300, pattern: `^$|${TEXT_PATTERN}` })),
    email: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })])),
    phone: Type.Optional(Type.String({ maxLength: 30, pattern: '^$|^\\+?[0-9 .()-]{6,20}$' })),
    locale: Type.Union([Type.Literal('vi'), Type.Literal('en')]),
    reminders: Type.Optional(Type.Literal('on'))
  }, { additionalProperties: false })

  app.get('/console/people/:personId', {
    schema: { hide: true, params: Type.Object({ personId: Uuid }, { additionalProperties: false }), querystring: Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])), back: Type.Optional(Type.String({ maxLength: 300, pattern: '^/console/[\\x21-\\x7e]*$' })), saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const person = await manageablePerson(app.db, principal, request.params.personId, 'PERSON_NOT_MANAGEABLE')
    return sendPage(reply, 'console-person', {
      lang,
      title: person.fullName,
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      person,
      self: `/console/people/${person.id}`,
      backUrl: request.query.back ?? '/console'
    })
  })

  app.post('/console/people/:personId', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ personId: Uuid }, { additionalProperties: false }), body: PersonForm }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = requestLang(request)
    const before = await manageablePerson(app.db, principal, request.params.personId, 'PERSON_NOT_MANAGEABLE')
    const form = request.body
    await updatePerson(app.writeContext(request, principal), before, {
      fullName: form.fullName.trim(),
      position: text(form.position) ?? null,
      organization: text(form.organization) ?? null,
      email: text(form.email) ?? null,
      phone: text(form.phone) ?? null,
      locale: form.locale,
      reminders: form.reminders === 'on'
    })
    return reply.redirect(`/console/people/${before.id}?lang=${lang}&saved=1${form.back ? `&back=${encodeURIComponent(form.back)}` : ''}`, 303)
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

  app.post('/console/hearings/:id/participants/:participantId/invite-substitute', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      params: Type.Object({ id: Uuid, participantId: Uuid }, { additionalProperties: false }),
      body: Type.Object({ ...FormBase, email: Type.String({ format: 'email', maxLength: 254 }) }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    await inviteSubstituteOf(app.writeContext(request, principal), hearing.id, request.params.participantId, { email: request.body.email.toLowerCase() })
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
    return secretPage(reply, lang, consoleHearingPage(hearing.id, lang), words(lang).personalFeedLink, `${app.publicBaseUrl()}${personFeedPath(secret)}`)
  })
}

export default peopleConsole
