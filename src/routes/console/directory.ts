import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listPeople } from '../../db/queries/people.js'
import { canWrite } from '../../domain/access.js'
import { possibleDuplicates } from '../../domain/duplicates.js'
import { CodeParams, LangQuery } from '../../schemas/forms.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { text } from '../../pages/forms.js'
import type { ConsoleKit } from '../../pages/console.js'
import { consoleCouncilPath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

/** At most this many people on the page (a search narrows it). */
const PEOPLE_LIMIT = 1000

/**
 * The council's register of people (those it registered and its members): found without
 * diacritics, with address and phone, likely duplicates flagged (same name, address or phone),
 * each opening the page that edits them.
 */
const directoryConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  app.get('/console/councils/:code/people', {
    schema: { hide: true, params: CodeParams, querystring: Type.Object({ ...LangQuery, q: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { council } = await kit.councilAccess(request, request.params.code, false)
    const q = text(request.query.q)
    // Duplicates are looked for among all the council's people, whatever the search shows.
    const all = await listPeople(app.db, { councilId: council.id, limit: PEOPLE_LIMIT + 1 })
    const shown = q ? await listPeople(app.db, { councilId: council.id, q, limit: PEOPLE_LIMIT }) : all.slice(0, PEOPLE_LIMIT)
    const duplicates = possibleDuplicates(all)
    const t = words(lang)
    const self = `${consoleCouncilPath(council.code)}/people`
    return sendPage(reply, 'console-people', {
      lang,
      title: `${t.peopleTitle} – ${councilTitle(council.name, lang)}`,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      council: { title: councilTitle(council.name, lang), url: consoleCouncilPath(council.code, lang) },
      self,
      q: q ?? '',
      truncated: !q && all.length > PEOPLE_LIMIT,
      writable: canWrite(principal, council.id),
      duplicateCount: duplicates.size,
      people: shown.sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi')).map((person) => ({
        id: person.id,
        fullName: person.fullName,
        position: person.position,
        organization: person.organization,
        email: person.email,
        phone: person.phone,
        editUrl: `/console/people/${person.id}?lang=${lang}&back=${encodeURIComponent(self)}`,
        duplicates: (duplicates.get(person.id) ?? []).map(({ other, reasons }) => t.duplicateOf(other.fullName, reasons.map((reason) => t.duplicateReasons[reason]!).join(', ')))
      }))
    })
  })
}

export default directoryConsole
