import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import formbody from '@fastify/formbody'
import { findCouncil } from '../../db/queries/councils.js'
import { findHearing, listTransitions } from '../../db/queries/hearings.js'
import { findPerson } from '../../db/queries/people.js'
import { fail } from '../../domain/errors.js'
import { isPublicHearing, isSettled } from '../../domain/hearings.js'
import { PAGE_FORM_LIMIT } from '../../plugins/pages.js'
import { InvitationTokenParams } from '../../schemas/hearings.js'
import { LangParam, TEXT_PATTERN, type Lang } from '../../schemas/common.js'
import { answerInvitation, findInvitation, findWithdrawnInvitation } from '../../services/participants.js'
import { feedEvents } from '../../db/queries/feeds.js'
import { renderCalendar, renderEvent } from '../../feeds/ical.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { formatWhen } from '../../pages/format.js'
import { councilPagePath, googleEventUrl, hearingPagePath, invitationPath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'
import { feedOptions, send } from '../../feeds/http.js'
import { statusReason } from '../../pages/view.js'

const LangQuery = Type.Object({ lang: Type.Optional(LangParam()), answered: Type.Optional(Type.Literal('1')) }, { additionalProperties: false })

/** The form's fields are text: empty ones are absent, and the answer decides which apply. */
const AnswerForm = Type.Object({
  _csrf: Type.String({ maxLength: 200 }),
  lang: Type.Optional(LangParam()),
  response: Type.Unsafe<'accepted' | 'declined' | 'delegated'>({ type: 'string', enum: ['accepted', 'declined', 'delegated'] }),
  // As the API's: one line of text without control characters (empty: not given).
  reason: Type.Optional(Type.String({ maxLength: 1000, pattern: `^$|${TEXT_PATTERN}` })),
  substituteName: Type.Optional(Type.String({ maxLength: 200, pattern: `^$|${TEXT_PATTERN}` })),
  substitutePosition: Type.Optional(Type.String({ maxLength: 300, pattern: `^$|${TEXT_PATTERN}` })),
  substituteEmail: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })]))
}, { additionalProperties: false })

const gone = () => fail('INVITATION_LINK_INVALID')

/**
 * The page an invitation link opens: the hearing in the person's language, their role and answer,
 * forms to accept, decline (with a reason) or delegate, and the hearing for their calendar. The link's
 * secret is the only credential, as in the API (/v1/invitations/{token}); guesses are rate limited.
 */
