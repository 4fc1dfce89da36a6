import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DateTime } from 'luxon'
import { listMemberships, listPeople } from '../../db/queries/people.js'
import { canWrite } from '../../domain/access.js'
import { requestLang } from '../../plugins/pages.js'
import { attachablePerson, readableCouncilIds } from '../../policy/index.js'
import { Uuid } from '../../schemas/common.js'
import { CodeParams, FormBase, LangQuery } from '../../schemas/forms.js'
import { MEMBERSHIP_ROLES } from '../../schemas/people.js'
import { addMember, updateMember } from '../../services/people.js'
import { words } from '../../words/pages.js'
import { TERMS, councilTitle } from '../../words/terms.js'
import { text } from '../../pages/forms.js'
import type { ConsoleKit } from '../../pages/console.js'
import { consoleCouncilPath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

const Day = Type.String({ pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' })
const RoleField = Type.Union(MEMBERSHIP_ROLES.map((role) => Type.Literal(role)))

/** A council's members (the delegates, its Standing Committee): who they are since when; add one, end one. The same services as /v1/councils/{id}/members. */
const membersConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  const path = (code: string) => `${consoleCouncilPath(code)}/members`

  app.get('/console/councils/:code/members', {
    schema: { hide: true, params: CodeParams, querystring: Type.Object({ ...LangQuery, q: Type.Optional(Type.String({ maxLength: 100 })), saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { council } = await kit.councilAccess(request, request.params.code, false)
    const writable = canWrite(principal, council.id)
    const today = DateTime.fromJSDate(app.now(), { zone: council.timezone }).toISODate()!
    const members = await listMemberships(app.db, council.id, {})
    const q = text(request.query.q)
    const found = q && writable ? await listPeople(app.db, { q, scope: await readableCouncilIds(app.db, principal), limit: 20 }) : []
    const t = words(lang)
    return sendPage(reply, 'console-members', {
      lang,
      title: `${t.membersTitle} – ${councilTitle(council.name, lang)}`,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      council: { title: councilTitle(council.name, lang), url: consoleCouncilPath(council.code, lang) },
      self: path(council.code),
      writable,
      today,
      q: q ?? '',
      searched: q !== undefined,
      found: found.map((person) => ({ id: person.id, fullName: person.fullName, position: person.position })),
      roles: MEMBERSHIP_ROLES.map((role) => ({ value: role, label: TERMS[lang].memberRole[role] })),
      members: members.map((m) => ({
        id: m.id,
        fullName: m.person.fullName,
        role: TERMS[lang].memberRole[m.role],
        startsOn: m.startsOn,
        endsOn: m.endsOn,
        current: m.startsOn <= today && (m.endsOn === null || m.endsOn >= today)
      }))
    })
  })

  app.post('/console/councils/:code/members', {
    preValidation: app.checkForm,
    schema: { hide: true, params: CodeParams, body: Type.Object({ ...FormBase, personId: Uuid, role: RoleField, startsOn: Day }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    await attachablePerson(app.db, principal, request.body.personId)
    await addMember(app.writeContext(request, principal), council.id, { personId: request.body.personId, role: request.body.role, startsOn: request.body.startsOn })
    return reply.redirect(`${path(council.code)}?lang=${requestLang(request)}&saved=1`, 303)
  })

  app.post('/console/councils/:code/members/:membershipId/end', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ code: CodeParams.properties.code, membershipId: Uuid }, { additionalProperties: false }), body: Type.Object({ ...FormBase, endsOn: Day }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const { council, principal } = await kit.councilAccess(request, request.params.code, true)
    await updateMember(app.writeContext(request, principal), council.id, request.params.membershipId, { endsOn: request.body.endsOn })
    return reply.redirect(`${path(council.code)}?lang=${requestLang(request)}&saved=1`, 303)
  })
}

export default membersConsole
