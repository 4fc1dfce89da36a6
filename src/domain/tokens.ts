import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Secrets look like `gt_<43 base64url chars>`: 256 random bits, easy to spot in a leaked file. */
export const TOKEN_PREFIX = 'gt_'

export function generateSecret (): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

/** Secrets carry 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
export function hashSecret (secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** Compares two secrets in constant time (through their hashes, so lengths may differ). */
export function secretsEqual (a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(a), 'hex'), Buffer.from(hashSecret(b), 'hex'))
}
