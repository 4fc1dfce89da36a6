import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from '@sinclair/typebox'
import { listParticipants, listTransitions } from '../../db/queries/hearings.js'
import { listPeople } from '../../db/queries/people.js'
import { canWrite } from '../../domain/access.js'
import { fail } from '../../domain/errors.js'
import { canRecordOutcome, isEditable, isSettled, nextStatus, TIME_CHANGE } from '../../domain/hearings.js'
import { requestLang } from '../../plugins/pages.js'
import { readableCouncilIds } from '../../policy/index.js'
import { IdParams } from '../../schemas/common.js'
import { EditForm, LangQuery, OutcomeForm, ReasonForm, TimeForm } from '../../schemas/forms.js'
import { applyAction, previewSchedule, updateHearing } from '../../services/hearings.js'
import { deliveredNotice } from '../../services/delivery-notice.js'
import { words } from '../../words/pages.js'
import { TERMS, councilTitle } from '../../words/terms.js'
import { foldForSearch } from '../../domain/search.js'
import { conclusionDesk } from '../../services/conclusions.js'
import { formatDay, formatWhen, localInput } from '../../pages/format.js'
import { formTimes, text } from '../../pages/forms.js'
import { confirmPage, consoleHearingPage, type ConsoleKit } from '../../pages/console.js'
import { consoleCouncilPath, consoleHearingPath, hearingPagePath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'
import { etag } from '../../views/hearing.js'
import { hearingNotifications } from '../../db/queries/notifications.js'
import { answerText } from '../../pages/view.js'

/** One hearing in the console: what it is, who is invited and what they answered, and each change a secretariat makes. */
const hearingConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  app.get('/console/hearings/:id', {
    schema: {
      hide: true,
      params: IdParams,
      querystring: Type.Object({
        ...LangQuery,
        saved: Type.Optional(Type.Literal('1')),
        q: Type.Optional(Type.String({ maxLength: 100 }))
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { hearing, council } = await kit.hearingAccess(request, request.params.id, false)
    const zone = council.timezone
    const t = words(lang)
    const writable = canWrite(principal, council.id)
    const [participants, transitions, notices] = await Promise.all([listParticipants(app.db, [hearing.id]), listTransitions(app.db, hearing.id), hearingNotifications(app.db, hearing.id)])
    const q = text(request.query.q)
    const scope = await readableCouncilIds(app.db, principal)
    const found = q && writable ? await listPeople(app.db, { q, scope, limit: 20 }) : []
    const invited = new Set(participants.map((p) => p.personId))
    const invitedNames = new Set(participants.map((p) => foldForSearch(p.fullName)))
    // With e-mail configured, whether each explainer's notice counts yet (it counts from delivery).
    const delivery = app.config.SMTP_URL && hearing.status === 'scheduled' ? (await deliveredNotice(app.db, hearing, zone)).warnings : []
    // A held hearing's second half: the Standing Committee's vote on the conclusion, and its commitments.
    const desk = await conclusionDesk(app.db, hearing, zone, app.now())
    return sendPage(reply, 'console-hearing', {
      lang,
      zone,
      title: hearing.title,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      council: { title: councilTitle(council.name, lang), url: consoleCouncilPath(council.code, lang) },
      hearing: {
        ...hearing,
        when: formatWhen(hearing.startsAt, hearing.endsAt, zone, lang),
        startsInput: localInput(hearing.startsAt, zone),
        endsInput: localInput(hearing.endsAt, zone),
        publicUrl: `${hearingPagePath(hearing.id)}?lang=${lang}`
      },
      revision: etag(hearing),
      writable,
      can: {
        edit: isEditable(hearing.status),
        time: ['free', 'reschedule', 'by_scheduling'].includes(TIME_CHANGE[hearing.status]),
        postpone: nextStatus(hearing.status, 'postpone') !== undefined,
        cancel: nextStatus(hearing.status, 'cancel') !== undefined,
        outcome: canRecordOutcome(hearing, app.now()),
        invite: !isSettled(hearing.status)
      },
      participants: participants.map((p) => ({
        ...p,
        answer: answerText(p, t),
        role: t.role[p.role],
        roleCode: p.role,
        respondedAt: p.respondedAt ? formatWhen(p.respondedAt, null, zone, lang) : null,
        // A substitute named without an address (or by a calendar reply) and not invited yet: the secretariat can invite them.
        substituteToInvite: p.response === 'delegated' && p.substituteName !== null && !invitedNames.has(foldForSearch(p.substituteName))
      })),
      transitions: transitions.map((move) => ({ ...move, at: formatWhen(move.at, null, zone, lang), to: t.status[move.toStatus] })),
      // What was sent about the hearing, newest first: to whom, how, in what state; a resend where it makes sense.
      notices: notices.slice().reverse().slice(0, 200).map((row) => ({
        id: row.id,
        kind: t.noticeKinds[row.kind] ?? row.kind,
        to: row.fullName ? `${row.fullName} <${row.recipient}>` : row.recipient,
        channel: row.channel,
        state: t.noticeStates[row.status] ?? row.status,
        status: row.status,
        when: formatWhen(row.sentAt ?? row.dueAt, null, zone, lang),
        error: row.status === 'dead' || row.status === 'pending' ? row.lastError : null,
        resend: row.status === 'sent' || row.status === 'dead'
      })),
      warnings: delivery.map((warning) => warning.message),
      desk: desk && {
        ...desk,
        committee: desk.committee.map((member) => ({ ...member, role: TERMS[lang].memberRole[member.role], choice: member.present ? member.vote ?? 'none' : 'absent' })),
        explainers: participants.filter((p) => p.role === 'explainer').map((p) => ({ personId: p.personId, fullName: p.fullName })),
        commitments: desk.commitments.map((c) => ({ ...c, due: c.dueOn.split('-').reverse().join('/'), responsible: c.responsibleAgency ?? c.responsibleName ?? '' }))
      },
      q: q ?? '',
      found: found.filter((person) => !invited.has(person.id)).map((person) => ({ id: person.id, fullName: person.fullName, position: person.position, organization: person.organization })),
      searched: q !== undefined,
      self: consoleHearingPath(hearing.id),
      formatDay: (date: Date) => formatDay(date, zone)
    })
  })

  app.post('/console/hearings/:id/edit', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: EditForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { principal } = await kit.hearingAccess(request, request.params.id, true)
    const form = request.body
    await updateHearing(app.writeContext(request, principal), request.params.id, {
      title: form.title.trim(), description: text(form.description) ?? '', location: text(form.location) ?? null, visibility: form.visibility
    }, form.revision, etag)
    return reply.redirect(consoleHearingPage(request.params.id, lang, '&saved=1'), 303)
  })

  app.post('/console/hearings/:id/time', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: TimeForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, council, principal } = await kit.hearingAccess(request, request.params.id, true)
    const form = request.body
    const times = formTimes(form.startsAt, form.endsAt, council)
    const reschedule = TIME_CHANGE[hearing.status] === 'reschedule'
    if (reschedule && !text(form.reason)) throw fail('FORM_RESCHEDULE_NEEDS_REASON')
    if (form.intent !== 'confirm') {
      return confirmPage(reply, lang, council, await previewSchedule(app.writeContext(request, principal), council, { hearingId: hearing.id, ...times.dates }), {
        action: `${consoleHearingPath(hearing.id)}/time`,
        fields: { revision: form.revision, startsAt: form.startsAt, endsAt: form.endsAt, reason: form.reason ?? '' },
        // Scheduling or moving a hearing tells everyone invited.
        mailHint: hearing.status === 'scheduled' || hearing.status === 'draft' || hearing.status === 'postponed' ? words(lang).timeMailHint : undefined,
        summary: { title: hearing.title, when: formatWhen(times.dates.startsAt, times.dates.endsAt, council.timezone, lang) },
        backUrl: consoleHearingPage(hearing.id, lang)
      })
    }
    const ctx = app.writeContext(request, principal)
    if (reschedule) {
      await updateHearing(ctx, hearing.id, { startsAt: times.iso.startsAt, endsAt: times.iso.endsAt, reason: text(form.reason)! }, form.revision, etag)
    } else {
      await applyAction(ctx, hearing.id, 'schedule', { startsAt: times.iso.startsAt, endsAt: times.iso.endsAt, ...(text(form.reason) ? { reason: text(form.reason) } : {}) }, { header: form.revision, etagOf: etag })
    }
    return reply.redirect(consoleHearingPage(hearing.id, lang, '&saved=1'), 303)
  })

  for (const action of ['postpone', 'cancel'] as const) {
    app.post(`/console/hearings/:id/${action}`, { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: ReasonForm } }, async (request, reply) => {
      const lang = requestLang(request)
      const { principal } = await kit.hearingAccess(request, request.params.id, true)
      const body = request.body as Static<typeof ReasonForm>
      await applyAction(app.writeContext(request, principal), request.params.id, action, { reason: body.reason.trim() }, { header: body.revision, etagOf: etag })
      return reply.redirect(consoleHearingPage(request.params.id, lang, '&saved=1'), 303)
    })
  }

  app.post('/console/hearings/:id/outcome', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: OutcomeForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { principal } = await kit.hearingAccess(request, request.params.id, true)
    const form = request.body
    await applyAction(app.writeContext(request, principal), request.params.id, 'outcome', {
      outcome: {
        summary: form.summary.trim(),
        delegatesPresent: text(form.delegatesPresent) ? Number(form.delegatesPresent) : null,
        conclusionText: text(form.conclusionText) ?? null,
        conclusionIssuedOn: text(form.conclusionIssuedOn) ?? null
      }
    }, { header: form.revision, etagOf: etag })
    return reply.redirect(consoleHearingPage(request.params.id, lang, '&saved=1'), 303)
  })
}

export default hearingConsole
