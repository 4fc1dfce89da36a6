/** Every council is in Viet Nam: the zone dates given without one are read in, and times are shown in. */
export const COUNCIL_ZONE = 'Asia/Ho_Chi_Minh'

export const COUNCIL_LEVELS = ['province', 'city', 'district', 'ward', 'commune', 'special_zone'] as const
export type CouncilLevel = typeof COUNCIL_LEVELS[number]

/** Tiers of Vietnam's local government: provinces and centrally-run cities, districts, then communes. */
const TIER: Record<CouncilLevel, number> = {
  province: 0, city: 0, district: 1, ward: 2, commune: 2, special_zone: 2
}

/** Why a council cannot sit under that parent, or undefined when it can. */
export function parentProblem (
  council: { id?: string, level: CouncilLevel },
  parent: { level: CouncilLevel },
  parentAncestry: readonly string[]
): string | undefined {
  if (council.id && parentAncestry.includes(council.id)) {
    return 'parentId would make the council its own ancestor: the hierarchy must not have cycles'
  }
  if (TIER[parent.level] >= TIER[council.level]) {
    return `a ${council.level} council cannot be placed under a ${parent.level} council`
  }
  return undefined
}

/** Administrative-level words that stay lower case mid-phrase: "HĐND phường Cát Linh" (Decree 30/2020 usage). */
const LEVEL_WORDS = /^(Phường|Xã|Quận|Huyện|Thị xã|Thị trấn|Thành phố|Tỉnh|Đặc khu)(?= )/

/** "HĐND phường Cát Linh" in Vietnamese; "People's Council of Phường Cát Linh" in English. */
export function councilTitle (name: string, lang: 'vi' | 'en'): string {
  if (lang === 'en') return `People's Council of ${name}`
  return `HĐND ${name.replace(LEVEL_WORDS, (word) => word.toLowerCase())}`
}
