import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { findUser, listUserRoles, listUsers, type User } from '../../db/queries/accounts.js'
import type { Db } from '../../db/client.js'
import { fail } from '../../domain/errors.js'
import { IdParams, problems, secured, Uuid } from '../../schemas/common.js'
import { CreateUserSchema, GrantRoleSchema, SignedOutSchema, SignOutEverywhereSchema, UserListSchema, UserRoleSchema, UserSchema } from '../../schemas/accounts.js'
import { createUser, grantRole, revokeRole, signOutEverywhere } from '../../services/accounts.js'

async function userView (db: Db, user: User) {
  const roles = await listUserRoles(db, user.id)
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale,
    disabledAt: user.disabledAt,
    createdAt: user.createdAt,
    roles: roles.map(({ councilCode: _code, ...role }) => role)
  }
}

/**
 * Users: people who sign in to the pages, with roles per council. Administrators manage all of
 * them; the secretariat of a council may add users and grant them roles for its units (the
 * wards and communes under it). Users sign in by e-mailed link (or OpenID Connect), never with a secret.
 */
const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { tags: ['users'], summary: 'List users and their roles (administrators)', security: secured, response: { 200: Type.Ref(UserListSchema), ...problems(401, 403) } }
  }, async (request) => {
    app.requireAdmin(request)
    return { items: await Promise.all((await listUsers(app.db)).map((user) => userView(app.db, user))) }
  })

  app.post('/', {
    schema: { tags: ['users'], summary: 'Add a user (an administrator, or a secretariat for its units\' staff)', security: secured, body: CreateUserSchema, response: { 201: Type.Ref(UserSchema), ...problems(400, 401, 403, 409) } }
  }, async (request, reply) => {
    const principal = app.requirePrincipal(request)
    if (principal.role === 'supervisor') throw fail('SUPERVISOR_READ_ONLY')
    const user = await createUser(app.writeContext(request, principal), request.body)
    return reply.code(201).send(await userView(app.db, user))
  })

  app.post('/:id/roles', {
    schema: { tags: ['users'], summary: 'Grant a role for a council (or admin)', security: secured, params: IdParams, body: GrantRoleSchema, response: { 201: Type.Ref(UserRoleSchema), ...problems(400, 401, 403, 404) } }
  }, async (request, reply) => {
    const principal = app.requirePrincipal(request)
    const role = await grantRole(app.writeContext(request, principal), request.params.id, { role: request.body.role, councilId: request.body.councilId ?? null })
    const { councilCode: _code, ...view } = role
    return reply.code(201).send(view)
  })

  app.delete('/:id/roles/:roleId', {
    schema: { tags: ['users'], summary: 'Revoke a role', security: secured, params: Type.Object({ id: Uuid, roleId: Uuid }), response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } }
  }, async (request, reply) => {
    const principal = app.requirePrincipal(request)
    await revokeRole(app.writeContext(request, principal), request.params.id, request.params.roleId)
    return reply.code(204).send(null)
  })

  app.post('/:id/sign-out-everywhere', {
    schema: { tags: ['users'], summary: 'End every session of the user at once; optionally disable them (administrators)', security: secured, params: IdParams, body: SignOutEverywhereSchema, response: { 200: Type.Ref(SignedOutSchema), ...problems(400, 401, 403, 404) } }
  }, async (request) => {
    const principal = app.requireAdmin(request)
    if (!(await findUser(app.db, request.params.id))) throw fail('USER_NOT_FOUND', { id: request.params.id })
    const ended = await signOutEverywhere(app.writeContext(request, principal), request.params.id, request.body.disable === undefined ? {} : { disable: request.body.disable })
    return { sessionsEnded: ended }
  })
}

export default userRoutes
