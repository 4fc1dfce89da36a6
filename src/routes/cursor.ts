import { fail } from '../domain/errors.js'

/** Opaque page cursors: the position after which the next page starts. */
export function encodeCursor (position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url')
}

export function decodeCursor (cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined
  const position = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!position || encodeCursor(position) !== cursor) {
    throw fail('CURSOR_INVALID')
  }
  return position
}

/** Fetch one more than asked, to know whether another page follows. */
export function page<T> (rows: T[], limit: number, position: (last: T) => string) {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null }
}
