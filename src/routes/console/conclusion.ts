import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { attachablePerson } from '../../policy/index.js'
import { requestLang } from '../../plugins/pages.js'
import { MULTILINE_PATTERN, TEXT_PATTERN, Uuid } from '../../schemas/common.js'
import { FormBase } from '../../schemas/forms.js'
import { addCommitment, renewCommitmentLink, updateCommitment, voteConclusion } from '../../services/conclusions.js'
import { fail } from '../../domain/errors.js'
import { words } from '../../words/pages.js'
import { text } from '../../pages/forms.js'
import { consoleHearingPage, secretPage, type ConsoleKit } from '../../pages/console.js'
import { commitmentPath } from '../../links/index.js'

const Day = Type.String({ pattern: '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' })
const OptionalDay = Type.Optional(Type.String({ pattern: '^$|^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$' }))
const Choice = Type.Union(['absent', 'for', 'against', 'abstain', 'none'].map((value) => Type.Literal(value)))
/** Repeated fields (one per committee member) arrive as one value or an array. */
const Many = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Optional(Type.Union([item, Type.Array(item, { maxItems: 200 })]))
const many = <T>(value: T | T[] | undefined): T[] => value === undefined ? [] : Array.isArray(value) ? value : [value]
const Params = Type.Object({ id: Uuid, commitmentId: Uuid }, { additionalProperties: false })

/**
 * The second half of a held hearing in the console: the Standing Committee's vote on the
 * conclusion, its commitments added, updated and their links renewed. The same services as the API.
 */
const conclusionConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  app.post('/console/hearings/:id/conclusion', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      params: Type.Object({ id: Uuid }, { additionalProperties: false }),
      body: Type.Object({
        ...FormBase,
        numberSymbol: Type.Optional(Type.String({ maxLength: 60, pattern: `^$|${TEXT_PATTERN}` })),
        issuedOn: OptionalDay,
        text: Type.String({ minLength: 1, maxLength: 50000, pattern: MULTILINE_PATTERN }),
        voter: Many(Uuid),
        choice: Many(Choice)
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const form = request.body
    const voters = many(form.voter)
    const choices = many(form.choice)
    if (voters.length !== choices.length) throw fail('FORM_VOTES_MISMATCH')
    await voteConclusion(app.writeContext(request, principal), hearing.id, {
      text: form.text.trim(),
      numberSymbol: text(form.numberSymbol) ?? null,
      issuedOn: text(form.issuedOn) ?? null,
      votes: voters.map((personId, i) => choices[i] === 'absent'
        ? { personId, present: false }
        : { personId, present: true, vote: choices[i] === 'none' ? null : choices[i] as 'for' | 'against' | 'abstain' })
    })
    return reply.redirect(consoleHearingPage(hearing.id, requestLang(request), '&saved=1#conclusion-h'), 303)
  })

  app.post('/console/hearings/:id/commitments', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      params: Type.Object({ id: Uuid }, { additionalProperties: false }),
      body: Type.Object({
        ...FormBase,
        title: Type.String({ minLength: 1, maxLength: 2000, pattern: TEXT_PATTERN }),
        dueOn: Day,
        responsiblePersonId: Type.Optional(Type.Union([Type.Literal(''), Uuid])),
        responsibleAgency: Type.Optional(Type.String({ maxLength: 300, pattern: `^$|${TEXT_PATTERN}` }))
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const personId = text(request.body.responsiblePersonId)
    if (personId) await attachablePerson(app.db, principal, personId)
    const { secret } = await addCommitment(app.writeContext(request, principal), hearing.id, {
      title: request.body.title.trim(), dueOn: request.body.dueOn, responsiblePersonId: personId ?? null, responsibleAgency: text(request.body.responsibleAgency) ?? null
    })
    // A person's link is shown once, to send them; an agency's commitment has none.
    if (secret) return secretPage(reply, lang, consoleHearingPage(hearing.id, lang), words(lang).commitmentLink, `${app.publicBaseUrl()}${commitmentPath(secret)}`)
    return reply.redirect(consoleHearingPage(hearing.id, lang, '&saved=1#commitments-h'), 303)
  })

  app.post('/console/hearings/:id/commitments/:commitmentId', {
    preValidation: app.checkForm,
    schema: {
      hide: true,
      params: Params,
      body: Type.Object({
        ...FormBase,
        note: Type.String({ minLength: 1, maxLength: 5000, pattern: TEXT_PATTERN }),
        progress: Type.Optional(Type.String({ pattern: '^$|^(100|[1-9]?[0-9])$' })),
        status: Type.Optional(Type.Union(['', 'open', 'in_progress', 'done', 'dropped'].map((value) => Type.Literal(value)))),
        dropReason: Type.Optional(Type.String({ maxLength: 2000, pattern: `^$|${TEXT_PATTERN}` })),
        dueOn: OptionalDay
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const form = request.body
    await updateCommitment(app.writeContext(request, principal), hearing.id, request.params.commitmentId, {
      note: form.note.trim(),
      ...(text(form.progress) ? { progress: Number(form.progress) } : {}),
      ...(form.status ? { status: form.status as 'open' | 'in_progress' | 'done' | 'dropped' } : {}),
      ...(text(form.dropReason) ? { dropReason: text(form.dropReason)! } : {}),
      ...(text(form.dueOn) ? { dueOn: text(form.dueOn)! } : {})
    })
    return reply.redirect(consoleHearingPage(hearing.id, requestLang(request), '&saved=1#commitments-h'), 303)
  })

  app.post('/console/hearings/:id/commitments/:commitmentId/link', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Params, body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const lang = requestLang(request)
    const { hearing, principal } = await kit.hearingAccess(request, request.params.id, true)
    const { secret } = await renewCommitmentLink(app.writeContext(request, principal), hearing.id, request.params.commitmentId)
    return secretPage(reply, lang, consoleHearingPage(hearing.id, lang), words(lang).commitmentLink, `${app.publicBaseUrl()}${commitmentPath(secret)}`)
  })
}

export default conclusionConsole
