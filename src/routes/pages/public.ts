import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { councilSubtree, findCouncil, findCouncilByCode, listCouncils } from '../../db/queries/councils.js'
import { inZone } from '../../domain/zone.js'
import { listHearings, listParticipants, pastHearingYears, type Hearing } from '../../db/queries/hearings.js'
import { fail } from '../../domain/errors.js'
import { readableCouncilIds, visibleHearing } from '../../policy/index.js'
import { LangParam, Uuid } from '../../schemas/common.js'
import { councilTitle } from '../../words/terms.js'
import { formatDay } from '../../pages/format.js'
import { consoleCouncilPath, consoleHearingPath, councilFeedPath, councilPagePath, feedLinks, googleEventUrl, hearingCalendarPath, hearingPagePath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'
import { answerText, hearingSummary, statusReason } from '../../pages/view.js'
import { commitmentViews, conclusionView, hearingCommitments } from '../../services/conclusions.js'

const PAGE_LIMIT = 100

/**
 * The public pages: a council's hearings with subscribe buttons, and a hearing's page (what feeds,
 * e-mails and the dashboard link to). Public, non-draft hearings are for everyone; restricted ones
 * and drafts only for a signed-in person in the council's scope (the same rule as the API).
 */
const publicPages: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler(app.pageErrorHandler)
  app.get('/hearings/:id', {
    schema: {
      hide: true,
      params: Type.Object({ id: Uuid }, { additionalProperties: false }),
      querystring: Type.Object({ lang: Type.Optional(LangParam()) }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = request.query.lang ?? 'vi'
    const { hearing, inScope } = await visibleHearing(app.db, request.principal, request.params.id)
    const council = (await findCouncil(app.db, hearing.councilId))!
    const zone = council.timezone
    const [participants, conclusion, commitmentRows] = await Promise.all([
      listParticipants(app.db, [hearing.id]),
      conclusionView(app.db, hearing.id, zone),
      hearingCommitments(app.db, hearing.id)
    ])
    const commitments = await commitmentViews(app.db, commitmentRows, () => zone, app.now())
    const base = app.publicBaseUrl()
    const pageUrl = `${base}${hearingPagePath(hearing.id)}`
    const google = hearing.startsAt && hearing.endsAt && hearing.status === 'scheduled'
      ? googleEventUrl({ title: hearing.title, description: hearing.description, location: hearing.location, startsAt: hearing.startsAt, endsAt: hearing.endsAt, pageUrl })
      : undefined
    return sendPage(reply, 'hearing', {
      lang,
      title: hearing.title,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: request.principal !== undefined,
      hearing: {
        ...hearingSummary(hearing, zone, lang),
        description: hearing.description,
        outcome: hearing.outcome,
        conclusionIssuedOn: hearing.outcome?.conclusionIssuedOn ? hearing.outcome.conclusionIssuedOn.split('-').reverse().join('/') : null
      },
      reason: await statusReason(app.db, hearing),
      council: { title: councilTitle(council.name, lang), url: `${councilPagePath(council.code)}?lang=${lang}` },
      explainers: participants.filter((p) => p.role === 'explainer'),
      guests: inScope ? participants.filter((p) => p.role !== 'explainer') : [],
      inScope,
      answerText,
      calendar: { ics: hearingCalendarPath(hearing.id, lang), google },
      // The conclusion once passed, and what it asks, with where each stands (Decidim's results, for citizens).
      conclusion: conclusion?.tally.passed ? conclusion : undefined,
      commitments: commitments.map((c) => ({
        title: c.title,
        responsible: c.responsibleAgency ?? c.responsibleName ?? '',
        due: c.dueOn.split('-').reverse().join('/'),
        status: c.status,
        progress: c.progress,
        latest: c.updates[0]?.note
      })),
      consoleUrl: inScope ? consoleHearingPath(hearing.id, lang) : undefined
    }, inScope ? 'private' : 'public')
  })

  app.get('/councils/:code', {
    schema: {
      hide: true,
      params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      querystring: Type.Object({
        lang: Type.Optional(LangParam()),
        descendants: Type.Optional(Type.Boolean()),
        year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100, description: 'the year of past hearings shown; the latest with any when not given' }))
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = request.query.lang ?? 'vi'
    const descendants = request.query.descendants ?? false
    const council = await findCouncilByCode(app.db, request.params.code)
    if (!council) throw fail('COUNCIL_CODE_NOT_FOUND', { code: request.params.code })
    const now = app.now()
    const today = inZone(now, council.timezone).toISODate()!
    // The council's units, or its whole subtree when their hearings are listed too (for their names).
    const subtree = descendants ? await councilSubtree(app.db, council.id) : undefined
    const councilIds = subtree ? subtree.map((row) => row.id) : [council.id]
    const privateCouncilIds = request.principal ? await readableCouncilIds(app.db, request.principal) : []
    const query = { councilIds, privateCouncilIds, limit: PAGE_LIMIT }
    const pastStatuses: Hearing['status'][] = ['held', 'scheduled', 'cancelled']
    // Past hearings one year at a time (36 in one list is 8,500 px on a phone): the year asked, else the latest.
    const years = await pastHearingYears(app.db, { councilIds, privateCouncilIds, before: now, status: pastStatuses, zone: council.timezone })
    const year = request.query.year ?? years[0]
    const yearStart = year === undefined ? undefined : DateTime.fromObject({ year }, { zone: council.timezone })
    const [upcoming, past, parent, units] = await Promise.all([
      // Scheduled ahead, then postponed ones (no time until scheduled again): one query.
      listHearings(app.db, { ...query, from: now, orUntimed: true, status: ['scheduled', 'postponed'] }),
      yearStart === undefined
        ? []
        : listHearings(app.db, { ...query, from: yearStart.toJSDate(), to: new Date(Math.min(now.getTime(), yearStart.plus({ years: 1 }).toMillis())), status: pastStatuses, descending: true }),
      council.parentId ? findCouncil(app.db, council.parentId) : undefined,
      subtree ? subtree.filter((row) => row.depth === 1) : listCouncils(app.db, { parentId: council.id, limit: 1000 })
    ])
    // Units that ended (wards merged in 2025) stay listed, marked with their last day: their hearings remain.
    const children = units.filter((row) => row.activeFrom <= today)
    const byId = new Map((subtree ?? []).map((row) => [row.id, row.name]))
    const item = (hearing: Hearing & { timezone: string }) => ({
      ...hearingSummary(hearing, hearing.timezone, lang, now),
      // With the units' hearings, every one says whose it is: the council's own too.
      council: descendants ? councilTitle(hearing.councilId === council.id ? council.name : byId.get(hearing.councilId) ?? '', lang) : undefined,
      own: descendants && hearing.councilId === council.id
    })
    // Past hearings grouped by year, newest first (a long list is many screens on a phone).
    const pastItems = past.map(item)
    const pageUrl = (query: string) => `${councilPagePath(council.code)}?lang=${lang}${descendants ? '&descendants=true' : ''}${query}`
    const feedUrl = `${app.publicBaseUrl()}${councilFeedPath(council.code, descendants)}`
    const title = councilTitle(council.name, lang)
    const signedIn = request.principal !== undefined
    return sendPage(reply, 'council', {
      lang,
      title,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn,
      council: { code: council.code, title },
      descendants,
      // "Include the units" only where there are units.
      hasUnits: units.length > 0,
      endedOn: council.activeTo !== null && council.activeTo < today ? council.activeTo.split('-').reverse().join('/') : undefined,
      toggleUrl: `${councilPagePath(council.code)}?lang=${lang}${descendants ? '' : '&descendants=true'}`,
      upcoming: upcoming.filter((hearing) => hearing.status === 'scheduled').map(item),
      postponed: upcoming.filter((hearing) => hearing.status === 'postponed').map(item),
      past: pastItems,
      pastYear: year,
      // Every year with past hearings, each a page of its own.
      pastYears: [...new Set([...years, ...(year === undefined ? [] : [year])])].sort((a, b) => b - a).map((y) => ({ year: y, url: pageUrl(`&year=${y}`), current: y === year })),
      parent: parent ? { title: councilTitle(parent.name, lang), url: `${councilPagePath(parent.code)}?lang=${lang}` } : undefined,
      children: children.map((child) => ({
        title: councilTitle(child.name, lang),
        url: `${councilPagePath(child.code)}?lang=${lang}`,
        endedOn: child.activeTo !== null && child.activeTo < today ? child.activeTo.split('-').reverse().join('/') : undefined
      })),
      feeds: feedLinks(feedUrl, title),
      consoleUrl: signedIn ? consoleCouncilPath(council.code, lang) : undefined,
      formatDay
    }, signedIn ? 'private' : 'public')
  })
}

export default publicPages
