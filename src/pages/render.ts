import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Lang } from '../schemas/common.js'
import { words, type Words } from '../words/pages.js'

/**
 * The templates, compiled once each. `<%= %>` escapes (autoEscape), `<%~ %>` writes as is and is
 * used only for another template's output. The build copies templates/ next to the compiled code.
 */
const eta = new Eta({
  views: fileURLToPath(new URL('./templates', import.meta.url)),
  autoEscape: true,
  cache: true,
  autoTrim: [false, 'nl']
})

export interface PageData {
  lang: Lang
  title: string
  /** The same page in the other language. */
  otherLangUrl?: string
  /** Where the sign-out button shows (a signed-in person). */
  signedIn?: boolean
  csrfToken?: string
  [key: string]: unknown
}

export function renderTemplate (name: string, data: PageData): string {
  return eta.render(name, { ...data, t: words(data.lang) })
}

/** Sends a page: HTML in the person's language, never cached by shared caches. */
export function sendPage (reply: FastifyReply, name: string, data: PageData, cache: 'public' | 'private' = 'private') {
  reply.type('text/html; charset=utf-8')
    .header('cache-control', cache === 'public' ? 'public, max-age=60' : 'private, no-store')
    .header('content-language', data.lang)
  return reply.send(renderTemplate(name, data))
}

/** The same URL with lang set to the other language. */
export function otherLangUrl (request: FastifyRequest, lang: Lang): string {
  const url = new URL(request.url, 'http://x')
  url.searchParams.set('lang', lang === 'vi' ? 'en' : 'vi')
  return `${url.pathname}${url.search}`
}

/** Whether the client asks for JSON rather than a page (a page route then answers problem+json on errors). */
export function prefersJson (request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  const json = accept.search(/application\/(problem\+)?json/)
  const html = accept.indexOf('text/html')
  return json !== -1 && (html === -1 || json < html)
}

/** Whether the client would rather have a page than JSON (a browser following a link). */
export function wantsHtml (request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  const html = accept.indexOf('text/html')
  const json = accept.indexOf('application/json')
  return html !== -1 && (json === -1 || html < json)
}

export type { Words }
