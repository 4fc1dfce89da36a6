import type { FastifyInstance } from 'fastify'

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
