/**
 * Counts failed authentications per client address in fixed one-minute windows.
 * @fastify/rate-limit counts every request; here only failures count, so a client with a valid
 * token is never slowed down, while one guessing tokens is refused, also on a lucky guess.
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
    if (this.windows.size >= this.maxClients) {
      // Bounded memory under a flood of addresses: forget the oldest window.
      const oldest = this.windows.keys().next().value
      if (oldest !== undefined) this.windows.delete(oldest)
    }
    this.windows.delete(client)
    this.windows.set(client, { failures: 1, resetsAt: now + this.windowMs })
  }
}
