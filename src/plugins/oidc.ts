import fp from 'fastify-plugin'
import * as client from 'openid-client'
import { fail } from '../domain/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Single sign-on with the province's OpenID provider (OIDC_ISSUER); undefined when none is set. */
    oidc: Oidc | undefined
  }
}

export interface Oidc {
  /** Where to send the browser, and the flow's state to keep in a sealed cookie until it comes back. */
  start (next: string, lang: string): Promise<{ url: string, flow: string }>
  /** The e-mail address the provider vouches for, from the callback's URL and the kept flow: or a refusal. */
  finish (callbackUrl: string, flow: string | undefined): Promise<{ email: string, next: string, lang: string }>
}

/** How long the browser has to come back from the provider. */
const FLOW_MINUTES = 10
export const OIDC_FLOW_COOKIE = 'gt_oidc'

interface Flow { state: string, nonce: string, verifier: string, next: string, lang: string, until: number }

/**
 * OpenID Connect sign-in (openid-client): the authorization code flow with PKCE (S256), state and
 * nonce, against the issuer's discovered configuration. The flow's secrets travel in a cookie
 * sealed with SECRET_KEY (so any replica can finish it); the ID token's OIDC_EMAIL_CLAIM names the
 * user, who must already exist.
 */
export default fp(async (app) => {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret, OIDC_EMAIL_CLAIM: claim } = app.config
  if (!issuer) {
    app.decorate('oidc', undefined)
    return
  }
  const sealing = app.sealing
  if (!clientId || !sealing) throw new Error('OIDC_ISSUER needs OIDC_CLIENT_ID and SECRET_KEY (which seals the sign-in flow\'s state): see README.md, "Configuration"')
  let discovered: Promise<client.Configuration> | undefined
  const configuration = () => {
    // Discovered once, on first use (a provider down at start does not stop the service); a failure is tried again.
    discovered ??= client.discovery(new URL(issuer), clientId, clientSecret, undefined, issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined)
    discovered.catch(() => { discovered = undefined })
    return discovered
  }
  const redirectUri = () => `${app.publicBaseUrl()}/signin/oidc/callback`

  app.decorate('oidc', {
    async start (next, lang) {
      const config = await configuration().catch((error: unknown) => {
        app.log.warn({ err: error }, 'the OpenID provider could not be reached')
        throw fail('OIDC_FAILED')
      })
      const verifier = client.randomPKCECodeVerifier()
      const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier, next, lang, until: app.now().getTime() + FLOW_MINUTES * 60_000 }
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(),
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce
      })
      return { url: url.href, flow: sealing.seal(JSON.stringify(flow)) }
    },
    async finish (callbackUrl, sealed) {
      let flow: Flow
      try {
        flow = JSON.parse(sealing.unseal(sealed ?? '')) as Flow
      } catch {
        throw fail('OIDC_FAILED')
      }
      if (!flow.state || flow.until < app.now().getTime()) throw fail('OIDC_FAILED')
      let email: unknown
      try {
        const config = await configuration()
        const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
          pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true
        })
        const claims = tokens.claims()!
        // Providers put the e-mail in the ID token, or only in the userinfo answer (for the same subject).
        email = claims[claim] ?? (await client.fetchUserInfo(config, tokens.access_token, claims.sub))[claim]
      } catch (error) {
        app.log.warn({ err: error }, 'OpenID sign-in refused')
        throw fail('OIDC_FAILED')
      }
      if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) throw fail('OIDC_FAILED')
      return { email: email.toLowerCase(), next: flow.next, lang: flow.lang }
    }
  })
}, { name: 'oidc', dependencies: ['secrets'] })
