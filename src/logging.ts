import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

const SECRET_IN_PATH = /(\/invitations\/|\/feeds\/people\/|\/signin\/|\/commitments\/|\/commitment-links\/)[^/?#]+/gi

/**
 * Secrets travel in some URLs (invitation links, personal feeds, sign-in links, commitments' links): they never reach the log, however
 * the URL is spelled. The router decodes %-escapes (`/v1/%69nvitations/…`), and a 404 for another
 * casing (`/v1/Invitations/…`) is logged too: so the URL is decoded first and matched in any case.
 */
export function redactUrl (url: string): string {
  let decoded = url
  try {
    decoded = decodeURIComponent(url)
  } catch { /* a broken %-escape: redact the raw form */ }
  return decoded.replace(SECRET_IN_PATH, '$1[redacted]')
}

/**
 * Request logging. Calendar apps poll every feed every hour or so, thousands of them: a feed served
 * (200 or 304) is logged at debug, as one line. A feed request that failed (a dead link, too many
 * guesses, an error) is logged at info or above, with its (redacted) URL. Everything else is logged
 * as Fastify does: "incoming request" and "request completed" at info.
 */
export class RequestLogs extends LogController {
  private static isFeed (request: FastifyRequest): boolean {
    return request.url.startsWith('/feeds/')
  }

  override incomingRequest (request: FastifyRequest, reply: FastifyReply): void {
    if (!RequestLogs.isFeed(request)) super.incomingRequest(request, reply)
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!RequestLogs.isFeed(request)) return super.requestCompleted(error, request, reply)
    const line = { req: request, res: reply, responseTime: reply.elapsedTime }
    if (error) reply.log.error({ ...line, err: error }, 'feed request errored')
    else if (reply.statusCode >= 400) reply.log.info(line, 'feed request refused')
    else reply.log.debug(line, 'feed served')
  }
}
