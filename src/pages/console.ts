import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Council } from '../db/queries/councils.js'
import type { Hearing } from '../db/queries/hearings.js'
import type { Principal } from '../domain/access.js'
import type { ScheduleWarning } from '../domain/calendar.js'
import type { Lang } from '../words/terms.js'
import { councilTitle } from '../words/terms.js'
import { words } from '../words/pages.js'
import { errorSentence } from '../words/errors.js'
import type { AppError } from '../domain/errors.js'
import { consoleHearingPath } from '../links/index.js'
import { sendPage } from './render.js'

/** What every part of the console asks (built once by routes/console/index.ts): who is signed in, and a hearing the caller may read or change. */
export interface ConsoleKit {
  /** The signed-in caller; otherwise the reply is sent to the sign-in page (the caller returns it). */
  signedIn (request: FastifyRequest, reply: FastifyReply): Principal | undefined
  /** The hearing and its council, after checking the caller may read it (and, for a change, write it). */
  hearingAccess (request: FastifyRequest, id: string, write: boolean): Promise<{ hearing: Hearing, council: Council, principal: Principal }>
  /** The council of a console URL, by code, after checking the caller may read it (and, for a change, write it). */
  councilAccess (request: FastifyRequest, code: string, write: boolean): Promise<{ council: Council, principal: Principal }>
}

/** The console's page of a hearing in a language, with what to add to its query (e.g. "&saved=1"). */
export function consoleHearingPage (id: string, lang: Lang, extra = ''): string {
  return `${consoleHearingPath(id, lang)}${extra}`
}

/** The warnings step: what to know about a time before confirming it, and the form to confirm. */
export function confirmPage (reply: FastifyReply, lang: Lang, council: { name: string }, preview: { warnings: ScheduleWarning[], refusals: AppError[] },
  form: { action: string, fields: Record<string, string>, summary: { title: string, when: string }, backUrl: string, mailHint?: string }) {
  const t = words(lang)
  const { warnings, refusals } = preview
  // What the confirmation would refuse is said now, and there is nothing to confirm.
  return sendPage(reply.code(refusals.length > 0 ? 409 : 200), 'console-confirm', {
    refusals: refusals.map((refusal) => errorSentence(refusal.code, refusal.params, lang)),
    lang,
    title: t.warningsTitle,
    signedIn: true,
    csrfToken: reply.formToken(),
    council: { title: councilTitle(council.name, lang) },
    warnings: warnings.map((warning) => ({ code: warning.code, text: t.warning(warning) })),
    ...form
  })
}

/** A link shown once (it is stored hashed): to copy and send to the person. */
export function secretPage (reply: FastifyReply, lang: Lang, backUrl: string, label: string, link: string, help?: string) {
  return sendPage(reply.header('cache-control', 'private, no-store'), 'console-secret', {
    lang,
    title: label,
    signedIn: true,
    csrfToken: reply.formToken(),
    label,
    link,
    help,
    webcal: link.endsWith('.ics') ? link.replace(/^https?:/, 'webcal:') : undefined,
    backUrl
  })
}
