import type { FastifyInstance } from 'fastify'
import { ADMIN_TOKEN } from './helper.js'
import { signInWithOidc } from '../src/services/accounts.js'
import { sessionCookieName } from '../src/plugins/auth.js'

/** What a browser keeps between a page with a form and its post: the CSRF cookie and the form's token. */
export interface FormSession { cookies: Record<string, string>, token: string }

/** Reads a page as a browser would (Accept: text/html), keeping the cookies it sets. */
export async function getPage (app: FastifyInstance, url: string, session?: FormSession) {
  const response = await app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(session ? { cookie: cookieHeader(session) } : {}) } })
  const cookies = { ...session?.cookies }
  for (const line of [response.headers['set-cookie'] ?? []].flat()) {
    const [pair] = line.split(';')
    const [name, value] = pair!.split('=')
    cookies[name!] = value!
  }
  const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? session?.token ?? ''
  return { response, session: { cookies, token } }
}

export function cookieHeader (session: FormSession): string {
  return Object.entries(session.cookies).filter(([, value]) => value !== '').map(([name, value]) => `${name}=${value}`).join('; ')
}

/** Posts a form from this site's page, as a browser does (same origin, the session's cookies and token). */
export async function postForm (app: FastifyInstance, url: string, session: FormSession, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(session), origin: 'http://localhost', 'sec-fetch-site': 'same-origin', ...headers },
    payload: new URLSearchParams({ _csrf: session.token, ...fields }).toString()
  })
}

let users = 0

/**
 * A browser signed in as a new user with one role (made through the API, signed in as the OpenID
 * provider's sign-in does, without a mailbox): its session cookie and the session's form token.
 */
export async function signedInAs (app: FastifyInstance, role: 'admin' | 'secretariat' | 'supervisor', councilId?: string): Promise<FormSession & { email: string }> {
  const email = `${role}-${++users}-${process.pid}@staff.example`
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const user = await app.inject({ method: 'POST', url: '/v1/users', headers, payload: { email, name: `Người dùng ${users}` } })
  if (user.statusCode !== 201) throw new Error(`user: ${user.body}`)
  const granted = await app.inject({ method: 'POST', url: `/v1/users/${user.json().id}/roles`, headers, payload: { role, ...(councilId ? { councilId } : {}) } })
  if (granted.statusCode !== 201) throw new Error(`role: ${granted.body}`)
  const session = await signInWithOidc({ db: app.db, now: app.now() }, email, 'test')
  const secure = app.config.PUBLIC_BASE_URL?.startsWith('https:') ?? false
  return { email, cookies: { [sessionCookieName(secure)]: session!.secret }, token: session!.csrfToken }
}
