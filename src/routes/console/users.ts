import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listUserRoles, listUsers, listUsersOfCouncils } from '../../db/queries/accounts.js'
import { listCouncils } from '../../db/queries/councils.js'
import { fail } from '../../domain/errors.js'
import { requestLang } from '../../plugins/pages.js'
import { TEXT_PATTERN, Uuid } from '../../schemas/common.js'
import { FormBase, LangQuery } from '../../schemas/forms.js'
import { addUserWithRole, revokeRole, signOutEverywhere } from '../../services/accounts.js'
import { words } from '../../words/pages.js'
import { councilTitle } from '../../words/terms.js'
import type { ConsoleKit } from '../../pages/console.js'
import { otherLangUrl, sendPage } from '../../pages/render.js'

const UserForm = Type.Object({
  ...FormBase,
  email: Type.String({ format: 'email', maxLength: 254 }),
  name: Type.String({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERN }),
  role: Type.Union([Type.Literal('secretariat'), Type.Literal('supervisor'), Type.Literal('admin')]),
  councilId: Type.Optional(Type.Union([Type.Literal(''), Uuid]))
}, { additionalProperties: false })

/**
 * The people who sign in, for those who grant roles: an administrator (every user, every council),
 * or a council's secretariat (the staff of its units: add them, grant and revoke their roles). The
 * same services as /v1/users; the new user signs in by the link the sign-in page e-mails.
 */
const usersConsole: FastifyPluginAsyncTypebox<{ kit: ConsoleKit }> = async (app, { kit }) => {
  async function scope (principal: NonNullable<ReturnType<ConsoleKit['signedIn']>>) {
    if (principal.role === 'admin') return { admin: true, councils: await listCouncils(app.db, { limit: 5000 }) }
    if (principal.role !== 'secretariat') throw fail('ROLE_GRANT_FORBIDDEN')
    return { admin: false, councils: await listCouncils(app.db, { parentId: principal.councilId, limit: 5000 }) }
  }

  app.get('/console/users', {
    schema: { hide: true, querystring: Type.Object({ ...LangQuery, saved: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const lang = request.query.lang ?? 'vi'
    const { admin, councils } = await scope(principal)
    const users = admin ? await listUsers(app.db) : await listUsersOfCouncils(app.db, councils.map((c) => c.id))
    const granting = new Set(councils.map((c) => c.id))
    const t = words(lang)
    return sendPage(reply, 'console-users', {
      lang,
      title: t.usersTitle,
      otherLangUrl: otherLangUrl(request, lang),
      signedIn: true,
      csrfToken: reply.formToken(),
      saved: request.query.saved === '1',
      admin,
      councils: councils.map((c) => ({ id: c.id, title: councilTitle(c.name, lang) })),
      users: await Promise.all(users.map(async (user) => ({
        id: user.id,
        email: user.email,
        name: user.name,
        disabled: user.disabledAt !== null,
        // A secretariat sees and revokes only the roles of its units.
        roles: (await listUserRoles(app.db, user.id)).filter((role) => admin || (role.councilId !== null && granting.has(role.councilId)))
          .map((role) => ({ id: role.id, text: `${t.roleNames[role.role]}${role.councilName ? ` — ${councilTitle(role.councilName, lang)}` : ''}` }))
      })))
    })
  })

  app.post('/console/users', { preValidation: app.checkForm, schema: { hide: true, body: UserForm } }, async (request, reply) => {
    const lang = requestLang(request)
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    const form = request.body
    await addUserWithRole(app.writeContext(request, principal), { email: form.email, name: form.name.trim(), locale: lang }, { role: form.role, councilId: form.role === 'admin' ? null : form.councilId || null })
    return reply.redirect(`/console/users?lang=${lang}&saved=1`, 303)
  })

  app.post('/console/users/:id/roles/:roleId/revoke', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid, roleId: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = kit.signedIn(request, reply)
    if (!principal) return reply
    await revokeRole(app.writeContext(request, principal), request.params.id, request.params.roleId)
    return reply.redirect(`/console/users?lang=${requestLang(request)}&saved=1`, 303)
  })

  app.post('/console/users/:id/sign-out-everywhere', {
    preValidation: app.checkForm,
    schema: { hide: true, params: Type.Object({ id: Uuid }, { additionalProperties: false }), body: Type.Object(FormBase, { additionalProperties: false }) }
  }, async (request, reply) => {
    const principal = app.requireAdmin(request)
    await signOutEverywhere(app.writeContext(request, principal), request.params.id)
    return reply.redirect(`/console/users?lang=${requestLang(request)}&saved=1`, 303)
  })
}

export default usersConsole
