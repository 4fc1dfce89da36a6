/**
 * The domain's words, once for every place a person reads them (pages, e-mails, feeds, errors):
 * a status, an answer or a role is never shown raw, and never named two ways.
 */
export type Lang = 'vi' | 'en'

export type HearingStatus = 'draft' | 'scheduled' | 'postponed' | 'held' | 'cancelled'
export type Answer = 'pending' | 'accepted' | 'declined' | 'delegated'
export type ParticipantRole = 'explainer' | 'attendee' | 'guest'
export type MembershipRole = 'chair' | 'vice_chair' | 'standing_member' | 'delegate' | 'secretary'
export type CoverageStatus = 'covered' | 'scheduled' | 'outcome_missing' | 'uncovered' | 'not_applicable'

export interface Terms {
  status: Record<HearingStatus, string>
  answer: Record<Answer, string>
  role: Record<ParticipantRole, string>
  memberRole: Record<MembershipRole, string>
  /** A unit's state in the year's coverage. */
  coverageStatus: Record<CoverageStatus, string>
  /** Monday first (luxon's weekday 1 to 7), as a date is written. */
  weekdays: readonly string[]
  noTime: string
  yes: string
  /** How a time's zone is named after it: "giờ Hà Nội", or the zone's IANA name where it is another. */
  zoneName: (zone: string) => string
}

const HO_CHI_MINH = 'Asia/Ho_Chi_Minh'

export const TERMS: Record<Lang, Terms> = {
  vi: {
    status: { draft: 'Bản nháp', scheduled: 'Đã lên lịch', postponed: 'Đã hoãn', cancelled: 'Đã hủy', held: 'Đã tổ chức' },
    answer: { pending: 'Chưa trả lời', accepted: 'Sẽ tham dự', declined: 'Từ chối', delegated: 'Cử người dự thay' },
    role: { explainer: 'Người giải trình', attendee: 'Đại biểu dự', guest: 'Khách mời' },
    memberRole: { chair: 'Chủ tịch', vice_chair: 'Phó Chủ tịch', standing_member: 'Ủy viên Thường trực', delegate: 'Đại biểu', secretary: 'Thư ký' },
    coverageStatus: { covered: 'Đã tổ chức', scheduled: 'Đã lên lịch', outcome_missing: 'Chưa ghi kết quả', uncovered: 'Chưa tổ chức', not_applicable: 'Không áp dụng' },
    weekdays: ['thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'],
    noTime: 'Chưa có thời gian',
    yes: 'Có',
    zoneName: (zone) => zone === HO_CHI_MINH ? 'giờ Hà Nội' : zone
  },
  en: {
    status: { draft: 'Draft', scheduled: 'Scheduled', postponed: 'Postponed', cancelled: 'Cancelled', held: 'Held' },
    answer: { pending: 'No answer yet', accepted: 'Will attend', declined: 'Declined', delegated: 'Sends a substitute' },
    role: { explainer: 'Explainer', attendee: 'Attendee', guest: 'Guest' },
    memberRole: { chair: 'Chair', vice_chair: 'Vice-chair', standing_member: 'Standing member', delegate: 'Delegate', secretary: 'Secretary' },
    coverageStatus: { covered: 'Covered', scheduled: 'Scheduled', outcome_missing: 'Outcome not recorded', uncovered: 'Uncovered', not_applicable: 'Not applicable' },
    weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    noTime: 'No time set',
    yes: 'Yes',
    zoneName: (zone) => zone === HO_CHI_MINH ? 'Hà Nội time' : zone
  }
}

/** Administrative-level words that stay lower case mid-phrase: "HĐND phường Cát Linh" (Decree 30/2020 usage). */
const LEVEL_WORDS = /^(Phường|Xã|Quận|Huyện|Thị xã|Thị trấn|Thành phố|Tỉnh|Đặc khu)(?= )/

/** "HĐND phường Cát Linh" in Vietnamese; "People's Council of Phường Cát Linh" in English. */
export function councilTitle (name: string, lang: Lang): string {
  if (lang === 'en') return `People's Council of ${name}`
  return `HĐND ${name.replace(LEVEL_WORDS, (word) => word.toLowerCase())}`
}
