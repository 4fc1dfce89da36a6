import { foldForSearch } from './search.js'

/** What makes two records of people likely the same person: the same name (diacritics and case aside), address or phone number. */
export type DuplicateReason = 'name' | 'email' | 'phone'

/** A Vietnamese phone number as its digits, the country code as the trunk 0: "+84 912 345 678" and "0912.345.678" are one number. */
export function phoneKey (phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '')
  return digits.startsWith('84') && digits.length >= 11 ? `0${digits.slice(2)}` : digits
}

/**
 * For each person, the others that look like the same person, and why: the register is kept by
 * hand by several secretariats, and the same official is entered twice ("Lê Thị Mai" and "Le Thi
 * Mai", or one address under two spellings of a name). Flagged, never merged: people decide.
 */
export function possibleDuplicates<P extends { id: string, fullName: string, email: string | null, phone: string | null }> (people: P[]): Map<string, Array<{ other: P, reasons: DuplicateReason[] }>> {
  const groups = new Map<string, P[]>()
  const add = (key: string, person: P) => {
    const group = groups.get(key)
    if (group) group.push(person)
    else groups.set(key, [person])
  }
  for (const person of people) {
    add(`name:${foldForSearch(person.fullName).replace(/\s+/g, ' ').trim()}`, person)
    if (person.email) add(`email:${person.email.trim().toLowerCase()}`, person)
    if (person.phone && phoneKey(person.phone).length >= 9) add(`phone:${phoneKey(person.phone)}`, person)
  }
  const found = new Map<string, Map<string, { other: P, reasons: DuplicateReason[] }>>()
  for (const [key, group] of groups) {
    if (group.length < 2) continue
    const reason = key.slice(0, key.indexOf(':')) as DuplicateReason
    for (const person of group) {
      const mine = found.get(person.id) ?? new Map<string, { other: P, reasons: DuplicateReason[] }>()
      found.set(person.id, mine)
      for (const other of group) {
        if (other.id === person.id) continue
        const entry = mine.get(other.id) ?? { other, reasons: [] }
        entry.reasons.push(reason)
        mine.set(other.id, entry)
      }
    }
  }
  return new Map([...found].map(([id, others]) => [id, [...others.values()]]))
}
