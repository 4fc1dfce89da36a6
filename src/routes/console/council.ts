import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { findCouncil, parentCouncils } from '../../db/queries/councils.js'
import { hearingYears, listHearings } from '../../db/queries/hearings.js'
import { canWrite } from '../../domain/access.js'
import { requestLang } from '../../plugins/pages.js'
import { CodeParams, HearingForm, LangQuery, STATUSES } from '../../schemas/forms.js'
import { createHearing, previewSchedule } from '../../services/hearings.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { formatWhen } from '../../pages/format.js'
import { formTimes, text } from '../../pages/forms.js'
import { confirmPage, consoleHearingPage, type ConsoleKit } from '../../pages/console.js'
import { consoleCouncilPath, councilPagePath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

/** The councils a caller may open, a council's hearings by year and status, and a new hearing. */
const councilConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  app.get('/console', { schema: { hide: true, querystring: Type.Object(LangQuery, { additionalProperties: false }) } }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
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
      csrfToken: reply.formToken(),
      councils: councils.map((c) => ({ title: councilTitle(c.name, lang), url: consoleCouncilPath(c.code, lang) }))
    })
  })

  app.get('/console/councils/:code', {
    schema: {
      hide: true,
      params: CodeParams,
      querystring: Type.Object({
        ...LangQuery,
        year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
        status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s))))
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { council } = await kit.councilAccess(request, request.params.code, false)
    const thisYear = DateTime.fromJSDate(app.now(), { zone: council.timezone }).year
    // Without a year: this year and everything ahead (in December, January's hearings are listed too).
    const year = request.query.year ?? thisYear
    const ahead = request.query.year === undefined
    const from = DateTime.fromObject({ year }, { zone: council.timezone }).toJSDate()
    const to = ahead ? undefined : DateTime.fromObject({ year: year + 1 }, { zone: council.timezone }).toJSDate()
    const status = request.query.status
    const [dated, undated, withHearings] = await Promise.all([
      listHearings(app.db, { councilIds: [council.id], from, to, status: status ? [status] : undefined, limit: 500 }),
      // Drafts and postponed hearings have no time: they belong to no year, and are listed always.
      status && status !== 'draft' && status !== 'postponed' ? [] : listHearings(app.db, { councilIds: [council.id], status: status ? [status] : ['draft', 'postponed'], limit: 200 }).then((rows) => rows.filter((row) => row.startsAt === null)),
      hearingYears(app.db, council.id, council.timezone)
    ])
    const t = words(lang)
    return sendPage(reply, 'console-council', {
      lang,
      zone: council.timezone,
      title: t.hearingsOf(councilTitle(council.name, lang)),
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      council: { title: councilTitle(council.name, lang), code: council.code, publicUrl: `${councilPagePath(council.code)}?lang=${lang}` },
      self: consoleCouncilPath(council.code),
      year,
      ahead,
      // The years that have hearings, and this one and the next.
      years: [...new Set([...withHearings, thisYear, thisYear + 1, year])].sort((a, b) => b - a),
      status,
      statuses: STATUSES,
      hearings: [...undated, ...dated].map((hearing) => ({
        id: hearing.id,
        title: hearing.title,
        status: hearing.status,
        when: formatWhen(hearing.startsAt, hearing.endsAt, council.timezone, lang),
        url: consoleHearingPage(hearing.id, lang)
      })),
      writable: canWrite(principal, council.id)
    })
  })

  app.post('/console/councils/:code/hearings', {
    preValidation: app.checkForm,
    schema: { hide: true, params: CodeParams, body: HearingForm }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    const form = request.body
    const timed = text(form.startsAt) !== undefined || text(form.endsAt) !== undefined
    const times = timed ? formTimes(form.startsAt, form.endsAt, council) : undefined
    const tentative = form.tentative === 'on'
    if (times && !tentative && form.intent !== 'confirm') {
      return confirmPage(reply, lang, council, await previewSchedule(app.writeContext(request, principal), council, times.dates), {
        action: `${consoleCouncilPath(council.code)}/hearings`,
        fields: { title: form.title, description: form.description ?? '', location: form.location ?? '', visibility: form.visibility, startsAt: form.startsAt ?? '', endsAt: form.endsAt ?? '' },
        mailHint: words(lang).confirmMailHint,
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
      // A time given is scheduled (and the invitations go out), unless kept as tentative: a draft.
      ...(times ? { startsAt: times.iso.startsAt, endsAt: times.iso.endsAt, status: tentative ? 'draft' as const : 'scheduled' as const } : {})
    })
    return reply.redirect(consoleHearingPage(hearing.id, lang, '&saved=1'), 303)
  })
}

export default councilConsole
