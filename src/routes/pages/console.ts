import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from '@sinclair/typebox'
import formbody from '@fastify/formbody'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { findCouncil, findCouncilByCode, parentCouncils, type Council } from '../../db/queries/councils.js'
import { listHearings, listParticipants, listTransitions, type Hearing } from '../../db/queries/hearings.js'
import { listPeople } from '../../db/queries/people.js'
import { canWrite, type Principal } from '../../domain/access.js'
import { fail } from '../../domain/errors.js'
import { canRecordOutcome, isEditable, isSettled, nextStatus, TIME_CHANGE } from '../../domain/hearings.js'
import type { ScheduleWarning } from '../../domain/calendar.js'
import { PAGE_FORM_LIMIT, requestLang, signInPath } from '../../plugins/pages.js'
import { attachablePerson, feedLinkPerson, readableCouncilIds, visibleHearing } from '../../policy/index.js'
import { LangParam, Uuid, type Lang } from '../../schemas/common.js'
import { warningsFor } from '../../services/calendar.js'
import { applyAction, createHearing, updateHearing } from '../../services/hearings.js'
import { addParticipant, renewInvitation } from '../../services/participants.js'
import { createPerson } from '../../services/people.js'
import { rotateFeedLink } from '../../services/feed-links.js'
import { deliveredNotice } from '../../services/delivery-notice.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { formatDay, formatWhen, localInput } from '../../pages/format.js'
import { consoleCouncilPath, consoleHearingPath, councilPagePath, hearingPagePath, invitationPath, personFeedPath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'
import { etag } from '../../views/hearing.js'
import { answerText } from '../../pages/view.js'

const STATUSES = ['draft', 'scheduled', 'postponed', 'cancelled', 'held'] as const
const LangQuery = { lang: Type.Optional(LangParam()) }
const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }))
const FormBase = { _csrf: Type.String({ maxLength: 200 }), lang: Type.Optional(LangParam()) }
/** datetime-local, read in the council's zone. */
const LocalTime = Type.Optional(Type.String({ maxLength: 16, pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }))

const HearingForm = Type.Object({
  ...FormBase,
  intent: Type.Optional(Type.Union([Type.Literal('check'), Type.Literal('confirm')])),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Field(20000),
  location: Field(500),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('restricted')]),
  startsAt: LocalTime,
  endsAt: LocalTime
}, { additionalProperties: false })

const EditForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Field(20000),
  location: Field(500),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('restricted')])
}, { additionalProperties: false })

const TimeForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  intent: Type.Union([Type.Literal('check'), Type.Literal('confirm')]),
  startsAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }),
  endsAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$' }),
  reason: Field(1000)
}, { additionalProperties: false })

const ReasonForm = Type.Object({ ...FormBase, revision: Type.String({ maxLength: 200 }), reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })

