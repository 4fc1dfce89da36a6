/**
 * Counts failed authentications per client address in fixed one-minute windows.
 * @fastify/rate-limit counts every request; here only failures count, so a client with a valid
 * token is never slowed down, while one guessing tokens is refused, also on a lucky guess.
 * Memory is bounded; a flood of other addresses cannot make it forget a blocked one.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { failures: number, resetsAt: number }>()

  constructor (
    private readonly maxFailures: number,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
    private readonly maxClients = 10_000
  ) {}

  /** Seconds until the client may try again, or 0 when it is not blocked. */
  retryAfter (client: string): number {
    const window = this.windows.get(client)
    if (!window) return 0
    const now = this.now()
    if (window.resetsAt <= now) {
      this.windows.delete(client)
      return 0
    }
    return window.failures >= this.maxFailures ? Math.ceil((window.resetsAt - now) / 1000) : 0
  }

  fail (client: string): void {
    const now = this.now()
    const window = this.windows.get(client)
    if (window && window.resetsAt > now) {
      window.failures++
      return
    }
    this.windows.delete(client)
    if (this.windows.size >= this.maxClients && !this.makeRoom(now)) return
    this.windows.set(client, { failures: 1, resetsAt: now + this.windowMs })
  }

  /** What other replicas counted too (a shared counter's total): the window holds at least that many. */
  observe (client: string, total: number): void {
    const window = this.windows.get(client)
    if (window && window.resetsAt > this.now()) window.failures = Math.max(window.failures, total)
  }

  /**
   * Frees a place: expired windows first, then the oldest one that is not blocked. Blocked clients
   * are never forgotten; when every tracked client is blocked, a new one is not tracked (false).
   */
  private makeRoom (now: number): boolean {
    for (const [client, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(client)
    if (this.windows.size < this.maxClients) return true
    for (const [client, window] of this.windows) {
      if (window.failures < this.maxFailures) {
        this.windows.delete(client)
        return true
      }
    }
    return false
  }
}
