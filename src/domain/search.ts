/**
 * A name as people type it to find it: without diacritics, "đ" as "d", lower case ("Lê Thị Mai" is
 * found by "le thi mai"). The database keeps each person's name folded so (people.search_name).
 */
export function foldForSearch (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase()
}