const invitationPages: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: PAGE_FORM_LIMIT })
  app.setErrorHandler(app.pageErrorHandler)
  const options = feedOptions(app.config, app.publicBaseUrl)

  /** A link that opens nothing: withdrawn (410, said so) or unknown (404, counted as a guess). */
  async function notFound (request: FastifyRequest, secret: string): Promise<never> {
    const withdrawn = await findWithdrawnInvitation(app.db, secret)
    await app.guardSecret(request, Boolean(withdrawn))
    throw withdrawn ? fail('INVITATION_WITHDRAWN') : gone()
  }

  async function load (secret: string) {
    const participant = await findInvitation(app.db, secret)
    if (!participant) return undefined
    const hearing = (await findHearing(app.db, participant.hearingId))!
    const council = (await findCouncil(app.db, hearing.councilId))!
    const person = (await findPerson(app.db, participant.personId))!
    return { participant, hearing, council, person }
  }

  app.get('/invitations/:token', {
    schema: { hide: true, params: InvitationTokenParams, querystring: LangQuery }
  }, async (request, reply) => {
    const found = await load(request.params.token)
    if (!found) return notFound(request, request.params.token)
    await app.guardSecret(request, true)
    const { participant, hearing, council, person } = found
    const lang: Lang = request.query.lang ?? person.locale
    const t = words(lang)
    const zone = council.timezone
    const self = invitationPath(request.params.token)
    const open = !isSettled(hearing.status)
    // An answer given for the old time was set back to pending by a reschedule: ask again, saying why.
    const moved = participant.response === 'pending' && (await listTransitions(app.db, hearing.id)).some((move) => move.action === 'reschedule')
    const pageUrl = `${app.publicBaseUrl()}${hearingPagePath(hearing.id)}`
    const timed = hearing.startsAt && hearing.endsAt && hearing.status === 'scheduled'
    const calendarUrl = `${app.publicBaseUrl()}${self}/calendar.ics?lang=${lang}`
    return sendPage(reply, 'invitation', {
      lang,
      title: t.invitation,
      otherLangUrl: otherLangUrl(request, lang),
      csrfToken: reply.formToken(),
      self,
      answered: request.query.answered === '1',
      person: { fullName: person.fullName },
      participant,
      role: t.role[participant.role],
      answer: participant.response === 'delegated'
        ? `${t.answer.delegated}: ${participant.substituteName}, ${participant.substitutePosition}`
        : t.answer[participant.response],
      hearing: {
        title: hearing.title,
        status: hearing.status,
        description: hearing.description,
        location: hearing.location,
        when: formatWhen(hearing.startsAt, hearing.endsAt, zone, lang),
        pageUrl: isPublicHearing(hearing) ? `${hearingPagePath(hearing.id)}?lang=${lang}` : undefined
      },
      reason: await statusReason(app.db, hearing),
      council: { title: councilTitle(council.name, lang), url: `${councilPagePath(council.code)}?lang=${lang}` },
      open,
      moved,
      calendar: timed
        ? {
            ics: `${self}/calendar.ics?lang=${lang}`,
            webcal: calendarUrl.replace(/^https?:/, 'webcal:'),
            google: googleEventUrl({ title: hearing.title, description: hearing.description, location: hearing.location, startsAt: hearing.startsAt!, endsAt: hearing.endsAt!, pageUrl })
          }
        : undefined
    })
  })

  app.post('/invitations/:token', {
    preValidation: app.checkForm,
    schema: { hide: true, params: InvitationTokenParams, body: AnswerForm }
  }, async (request, reply) => {
    const { response, reason, substituteName, substitutePosition, substituteEmail } = request.body
    const text = (value: string | undefined) => value?.trim() || undefined
    const answered = await answerInvitation({ db: app.db, now: app.now(), requestId: request.id, announce: (changes) => app.changes.announce(changes), quietHours: app.quietHours }, request.params.token, {
      response,
      ...(response === 'declined' ? { reason: text(reason) } : {}),
      ...(response === 'delegated' ? { substituteName: text(substituteName), substitutePosition: text(substitutePosition), substituteEmail: text(substituteEmail) } : {})
    })
    if (!answered) return notFound(request, request.params.token)
    await app.guardSecret(request, true)
    const lang = request.body.lang ? `&lang=${request.body.lang}` : ''
    return reply.redirect(`${invitationPath(request.params.token)}?answered=1${lang}`, 303)
  })

  /**
   * A withdrawn invitation's calendar: a calendar that subscribed to it is shown the event cancelled
   * (for this person; the hearing stands) for RETENTION_DAYS, and is then told 410 Gone.
   */
  async function withdrawnCalendar (request: FastifyRequest, reply: FastifyReply, secret: string, asked: Lang | undefined): Promise<string> {
    const withdrawn = await findWithdrawnInvitation(app.db, secret)
    await app.guardSecret(request, Boolean(withdrawn))
    if (!withdrawn) throw gone()
    const event = (await feedEvents(app.db, [withdrawn.hearingId], false)).get(withdrawn.hearingId)
    if (!event || app.now().getTime() - withdrawn.withdrawnAt.getTime() >= app.config.RETENTION_DAYS * 86_400_000) throw fail('INVITATION_WITHDRAWN')
    const lang = asked ?? (await findPerson(app.db, withdrawn.personId))?.locale ?? 'vi'
    const written = options(lang)
    // A SEQUENCE above the invitation's: clients take it as newer than what they hold.
    const text = renderCalendar({ kind: 'council', name: event.council.name, zone: event.council.timezone }, [renderEvent({ ...event, sequence: event.sequence + 1, withdrawn: true }, written)], written)
    reply.header('cache-control', 'private, no-store').type('text/calendar; charset=utf-8')
    return text
  }

  /** The hearing as iCalendar for the invited person: a download, or (webcal) a subscription that follows changes. */
  app.get('/invitations/:token/calendar.ics', {
    schema: { hide: true, params: InvitationTokenParams, querystring: Type.Object({ lang: Type.Optional(LangParam()) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const found = await load(request.params.token)
    if (!found) return withdrawnCalendar(request, reply, request.params.token, request.query.lang)
    await app.guardSecret(request, true)
    const { hearing, council } = found
    const lang = request.query.lang ?? found.person.locale
    const feed = await app.feeds.get(`invitation:${hearing.id}:${lang}`, async () => ({
      frame: { kind: 'council', name: council.name, zone: council.timezone },
      scope: { kind: 'hearing', hearingId: hearing.id },
      window: { from: new Date(0), to: null, retainSince: new Date(0) },
      withAttendees: false,
      options: options(lang)
    }))
    return send(request, reply, feed, `hearing-${hearing.id}.ics`, 'private')
  })
}

export default invitationPages