const OutcomeForm = Type.Object({
  ...FormBase,
  revision: Type.String({ maxLength: 200 }),
  summary: Type.String({ minLength: 1, maxLength: 20000 }),
  delegatesPresent: Type.Optional(Type.String({ maxLength: 5, pattern: '^[0-9]*$' })),
  conclusionText: Field(50000),
  conclusionIssuedOn: Type.Optional(Type.String({ maxLength: 10, pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' }))
}, { additionalProperties: false })

const InviteForm = Type.Object({
  ...FormBase,
  role: Type.Union([Type.Literal('explainer'), Type.Literal('attendee'), Type.Literal('guest')]),
  personId: Type.Optional(Uuid),
  fullName: Field(200),
  email: Field(254),
  position: Field(300),
  organization: Field(300),
  kind: Type.Optional(Type.Union([Type.Literal('official'), Type.Literal('delegate')]))
}, { additionalProperties: false })

const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false })

/** Empty form fields are absent. */
function text (value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed || undefined
}

/** A datetime-local value in the council's zone as ISO 8601 with its offset. */
function zonedIso (value: string, zone: string): string {
  const time = DateTime.fromISO(value, { zone })
  if (!time.isValid) throw fail('FORM_TIME_INVALID', { value })
  return time.toISO({ suppressMilliseconds: true })!
}

/**
 * The secretariat's console: a council's hearings by year and status, and every change a secretariat
 * makes, through forms that call the same services as the API. Signed in with a token (the cookie the
 * dashboard sets); supervisors see the same pages without the forms.
 */
const consolePages: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: PAGE_FORM_LIMIT })
  app.setErrorHandler(app.pageErrorHandler)

  /** The signed-in caller; otherwise the reply is sent to the sign-in page (the caller returns it). */
  function signedIn (request: FastifyRequest, reply: FastifyReply): Principal | undefined {
    if (request.principal) return request.principal
    reply.redirect(signInPath(request.url, requestLang(request)), 303)
    return undefined
  }

  /** The hearing's council, after checking the caller may read it (and, for a change, write it). */
  async function hearingAccess (request: FastifyRequest, id: string, write: boolean) {
    const { hearing } = await visibleHearing(app.db, request.principal, id)
    const principal = write ? await app.requireWrite(request, hearing.councilId) : await app.requireRead(request, hearing.councilId)
    const council = (await findCouncil(app.db, hearing.councilId))!
    return { hearing, council, principal }
  }

  const hearingPage = (id: string, lang: Lang, extra = '') => `${consoleHearingPath(id, lang)}${extra}`

  app.get('/console', { schema: { hide: true, querystring: Type.Object(LangQuery, { additionalProperties: false }) } }, async (request, reply) => {
    const principal = signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    if (principal.role !== 'admin') {
      const own = (await findCouncil(app.db, principal.councilId))!
      return reply.redirect(consoleCouncilPath(own.code, lang), 303)
    }
    const councils = await parentCouncils(app.db, undefined)
    const t = words(lang)
    return sendPage(reply, 'console-home', {
      lang,
      title: t.console,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.generateCsrf(),
      councils: councils.map((c) => ({ title: councilTitle(c.name, lang), url: consoleCouncilPath(c.code, lang) }))
    })
  })

  app.get('/console/councils/:code', {
    schema: {
      hide: true,
      params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      querystring: Type.Object({
        ...LangQuery,
        year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
        status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s))))
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const principal = signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const council = await findCouncilByCode(app.db, request.params.code)
    if (!council) throw fail('COUNCIL_CODE_NOT_FOUND', { code: request.params.code })
    await app.requireRead(request, council.id)
    const thisYear = DateTime.fromJSDate(app.now(), { zone: council.timezone }).year
    const year = request.query.year ?? thisYear
    const from = DateTime.fromObject({ year }, { zone: council.timezone }).toJSDate()
    const to = DateTime.fromObject({ year: year + 1 }, { zone: council.timezone }).toJSDate()
    const status = request.query.status
    const [dated, undated] = await Promise.all([
      listHearings(app.db, { councilIds: [council.id], from, to, status: status ? [status] : undefined, limit: 500 }),
      // Drafts and postponed hearings have no time: they belong to no year, and are listed always.
      status && status !== 'draft' && status !== 'postponed' ? [] : listHearings(app.db, { councilIds: [council.id], status: status ? [status] : ['draft', 'postponed'], limit: 200 }).then((rows) => rows.filter((row) => row.startsAt === null))
    ])
    const t = words(lang)
    const writable = canWrite(principal, council.id)
    const self = consoleCouncilPath(council.code)
    return sendPage(reply, 'console-council', {
      lang,
      zone: council.timezone,
      title: t.hearingsOf(councilTitle(council.name, lang)),
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.generateCsrf(),
      council: { title: councilTitle(council.name, lang), code: council.code, publicUrl: `${councilPagePath(council.code)}?lang=${lang}` },
      self,
      year,
      years: Array.from({ length: 12 }, (_, i) => thisYear + 1 - i),
      status,
      statuses: STATUSES,
      hearings: [...undated, ...dated].map((hearing) => ({
        id: hearing.id,
        title: hearing.title,
        status: hearing.status,
        when: formatWhen(hearing.startsAt, hearing.endsAt, council.timezone, lang),
        url: hearingPage(hearing.id, lang)
      })),
      writable
    })
  })

  app.post('/console/councils/:code/hearings', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }), body: HearingForm }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const council = await findCouncilByCode(app.db, request.params.code)
    if (!council) throw fail('COUNCIL_CODE_NOT_FOUND', { code: request.params.code })
    const principal = await app.requireWrite(request, council.id)
    const form = request.body
    const timed = text(form.startsAt) !== undefined || text(form.endsAt) !== undefined
    const times = timed ? times_(form.startsAt, form.endsAt, council) : undefined
    if (times && form.intent !== 'confirm') {
      return confirmPage(request, reply, lang, council, await warningsFor(app.db, { ...times.dates, zone: council.timezone, now: app.now(), officeHours: app.officeHours }), {
        action: `${consoleCouncilPath(council.code)}/hearings`,
        fields: { title: form.title, description: form.description ?? '', location: form.location ?? '', visibility: form.visibility, startsAt: form.startsAt ?? '', endsAt: form.endsAt ?? '' },
        summary: { title: form.title, when: formatWhen(times.dates.startsAt, times.dates.endsAt, council.timezone, lang) },
        backUrl: consoleCouncilPath(council.code, lang)
      })
    }
    const { hearing } = await createHearing(app.writeContext(request, principal), {
      councilId: council.id,
      title: form.title.trim(),
      description: text(form.description) ?? '',
      location: text(form.location) ?? null,
      visibility: form.visibility,
      ...(times ? { startsAt: times.iso.startsAt, endsAt: times.iso.endsAt, status: 'scheduled' as const } : {})
    })
    return reply.redirect(hearingPage(hearing.id, lang, '&saved=1'), 303)
  })

  function times_ (startsAt: string | undefined, endsAt: string | undefined, council: Council) {
    const start = text(startsAt)
    const end = text(endsAt)
    if (!start || !end) throw fail('FORM_TIMES_TOGETHER')
    const iso = { startsAt: zonedIso(start, council.timezone), endsAt: zonedIso(end, council.timezone) }
    const dates = { startsAt: new Date(iso.startsAt), endsAt: new Date(iso.endsAt) }
    if (dates.endsAt <= dates.startsAt) throw fail('FORM_END_BEFORE_START')
    return { iso, dates }
  }

  async function confirmPage (request: FastifyRequest, reply: FastifyReply, lang: Lang, council: Council, warnings: ScheduleWarning[],
    form: { action: string, fields: Record<string, string>, summary: { title: string, when: string }, backUrl: string }) {
    const t = words(lang)
    return sendPage(reply, 'console-confirm', {
      lang,
      title: t.warningsTitle,
      signedIn: true,
      csrfToken: reply.generateCsrf(),
      council: { title: councilTitle(council.name, lang) },
      warnings: warnings.map((warning) => ({ code: warning.code, text: t.warning(warning) })),
      ...form
    })
  }

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
    const principal = signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { hearing, council } = await hearingAccess(request, request.params.id, false)
    const zone = council.timezone
    const t = words(lang)
    const writable = canWrite(principal, council.id)
    const [participants, transitions] = await Promise.all([listParticipants(app.db, [hearing.id]), listTransitions(app.db, hearing.id)])
    const q = text(request.query.q)
    const scope = await readableCouncilIds(app.db, principal)
    const found = q && writable ? await listPeople(app.db, { q, scope, limit: 20 }) : []
    const invited = new Set(participants.map((p) => p.personId))
    // With e-mail configured, whether each explainer's notice counts yet (it counts from delivery).
    const delivery = app.config.SMTP_URL && hearing.status === 'scheduled' ? (await deliveredNotice(app.db, hearing, zone)).warnings : []
    return sendPage(reply, 'console-hearing', {
      lang,
      zone,
      title: hearing.title,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.generateCsrf(),
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
      participants: participants.map((p) => ({ ...p, answer: answerText(p, t), role: t.role[p.role], respondedAt: p.respondedAt ? formatWhen(p.respondedAt, null, zone, lang) : null })),
      transitions: transitions.map((move) => ({ ...move, at: formatWhen(move.at, null, zone, lang), to: t.status[move.toStatus] })),
      warnings: delivery.map((warning) => warning.message),
      q: q ?? '',
      found: found.filter((person) => !invited.has(person.id)).map((person) => ({ id: person.id, fullName: person.fullName, position: person.position, organization: person.organization })),
      searched: q !== undefined,
      self: consoleHearingPath(hearing.id),
      formatDay: (date: Date) => formatDay(date, zone)
    })
  })

  app.post('/console/hearings/:id/edit', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: EditForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { principal } = await hearingAccess(request, request.params.id, true)
    const form = request.body
    await updateHearing(app.writeContext(request, principal), request.params.id, {
      title: form.title.trim(), description: text(form.description) ?? '', location: text(form.location) ?? null, visibility: form.visibility
    }, form.revision, etag)
    return reply.redirect(hearingPage(request.params.id, lang, '&saved=1'), 303)
  })

  app.post('/console/hearings/:id/time', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: TimeForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, council, principal } = await hearingAccess(request, request.params.id, true)
    const form = request.body
    const times = times_(form.startsAt, form.endsAt, council)
    const reschedule = TIME_CHANGE[hearing.status] === 'reschedule'
    if (reschedule && !text(form.reason)) throw fail('FORM_RESCHEDULE_NEEDS_REASON')
    if (form.intent !== 'confirm') {
      return confirmPage(request, reply, lang, council, await warningsFor(app.db, { ...times.dates, zone: council.timezone, now: app.now(), officeHours: app.officeHours }), {
        action: `${consoleHearingPath(hearing.id)}/time`,
        fields: { revision: form.revision, startsAt: form.startsAt, endsAt: form.endsAt, reason: form.reason ?? '' },
        summary: { title: hearing.title, when: formatWhen(times.dates.startsAt, times.dates.endsAt, council.timezone, lang) },
        backUrl: hearingPage(hearing.id, lang)
      })
    }
    const ctx = app.writeContext(request, principal)
    if (reschedule) {
      await updateHearing(ctx, hearing.id, { startsAt: times.iso.startsAt, endsAt: times.iso.endsAt, reason: text(form.reason)! }, form.revision, etag)
    } else {
      await applyAction(ctx, hearing.id, 'schedule', { startsAt: times.iso.startsAt, endsAt: times.iso.endsAt, ...(text(form.reason) ? { reason: text(form.reason) } : {}) }, { header: form.revision, etagOf: etag })
    }
    return reply.redirect(hearingPage(hearing.id, lang, '&saved=1'), 303)
  })

  for (const action of ['postpone', 'cancel'] as const) {
    app.post(`/console/hearings/:id/${action}`, { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: ReasonForm } }, async (request, reply) => {
      const lang = requestLang(request)
      const { principal } = await hearingAccess(request, request.params.id, true)
      const body = request.body as Static<typeof ReasonForm>
      await applyAction(app.writeContext(request, principal), request.params.id, action, { reason: body.reason.trim() }, { header: body.revision, etagOf: etag })
      return reply.redirect(hearingPage(request.params.id, lang, '&saved=1'), 303)
    })
  }

  app.post('/console/hearings/:id/outcome', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: OutcomeForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { principal } = await hearingAccess(request, request.params.id, true)
    const form = request.body
    await applyAction(app.writeContext(request, principal), request.params.id, 'outcome', {
      outcome: {
        summary: form.summary.trim(),
        delegatesPresent: text(form.delegatesPresent) ? Number(form.delegatesPresent) : null,
        conclusionText: text(form.conclusionText) ?? null,
        conclusionIssuedOn: text(form.conclusionIssuedOn) ?? null
      }
    }, { header: form.revision, etagOf: etag })
    return reply.redirect(hearingPage(request.params.id, lang, '&saved=1'), 303)
  })

  app.post('/console/hearings/:id/participants', { preValidation: app.checkForm, schema: { hide: true, params: IdParams, body: InviteForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, council, principal } = await hearingAccess(request, request.params.id, true)
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
    const { hearing, principal } = await hearingAccess(request, request.params.id, true)
    const result = await renewInvitation(app.writeContext(request, principal), hearing.id, request.params.participantId)
    return secretPage(reply, lang, hearing, words(lang).invitationLink, `${app.publicBaseUrl()}${invitationPath(result.secret)}`)
  })

  app.post('/console/hearings/:id/people/:personId/feed-link', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, personId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await hearingAccess(request, request.params.id, true)
    const person = await feedLinkPerson(app.db, principal, request.params.personId)
    const { secret } = await rotateFeedLink(app.writeContext(request, principal), person, app.config.FEED_TOKEN_GRACE_HOURS)
    return secretPage(reply, lang, hearing, words(lang).personalFeedLink, `${app.publicBaseUrl()}${personFeedPath(secret)}`)
  })

  /** A link shown once (it is stored hashed): to copy and send to the person. */
  function secretPage (reply: FastifyReply, lang: Lang, hearing: Hearing, label: string, link: string) {
    return sendPage(reply, 'console-secret', {
      lang,
      title: label,
      signedIn: true,
      csrfToken: reply.generateCsrf(),
      label,
      link,
      webcal: link.endsWith('.ics') ? link.replace(/^https?:/, 'webcal:') : undefined,
      backUrl: hearingPage(hearing.id, lang)
    })
  }
}

export default consolePages
