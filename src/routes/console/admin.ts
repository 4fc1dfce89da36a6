import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { findCouncil, findCouncilByCode, listCouncils, type Council } from '../../db/queries/councils.js'
import { listNoticeRules } from '../../db/queries/calendar.js'
import { COUNCIL_LEVELS, COUNCIL_ZONE } from '../../domain/councils.js'
import { fail } from '../../domain/errors.js'
import { requestLang } from '../../plugins/pages.js'
import { TEXT_PATTERN, Uuid } from '../../schemas/common.js'
import { CodeParams, FormBase, LangQuery } from '../../schemas/forms.js'
import type { UpdateCouncil } from '../../schemas/councils.js'
import { createCouncil, updateCouncil } from '../../services/councils.js'
import { calendarFacts } from '../../services/calendar.js'
import { announceDay, createNoticeRule, updateNoticeRule, withdrawDay } from '../../services/calendar-days.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { text } from '../../pages/forms.js'
import type { ConsoleKit } from '../../pages/console.js'
import { consoleCouncilPath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

const Day = Type.String({ pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' })
const OptionalDay = Type.Optional(Type.String({ pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' }))
const Line = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: TEXT_PATTERN })
const Checkbox = Type.Optional(Type.Literal('on'))
const CodeField = Type.String({ minLength: 2, maxLength: 80, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' })
const ParentField = Type.Optional(Type.String({ maxLength: 80, pattern: '^$|^[a-z0-9]+(-[a-z0-9]+)*$' }))
const CouncilFields = {
  ...FormBase,
  name: Line(200),
  level: Type.Union(COUNCIL_LEVELS.map((level) => Type.Literal(level))),
  parent: ParentField,
  activeFrom: Day,
  activeTo: OptionalDay,
  strictNotice: Checkbox,
  coveragePercent: Type.String({ pattern: '^(100|[1-9]?[0-9])$' }),
  coverageMinHearings: Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' }),
  coveragePublic: Checkbox
}
const NewCouncilForm = Type.Object({ ...CouncilFields, code: CodeField }, { additionalProperties: false })
const EditCouncilForm = Type.Object({ ...CouncilFields, revision: Type.String({ pattern: '^[0-9]{1,10}$' }) }, { additionalProperties: false })
const DayKind = Type.Union([Type.Literal('day_off'), Type.Literal('working_day')])
const RuleFields = {
  ...FormBase,
  name: Line(300),
  legalBasis: Line(2000),
  effectiveFrom: Day,
  effectiveTo: OptionalDay,
  explainerNoticeDays: Type.String({ pattern: '^[0-9]{1,3}$' }),
  dayKind: Type.Union([Type.Literal('calendar'), Type.Literal('working')]),
  verified: Checkbox
}
const RuleForm = Type.Object(RuleFields, { additionalProperties: false })

/**
 * The administrator's pages: the councils (create, edit, end: an end date, never a deletion), the
 * days that are not what the weekday says (statutory holidays shown, days off and make-up working
 * days announced or withdrawn) and the notice rules. The same services and checks as the API's
 * /v1/councils, /v1/calendar/days and /v1/notice-rules.
 */
const adminConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  /** The form's parent code as the council's id (the form names councils by code, as people do). */
  async function parentId (code: string | undefined): Promise<string | null> {
    const given = text(code)
    if (!given) return null
    const parent = await findCouncilByCode(app.db, given)
    if (!parent) throw fail('COUNCIL_CODE_NOT_FOUND', { code: given })
    return parent.id
  }

  function councilInput (form: Static<typeof NewCouncilForm> | Static<typeof EditCouncilForm>, parent: string | null) {
    return {
      name: form.name.trim(),
      level: form.level,
      parentId: parent,
      activeFrom: form.activeFrom,
      activeTo: text(form.activeTo) ?? null,
      strictNotice: form.strictNotice === 'on',
      coverageTarget: Number(form.coveragePercent) / 100,
      coverageMinHearings: Number(form.coverageMinHearings),
      coveragePublic: form.coveragePublic === 'on'
    }
  }

  function adminPage (request: FastifyRequest) {
    app.requireAdmin(request)
    return requestLang(request)
  }

  const councilRow = (council: Council, lang: 'vi' | 'en', today: string) => ({
    code: council.code,
    title: councilTitle(council.name, lang),
    level: words(lang).levelNames[council.level] ?? council.level,
    from: council.activeFrom,
    to: council.activeTo,
    ended: council.activeTo !== null && council.activeTo < today,
    consoleUrl: consoleCouncilPath(council.code, lang),
    editUrl: `/console/admin/councils/${council.code}?lang=${lang}`,
    unitsUrl: `/console/admin/councils?parent=${council.code}&lang=${lang}`
  })

  app.get('/console/admin/councils', {
    schema: { hide: true, querystring: Type.Object({ ...LangQuery, parent: ParentField, saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    if (!kit.signedIn(request, reply)) return reply
    const lang = adminPage(request)
    const parentCode = text(request.query.parent)
    const parent = parentCode ? await findCouncilByCode(app.db, parentCode) : undefined
    if (parentCode && !parent) throw fail('COUNCIL_CODE_NOT_FOUND', { code: parentCode })
    const all = await listCouncils(app.db, { parentId: parent?.id, limit: 5000 })
    // Without a parent: the top of the tree (provinces and cities).
    const rows = parent ? all : all.filter((council) => council.parentId === null)
    const today = DateTime.fromJSDate(app.now(), { zone: COUNCIL_ZONE }).toISODate()!
    const t = words(lang)
    return sendPage(reply, 'console-admin-councils', {
      lang,
      title: parent ? `${t.adminCouncils} – ${councilTitle(parent.name, lang)}` : t.adminCouncils,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      parent: parent ? councilRow(parent, lang, today) : undefined,
      upUrl: parent ? `/console/admin/councils?${parent.parentId ? `parent=${await findParentCode(parent)}&` : ''}lang=${lang}` : undefined,
      councils: rows.map((council) => councilRow(council, lang, today)),
      levels: COUNCIL_LEVELS.map((level) => ({ value: level, label: t.levelNames[level] ?? level })),
      today
    })
  })

  async function findParentCode (council: Council): Promise<string> {
    return council.parentId ? (await findCouncil(app.db, council.parentId))?.code ?? '' : ''
  }

  app.post('/console/admin/councils', {
    preValidation: app.checkForm,
    schema: { hide: true, body: NewCouncilForm }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    const lang = requestLang(request)
    const form = request.body
    const parent = await parentId(form.parent)
    const created = await createCouncil(app.writeContext(request, principal), { code: form.code, ...councilInput(form, parent) })
    return reply.redirect(`/console/admin/councils/${created.code}?lang=${lang}&saved=1`, 303)
  })

  app.get('/console/admin/councils/:code', {
    schema: { hide: true, params: CodeParams, querystring: Type.Object({ ...LangQuery, saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    if (!kit.signedIn(request, reply)) return reply
    const lang = adminPage(request)
    const council = await findCouncilByCode(app.db, request.params.code)
    if (!council) throw fail('COUNCIL_CODE_NOT_FOUND', { code: request.params.code })
    const t = words(lang)
    const today = DateTime.fromJSDate(app.now(), { zone: COUNCIL_ZONE }).toISODate()!
    const parentCode = await findParentCode(council)
    return sendPage(reply, 'console-admin-council', {
      lang,
      title: `${t.editCouncil}: ${councilTitle(council.name, lang)}`,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      council: { ...councilRow(council, lang, today), name: council.name, level: council.level, parentCode, revision: council.revision, strictNotice: council.strictNotice, coveragePercent: Math.round(council.coverageTarget * 100), coverageMinHearings: council.coverageMinHearings, coveragePublic: council.coveragePublic },
      levels: COUNCIL_LEVELS.map((level) => ({ value: level, label: t.levelNames[level] ?? level })),
      listUrl: `/console/admin/councils?${parentCode ? `parent=${parentCode}&` : ''}lang=${lang}`
    })
  })

  app.post('/console/admin/councils/:code', {
    preValidation: app.checkForm,
    schema: { hide: true, params: CodeParams, body: EditCouncilForm }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    const council = await findCouncilByCode(app.db, request.params.code)
    if (!council) throw fail('COUNCIL_CODE_NOT_FOUND', { code: request.params.code })
    // Two administrators editing at once: the second is told, rather than undoing the first.
    if (Number(request.body.revision) !== council.revision) throw fail('FORM_STALE')
    const changes: UpdateCouncil = councilInput(request.body, await parentId(request.body.parent))
    await updateCouncil(app.writeContext(request, principal), council.id, changes)
    return reply.redirect(`/console/admin/councils/${council.code}?lang=${requestLang(request)}&saved=1`, 303)
  })

  app.get('/console/admin/calendar', {
    schema: {
      hide: true,
      querystring: Type.Object({ ...LangQuery, year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })), saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    if (!kit.signedIn(request, reply)) return reply
    const lang = adminPage(request)
    const thisYear = DateTime.fromJSDate(app.now(), { zone: COUNCIL_ZONE }).year
    const year = request.query.year ?? thisYear
    const [facts, rules] = await Promise.all([calendarFacts(app.db, `${year}-01-01`, `${year}-12-31`), listNoticeRules(app.db)])
    const days = new Map<string, { day: string, weekday: string, kind: 'day_off' | 'working_day', name: string, announced: boolean }>()
    const weekday = (day: string) => DateTime.fromISO(day, { zone: COUNCIL_ZONE }).setLocale(lang === 'vi' ? 'vi' : 'en-GB').toFormat('cccc')
    for (const [day, name] of facts.holidays) days.set(day, { day, weekday: weekday(day), kind: 'day_off', name, announced: false })
    for (const [day, fact] of facts.announced) days.set(day, { day, weekday: weekday(day), kind: fact.kind, name: fact.name, announced: true })
    const t = words(lang)
    return sendPage(reply, 'console-admin-calendar', {
      lang,
      title: t.adminCalendar,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      year,
      years: [year - 1, year, year + 1].filter((y) => y >= 2000 && y <= 2100),
      days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
      rules
    })
  })

  app.post('/console/admin/calendar/days', {
    preValidation: app.checkForm,
    schema: { hide: true, body: Type.Object({ ...FormBase, day: Day, kind: DayKind, name: Line(200) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    const { day, kind, name } = request.body
    if (!DateTime.fromISO(day).isValid) throw fail('FORM_TIME_INVALID', { value: day })
    await announceDay(app.writeContext(request, principal), day, { kind, name: name.trim() })
    return reply.redirect(`/console/admin/calendar?year=${day.slice(0, 4)}&lang=${requestLang(request)}&saved=1`, 303)
  })

  app.post('/console/admin/calendar/days/:day/withdraw', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ day: Day }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    await withdrawDay(app.writeContext(request, principal), request.params.day)
    return reply.redirect(`/console/admin/calendar?year=${request.params.day.slice(0, 4)}&lang=${requestLang(request)}&saved=1`, 303)
  })

  const ruleInput = (form: Static<typeof RuleForm>) => ({
    name: form.name.trim(),
    legalBasis: form.legalBasis.trim(),
    effectiveFrom: form.effectiveFrom,
    effectiveTo: text(form.effectiveTo) ?? null,
    explainerNoticeDays: Number(form.explainerNoticeDays),
    dayKind: form.dayKind,
    verified: form.verified === 'on'
  })

  app.post('/console/admin/notice-rules', {
    preValidation: app.checkForm,
    schema: { hide: true, body: Type.Object({ ...RuleFields, code: CodeField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    await createNoticeRule(app.writeContext(request, principal), { code: request.body.code, ...ruleInput(request.body) })
    return reply.redirect(`/console/admin/calendar?lang=${requestLang(request)}&saved=1#rules`, 303)
  })

  app.post('/console/admin/notice-rules/:id', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid }, { additionalProperties: false }), body: RuleForm }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    await updateNoticeRule(app.writeContext(request, principal), request.params.id, ruleInput(request.body))
    return reply.redirect(`/console/admin/calendar?lang=${requestLang(request)}&saved=1#rules`, 303)
  })
}

export default adminConsole
