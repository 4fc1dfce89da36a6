import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/**
 * Secrets the service must be able to read again (webhook signing secrets, an answer replayed under
 * an Idempotency-Key that holds a shown-once secret) are kept sealed: AES-256-GCM under a key from
 * the environment (SECRET_KEY), never in clear. A sealed value names itself, so a value kept in
 * clear by an older version is still read (and sealed at its next change).
 */
export const SEALED = 'sealed:v1:'

export interface Sealing {
  seal (plain: string): string
  /** The plain value; throws when no key given can open it. */
  unseal (value: string): string
}

/** The AES key from SECRET_KEY's text (at least 32 characters, e.g. `openssl rand -base64 32`). */
function keyOf (text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

export function isSealed (value: string): boolean {
  return value.startsWith(SEALED)
}

/** Seals with the current key; opens with it or the previous one (a key rotation: set SECRET_KEY_PREVIOUS to the old one). */
export function sealing (current: string, previous?: string): Sealing {
  const key = keyOf(current)
  const keys = [key, ...(previous ? [keyOf(previous)] : [])]
  return {
    seal (plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `${SEALED}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
    },
    unseal (value) {
      if (!isSealed(value)) return value
      const raw = Buffer.from(value.slice(SEALED.length), 'base64')
      const [iv, tag, body] = [raw.subarray(0, 12), raw.subarray(12, 28), raw.subarray(28)]
      for (const candidate of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', candidate, iv)
          decipher.setAuthTag(tag)
          return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
        } catch { /* the next key */ }
      }
      throw new Error('a sealed secret cannot be opened with SECRET_KEY (or SECRET_KEY_PREVIOUS): was the key changed without keeping the old one?')
    }
  }
}
