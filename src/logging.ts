import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/** Secrets travel in some URLs (invitation links, personal feeds): they never reach the log. */
export function redactUrl (url: string): string {
  return url.replace(/(\/v1\/invitations\/|\/feeds\/people\/)[^/?#]+/g, '$1[redacted]')
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
