import type { FastifyPluginAsync } from 'fastify'
import formbody from '@fastify/formbody'
import { findCouncil, findCouncilByCode } from '../../db/queries/councils.js'
import { fail } from '../../domain/errors.js'
import type { ConsoleKit } from '../../pages/console.js'
import { PAGE_FORM_LIMIT, requestLang, signInPath } from '../../plugins/pages.js'
import { visibleHearing } from '../../policy/index.js'
import councilConsole from './council.js'
import hearingConsole from './hearing.js'
import peopleConsole from './people.js'
import usersConsole from './users.js'
import membersConsole from './members.js'
import settingsConsole from './settings.js'
import adminConsole from './admin.js'
import directoryConsole from './directory.js'
import conclusionConsole from './conclusion.js'

/**
 * The secretariat's console, in files by what a secretariat does: a council's hearings (council.ts),
 * one hearing and its changes (hearing.ts), the people invited and their links (people.ts). Every
 * form calls the same services as the API. Signed in with the cookie the sign-in page sets;
 * supervisors see the same pages without the forms.
 */
const consolePages: FastifyPluginAsync = async (app) => {
  await app.register(formbody, { bodyLimit: PAGE_FORM_LIMIT })
  app.setErrorHandler(app.pageErrorHandler)
  const kit: ConsoleKit = {
    signedIn (request, reply) {
      if (request.principal) return request.principal
      reply.redirect(signInPath(request.url, requestLang(request)), 303)
      return undefined
    },
    async hearingAccess (request, id, write) {
      const { hearing } = await visibleHearing(app.db, request.principal, id)
      const principal = write ? await app.requireWrite(request, hearing.councilId) : await app.requireRead(request, hearing.councilId)
      const council = (await findCouncil(app.db, hearing.councilId))!
      return { hearing, council, principal }
    },
    async councilAccess (request, code, write) {
      const council = await findCouncilByCode(app.db, code)
      if (!council) throw fail('COUNCIL_CODE_NOT_FOUND', { code })
      const principal = write ? await app.requireWrite(request, council.id) : await app.requireRead(request, council.id)
      return { council, principal }
    }
  }
  await app.register(councilConsole, { kit })
  await app.register(hearingConsole, { kit })
  await app.register(peopleConsole, { kit })
  await app.register(usersConsole, { kit })
  await app.register(membersConsole, { kit })
  await app.register(settingsConsole, { kit })
  await app.register(adminConsole, { kit })
  await app.register(directoryConsole, { kit })
  await app.register(conclusionConsole, { kit })
}

export default consolePages
