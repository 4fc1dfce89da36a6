import { COUNCIL_ZONE } from '../domain/councils.js'
import { DateTime } from 'luxon'
import type { HearingOutcome } from '../db/schema.js'
import { DONG_DA_WARDS } from './dong-da.js'

/**
 * Đống Đa's 2019 as the district reported it in January 2020: the district council held 2 hearings,
 * every one of the 21 ward councils held at least one, several held 2. Topics and dates are
 * illustrative (the report gives counts, not agendas); each description says so.
 */
export const ILLUSTRATIVE = 'Dữ liệu minh họa (illustrative demo data).'

const TOPICS = [
  'công tác quản lý trật tự xây dựng trên địa bàn',
  'việc giải quyết đơn thư, kiến nghị của cử tri',
  'công tác vệ sinh môi trường và thu gom rác thải',
  'quản lý lòng đường, hè phố',
  'công tác phòng cháy, chữa cháy tại khu dân cư',
  'thực hiện thủ tục hành chính một cửa',
  'quản lý chợ dân sinh và an toàn thực phẩm'
] as const

export interface DemoHearing {
  key: string
  council: 'district' | typeof DONG_DA_WARDS[number]
  title: string
  status: 'draft' | 'scheduled' | 'postponed' | 'held' | 'cancelled'
  startsAt: Date | null
  endsAt: Date | null
  outcome: HearingOutcome | null
  explainerKey?: string
}

/** The first Thursday of a month at a local hour, in Hà Nội. */
function thursday (year: number, month: number, hour: number, weekOffset = 0): { startsAt: Date, endsAt: Date } {
  let day = DateTime.fromObject({ year, month, day: 1, hour }, { zone: COUNCIL_ZONE })
  while (day.weekday !== 4) day = day.plus({ days: 1 })
  day = day.plus({ weeks: weekOffset })
  return { startsAt: day.toJSDate(), endsAt: day.plus({ hours: 2, minutes: 30 }).toJSDate() }
}

function held (summary: string, delegatesPresent: number): HearingOutcome {
  return { summary, delegatesPresent, conclusionText: `Thông báo kết luận: ${summary}`, conclusionIssuedOn: null }
}

export function demoHearings (): DemoHearing[] {
  const hearings: DemoHearing[] = [
    {
      key: '2019-district-1',
      council: 'district',
      title: 'Phiên giải trình về công tác quản lý trật tự xây dựng',
      status: 'held',
      ...thursday(2019, 5, 8),
      outcome: held('UBND quận giải trình về quản lý trật tự xây dựng; Thường trực HĐND quận kết luận và giao nhiệm vụ.', 31),
      explainerKey: 'urban-head'
    },
    {
      key: '2019-district-2',
      council: 'district',
      title: 'Phiên giải trình về việc giải quyết kiến nghị của cử tri',
      status: 'held',
      ...thursday(2019, 10, 8),
      outcome: held('Phó Chủ tịch UBND quận giải trình về tiến độ giải quyết kiến nghị cử tri.', 29),
      explainerKey: 'ubnd-vice-chair'
    }
  ]
  DONG_DA_WARDS.forEach((ward, i) => {
    const topic = TOPICS[i % TOPICS.length]!
    hearings.push({
      key: `2019-${i}-1`,
      council: ward,
      title: `Phiên giải trình về ${topic}`,
      status: 'held',
      ...thursday(2019, 3 + (i % 8), i % 2 ? 14 : 8),
      outcome: held(`UBND phường ${ward} giải trình về ${topic}.`, 15 + (i % 10))
    })
    // Several wards held 2 (the report says "nhiều phường"): here every third ward.
    if (i % 3 === 0) {
      const second = TOPICS[(i + 3) % TOPICS.length]!
      hearings.push({
        key: `2019-${i}-2`,
        council: ward,
        title: `Phiên giải trình về ${second}`,
        status: 'held',
        ...thursday(2019, 11, i % 2 ? 14 : 8),
        outcome: held(`UBND phường ${ward} giải trình về ${second}.`, 14 + (i % 9))
      })
    }
  })
  // 2020: a few hearings in each state.
  const states: Array<[DemoHearing['status'], typeof DONG_DA_WARDS[number], number]> = [
    ['held', 'Cát Linh', 3], ['scheduled', 'Văn Miếu', 11], ['draft', 'Kim Liên', 12],
    ['postponed', 'Láng Hạ', 4], ['cancelled', 'Nam Đồng', 4]
  ]
  for (const [status, ward, month] of states) {
    const topic = TOPICS[month % TOPICS.length]!
    const times = status === 'postponed' ? { startsAt: null, endsAt: null } : thursday(2020, month, 8)
    hearings.push({
      key: `2020-${ward}`,
      council: ward,
      title: `Phiên giải trình về ${topic}`,
      status,
      ...times,
      outcome: status === 'held' ? held(`UBND phường ${ward} giải trình về ${topic}.`, 18) : null,
      ...(ward === 'Văn Miếu' ? { explainerKey: 'van-mieu-ubnd' } : {})
    })
  }
  return hearings
}
