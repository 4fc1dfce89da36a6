import t, { type Test } from 'tap'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { admin, build, call } from './helper.js'
import { getPage } from './pages-helper.js'

// Issue "Staff accounts and the office's desk": single sign-on with a province's OpenID provider,
// against a real one (oidc-provider) run in this process on loopback: the code flow with PKCE,
// state and nonce checked, an address no user has refused.

const ACCOUNTS: Record<string, string> = { 'staff-1': 'Hoa.Nguyen@HaNoi.example', stranger: 'stranger@hanoi.example' }

async function startProvider (t: Test, redirectUri: string) {
  let server: Server | undefined
  const listening = await new Promise<number>((resolve) => {
    server = createServer()
    server.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port))
  })
  const issuer = `http://127.0.0.1:${listening}`
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'giaitrinh', client_secret: 'a-client-secret-for-tests', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    async findAccount (_ctx, sub) {
      return { accountId: sub, async claims () { return { sub, email: ACCOUNTS[sub], email_verified: true } } }
    },
    claims: { email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    cookies: { keys: ['a-cookie-key-for-tests'] }
  })
  server!.on('request', provider.callback())
  t.teardown(() => new Promise<void>((resolve) => server!.close(() => resolve())))
  return { issuer, provider }
}

/** A browser's cookie jar for the provider's site, and a GET or POST that follows nothing. */
function providerBrowser () {
  const jar = new Map<string, string>()
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const index = pair!.indexOf('=')
      jar.set(pair!.slice(0, index), pair!.slice(index + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  return {
    async get (url: string) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } })
      remember(response)
      return response
    },
    async post (url: string, form: Record<string, string>) {
      const response = await fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })
      remember(response)
      return response
    }
  }
}

/** Signs in at the provider as `sub`, consents, and returns the URL the provider sends the browser back to. */
async function atProvider (authorizationUrl: string, sub: string): Promise<string> {
  const browser = providerBrowser()
  let response = await browser.get(authorizationUrl)
  let location = new URL(response.headers.get('location')!, authorizationUrl).href
  for (let step = 0; step < 10; step++) {
    if (location.startsWith('https://giaitrinh.test/')) return location
    if (/\/interaction\/[^/]+$/.test(new URL(location).pathname)) {
      const page = await (await browser.get(location)).text()
      const prompt = /name="prompt" value="(\w+)"/.exec(page)![1]!
      response = await browser.post(location, prompt === 'login' ? { prompt, login: sub, password: 'x' } : { prompt })
    } else {
      response = await browser.get(location)
    }
    location = new URL(response.headers.get('location')!, location).href
  }
  throw new Error(`the provider never sent the browser back (last: ${location})`)
}

t.test('OpenID Connect against a real provider: code flow with PKCE, state and nonce; the user by e-mail; an unknown address refused; a replayed or forged callback refused', async (t) => {
  const { issuer } = await startProvider(t, 'https://giaitrinh.test/signin/oidc/callback')
  const { app } = await build(t, { config: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'giaitrinh', OIDC_CLIENT_SECRET: 'a-client-secret-for-tests' } })
  const user = await call(app, { method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'hoa.nguyen@hanoi.example', name: 'Nguyễn Thị Hoa' } })
  await call(app, { method: 'POST', url: `/v1/users/${user.body.id}/roles`, headers: admin, payload: { role: 'admin' } })

  const signInPage = await getPage(app, '/signin?next=%2Fconsole')
  t.match(signInPage.response.body, /Đăng nhập bằng tài khoản của cơ quan/, 'the sign-in page offers the organisation\'s account')
  const start = async () => {
    const response = await app.inject({ url: '/signin/oidc?next=%2Fconsole', headers: { accept: 'text/html' } })
    t.equal(response.statusCode, 303)
    const url = new URL(response.headers.location as string)
    const flow = /gt_oidc=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!
    return { url, flow }
  }
  const { url, flow } = await start()
  t.equal(url.origin, issuer, 'sent to the provider')
  t.equal(url.searchParams.get('code_challenge_method'), 'S256', 'with PKCE')
  t.ok(url.searchParams.get('state') && url.searchParams.get('nonce'), 'a state and a nonce')
  t.notMatch(flow, /state|nonce|verifier/, 'the flow\'s secrets are sealed in their cookie')

  const back = new URL(await atProvider(url.href, 'staff-1'))
  const callback = await app.inject({ url: `${back.pathname}${back.search}`, headers: { accept: 'text/html', cookie: `gt_oidc=${flow}` } })
  t.equal(callback.statusCode, 303, 'signed in')
  t.equal(callback.headers.location, '/console')
  const session = /(__Host-gt_session=gs_[A-Za-z0-9_-]+)/.exec(String(callback.headers['set-cookie']))![1]!
  t.equal((await app.inject({ url: '/console', headers: { accept: 'text/html', cookie: session } })).statusCode, 200, 'the session opens the console')
  const audit = await call(app, { url: `/v1/audit?entity=user&entityId=${user.body.id}`, headers: admin })
  t.match(audit.body.items[0], { action: 'sign_in', after: { method: 'oidc' } })

  const replay = await app.inject({ url: `${back.pathname}${back.search}`, headers: { accept: 'text/html', cookie: `gt_oidc=${flow}` } })
  t.equal(replay.statusCode, 400, 'the same code twice is refused')
  const other = await start()
  const wrongState = new URL(await atProvider(other.url.href, 'staff-1'))
  wrongState.searchParams.set('state', 'forged')
  t.equal((await app.inject({ url: `${wrongState.pathname}${wrongState.search}`, headers: { accept: 'text/html', cookie: `gt_oidc=${other.flow}` } })).statusCode, 400, 'a state that is not the flow\'s is refused')
  const third = await start()
  const noCookie = new URL(await atProvider(third.url.href, 'staff-1'))
  t.equal((await app.inject({ url: `${noCookie.pathname}${noCookie.search}`, headers: { accept: 'text/html' } })).statusCode, 400, 'a callback without the flow\'s cookie (another browser) is refused')

  const stranger = await start()
  const strangerBack = new URL(await atProvider(stranger.url.href, 'stranger'))
  const refused = await app.inject({ url: `${strangerBack.pathname}${strangerBack.search}`, headers: { accept: 'text/html', cookie: `gt_oidc=${stranger.flow}` } })
  t.equal(refused.statusCode, 403, 'an address no user has is refused')
  t.match(refused.body, /Chưa có người dùng nào của hệ thống với địa chỉ stranger@hanoi\.example/)
  t.notMatch(String(refused.headers['set-cookie'] ?? ''), /gt_session=gs_/, 'and signed in as nobody')
})

t.test('without OIDC_ISSUER there is no organisation sign-in; with it, SECRET_KEY and a client id are required', async (t) => {
  const { app } = await build(t)
  t.notMatch((await getPage(app, '/signin')).response.body, /tài khoản của cơ quan/)
  t.equal((await app.inject({ url: '/signin/oidc', headers: { accept: 'text/html' } })).statusCode, 404)
  await t.rejects(build(t, { config: { OIDC_ISSUER: 'https://sso.example', SECRET_KEY: '' } }), /OIDC_ISSUER needs OIDC_CLIENT_ID and SECRET_KEY/)
})
