import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { findIdempotencyKey, pruneIdempotencyKeys, storeIdempotentResponse } from '../db/queries/idempotency.js'
import { fail } from '../domain/errors.js'
import { isSealed } from '../domain/sealing.js'
import type { WriteContext } from '../services/write.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key of this write, when the client sent one and it is new. */
    idempotency: WriteContext['idempotency']
  }
}

const KEY = /^[\x21-\x7e]{1,200}$/
/** How long a key is remembered: a client retries within minutes; a day leaves room for a long outage. */
const KEPT_MS = 24 * 3_600_000
const REPLAYED_HEADERS = ['location', 'etag', 'cache-control', 'content-type']

/**
 * Idempotency-Key on POST (the IETF httpapi draft): a client that did not get an answer (a dropped
 * connection, a 503) sends the same request with the same key, and the write is applied once. The
 * key is stored in the write's transaction (services/write.ts); here the retry is recognised and
 * answered with the first answer, or, when that answer was lost too, with a 409 naming the result.
 */
export default fp(async (app) => {
  app.decorateRequest('idempotency', undefined)
  /** A kept answer as it was sent; undefined when it is sealed by a key the service no longer has. */
  const openResponse = (kept: string): string | undefined => {
    if (!isSealed(kept)) return kept
    try {
      return app.sealing?.unseal(kept)
    } catch {
      return undefined
    }
  }
  let prunedHour = 0

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key']
    if (request.method !== 'POST' || key === undefined || !request.principal) return
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw fail('IDEMPOTENCY_KEY_INVALID')
    }
    const scope = request.principal.tokenId ?? request.principal.label
    const requestHash = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex')
    const previous = await findIdempotencyKey(app.db, scope, key)
    if (!previous) {
      request.idempotency = { scope, key, requestHash }
      return
    }
    if (previous.requestHash !== requestHash) {
      throw fail('IDEMPOTENCY_KEY_REUSED', { key })
    }
    const response = previous.status !== null && previous.response !== null ? openResponse(previous.response) : undefined
    if (previous.status !== null && response !== undefined) {
      for (const [name, value] of Object.entries(previous.headers ?? {})) reply.header(name, value)
      return reply.code(previous.status).header('idempotent-replayed', 'true').send(response)
    }
    throw fail('IDEMPOTENCY_ALREADY_APPLIED', { key, result: previous.entity ? `${previous.entity} ${previous.entityId}` : '' },
      { entity: previous.entity, entityId: previous.entityId })
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const idempotency = request.idempotency
    if (!idempotency || reply.statusCode >= 300 || typeof payload !== 'string') return payload
    // An answer with a shown-once secret (a token, a link, a signing secret) is kept sealed, or,
    // without SECRET_KEY, not at all: a retry is then answered 409, naming what was made.
    const shownOnce = (request.routeOptions.config as { shownOnce?: boolean } | undefined)?.shownOnce === true
    if (shownOnce && !app.sealing) return payload
    const headers: Record<string, string> = {}
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    try {
      await storeIdempotentResponse(app.db, idempotency.scope, idempotency.key, { status: reply.statusCode, body: shownOnce ? app.sealing!.seal(payload) : payload, headers })
      const hour = Math.floor(app.now().getTime() / 3_600_000)
      if (hour !== prunedHour) {
        prunedHour = hour
        await pruneIdempotencyKeys(app.db, new Date(app.now().getTime() - KEPT_MS))
      }
    } catch (error) {
      // The write is committed and its key stored; only the replay of this answer is lost (a retry gets a 409 naming the result).
      request.log.warn({ err: error }, 'could not keep the answer of an idempotent request')
    }
    return payload
  })
}, { name: 'idempotency', dependencies: ['database', 'auth', 'secrets'] })
