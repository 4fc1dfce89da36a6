/** An ASCII slug from a Vietnamese name: "Ô Chợ Dừa" → "o-cho-dua". */
export function slugify (name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}
