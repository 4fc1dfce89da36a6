import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import formbody from '@fastify/formbody'
import { findCouncil } from '../../db/queries/councils.js'
import { findHearing } from '../../db/queries/hearings.js'
import { findPerson } from '../../db/queries/people.js'
import { listCommitments } from '../../db/queries/conclusions.js'
import { fail } from '../../domain/errors.js'
import { isPublicHearing } from '../../domain/hearings.js'
import { PAGE_FORM_LIMIT } from '../../plugins/pages.js'
import { LangParam, TEXT_PATTERN, type Lang } from '../../schemas/common.js'
import { CommitmentTokenParams } from '../../schemas/conclusions.js'
import { commitmentOfLink, commitmentViews, updateThroughLink } from '../../services/conclusions.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import { formatWhen } from '../../pages/format.js'
import { commitmentPath, councilPagePath, hearingPagePath } from '../../links/index.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

const UpdateForm = Type.Object({
  _csrf: Type.String({ maxLength: 200 }),
  lang: Type.Optional(LangParam()),
  note: Type.String({ minLength: 1, maxLength: 5000, pattern: TEXT_PATTERN }),
  progress: Type.Optional(Type.String({ pattern: '^$|^(100|[1-9]?[0-9])$' })),
  evidenceUrl: Type.Optional(Type.String({ maxLength: 2000, pattern: '^$|^https?://[\\x21-\\x7e]+$' })),
  status: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('in_progress'), Type.Literal('done')]))
}, { additionalProperties: false })

/**
 * The page a commitment's link opens, for the person responsible: what the conclusion asks of them,
 * by when, where it stands, and a form to report progress (a note, a percentage, evidence, done).
 * The link's secret is the only credential, as on the API (/v1/commitment-links/{token}).
 */
const commitmentPages: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: PAGE_FORM_LIMIT })
  app.setErrorHandler(app.pageErrorHandler)

  app.get('/commitments/:token', {
    schema: { hide: true, params: CommitmentTokenParams, querystring: Type.Object({ lang: Type.Optional(LangParam()), saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const commitment = await commitmentOfLink(app.db, request.params.token)
    await app.guardSecret(request, commitment !== undefined)
    if (!commitment) throw fail('COMMITMENT_LINK_NOT_FOUND')
    const [hearing, council, person] = await Promise.all([
      findHearing(app.db, commitment.hearingId).then((row) => row!),
      findCouncil(app.db, commitment.councilId).then((row) => row!),
      commitment.responsiblePersonId ? findPerson(app.db, commitment.responsiblePersonId) : undefined
    ])
    const lang: Lang = request.query.lang ?? person?.locale ?? 'vi'
    const [view] = await commitmentViews(app.db, await listCommitments(app.db, { ids: [commitment.id], limit: 1 }), () => council.timezone, app.now())
    const t = words(lang)
    return sendPage(reply, 'commitment', {
      lang,
      title: t.commitmentTitle,
      otherLangUrl: otherLangUrl(request, lang),
      csrfToken: reply.formToken(),
      self: commitmentPath(request.params.token),
      saved: request.query.saved === '1',
      person: person ? { fullName: person.fullName } : undefined,
      council: { title: councilTitle(council.name, lang), url: `${councilPagePath(council.code)}?lang=${lang}` },
      hearing: { title: hearing.title, when: formatWhen(hearing.startsAt, hearing.endsAt, council.timezone, lang), pageUrl: isPublicHearing(hearing) ? `${hearingPagePath(hearing.id)}?lang=${lang}` : undefined },
      commitment: {
        ...view!,
        due: view!.dueOn.split('-').reverse().join('/'),
        updates: view!.updates.map((update) => ({ ...update, when: formatWhen(new Date(update.at), null, council.timezone, lang) }))
      },
      open: view!.status !== 'done' && view!.status !== 'dropped'
    })
  })

  app.post('/commitments/:token', {
    preValidation: app.checkForm,
    schema: { hide: true, params: CommitmentTokenParams, body: UpdateForm }
  }, async (request, reply) => {
    const form = request.body
    const text = (value: string | undefined) => value?.trim() || undefined
    const found = await commitmentOfLink(app.db, request.params.token)
    await app.guardSecret(request, found !== undefined)
    const updated = found
      ? await updateThroughLink({ db: app.db, now: app.now(), requestId: request.id, announce: (changes) => app.changes.announce(changes) }, request.params.token, {
        note: form.note.trim(),
        ...(text(form.progress) ? { progress: Number(form.progress) } : {}),
        ...(text(form.evidenceUrl) ? { evidenceUrl: text(form.evidenceUrl)! } : {}),
        ...(form.status ? { status: form.status } : {})
      })
      : undefined
    if (!updated) throw fail('COMMITMENT_LINK_NOT_FOUND')
    return reply.redirect(`${commitmentPath(request.params.token)}?saved=1${form.lang ? `&lang=${form.lang}` : ''}`, 303)
  })
}

export default commitmentPages
