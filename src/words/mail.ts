import type { DateTime } from 'luxon'
import { councilTitle } from './terms.js'
import { TERMS } from './terms.js'

/**
 * A subject about a hearing: "Thư mời dự phiên giải trình: Phiên về quản lý chợ", or, when the title
 * already says what it is, "Thư mời dự phiên giải trình về trật tự đô thị" (not "… phiên giải trình:
 * Phiên giải trình về …").
 */
function about (prefix: string, title: string): string {
  const said = /^phiên giải trình(?=\s|$)/iu.exec(title)
  return said ? `${prefix}${title.slice(said[0].length)}` : `${prefix}: ${title}`
}

/** What the e-mails say, in the recipient's language. */
export const MAIL = {
  vi: {
    subject: {
      invitation: (title: string) => about('Thư mời dự phiên giải trình', title),
      update: (title: string) => about('Thay đổi phiên giải trình', title),
      postponement: (title: string) => about('Hoãn phiên giải trình', title),
      cancellation: (title: string) => about('Hủy phiên giải trình', title),
      removal: (title: string) => about('Rút thư mời dự phiên giải trình', title),
      reminder: (title: string) => about('Nhắc lịch phiên giải trình', title)
    },
    greeting: (name: string) => `Kính gửi Ông/Bà ${name},`,
    lead: {
      invitation: (council: string) => `Thường trực ${councilTitle(council, 'vi')} trân trọng mời Ông/Bà dự phiên giải trình:`,
      update: (council: string) => `Thường trực ${councilTitle(council, 'vi')} thông báo thay đổi phiên giải trình. Xin Ông/Bà xác nhận lại việc tham dự:`,
      postponement: (council: string) => `Thường trực ${councilTitle(council, 'vi')} thông báo hoãn phiên giải trình; thời gian mới sẽ được thông báo sau:`,
      cancellation: (council: string) => `Thường trực ${councilTitle(council, 'vi')} thông báo hủy phiên giải trình:`,
      removal: (council: string) => `Thường trực ${councilTitle(council, 'vi')} thông báo Ông/Bà không còn trong danh sách mời dự phiên giải trình:`,
      reminder: (council: string) => `Thường trực ${councilTitle(council, 'vi')} xin nhắc Ông/Bà phiên giải trình sắp diễn ra:`
    },
    title: 'Phiên',
    topic: 'Nội dung',
    when: 'Thời gian',
    previously: 'Thời gian cũ (đã thay đổi)',
    where: 'Địa điểm',
    role: 'Vai trò',
    reason: 'Lý do',
    answer: 'Trả lời thư mời (nhận lời, từ chối hoặc cử người dự thay)',
    roles: TERMS.vi.role,
    footer: 'Thư này được gửi tự động từ hệ thống giaitrinh; tệp lịch đính kèm cập nhật lịch của Ông/Bà.',
    footerWithoutCalendar: 'Thư này được gửi tự động từ hệ thống giaitrinh.',
    date: (start: DateTime, end: DateTime, zone: string) => `${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}, ${TERMS.vi.weekdays[start.weekday - 1]}, ngày ${start.toFormat('dd/MM/yyyy')} (${TERMS.vi.zoneName(zone)})`
  },
  en: {
    subject: {
      invitation: (title: string) => `Invitation to an accountability hearing: ${title}`,
      update: (title: string) => `Accountability hearing changed: ${title}`,
      postponement: (title: string) => `Accountability hearing postponed: ${title}`,
      cancellation: (title: string) => `Accountability hearing cancelled: ${title}`,
      removal: (title: string) => `Invitation withdrawn: ${title}`,
      reminder: (title: string) => `Reminder: accountability hearing ${title}`
    },
    greeting: (name: string) => `Dear ${name},`,
    lead: {
      invitation: (council: string) => `The Standing Committee of the People's Council of ${council} invites you to an accountability hearing:`,
      update: (council: string) => `The Standing Committee of the People's Council of ${council} has changed this hearing. Please confirm again whether you attend:`,
      postponement: (council: string) => `The Standing Committee of the People's Council of ${council} has postponed this hearing; a new time will be announced:`,
      cancellation: (council: string) => `The Standing Committee of the People's Council of ${council} has cancelled this hearing:`,
      removal: (council: string) => `The Standing Committee of the People's Council of ${council} has withdrawn your invitation to this hearing:`,
      reminder: (council: string) => `The Standing Committee of the People's Council of ${council} reminds you of this coming hearing:`
    },
    title: 'Hearing',
    topic: 'Topic',
    when: 'When',
    previously: 'Previously (changed)',
    where: 'Where',
    role: 'Your role',
    reason: 'Reason',
    answer: 'Answer the invitation (accept, decline or send a substitute)',
    roles: TERMS.en.role,
    footer: 'Sent automatically by giaitrinh; the attached calendar file updates your calendar.',
    footerWithoutCalendar: 'Sent automatically by giaitrinh.',
    date: (start: DateTime, end: DateTime, zone: string) => `${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')} on ${start.toFormat('cccc d LLLL yyyy', { locale: 'en' })} (${TERMS.en.zoneName(zone)})`
  }
} as const

/** Subjects of the notices to a council's secretariat (in Vietnamese: the office's own language). */
export const SECRETARIAT_SUBJECT = {
  answer: (title: string, name: string, declined: boolean) => `${declined ? 'Từ chối' : 'Cử người dự thay'}: ${name} — ${title}`,
  outcome_overdue: (title: string) => about('Chưa ghi kết quả phiên giải trình', title),
  conclusion_overdue: (title: string) => about('Chưa có thông báo kết luận phiên giải trình', title)
}

/** What a notice to a council's secretariat says (in Vietnamese: the office's own language). */
export const SECRETARIAT_MAIL = {
  greeting: (council: string) => `Kính gửi Thường trực ${councilTitle(council, 'vi')},`,
  declined: (name: string, role: string, reason: string | null | undefined) => `${name} (${role}) đã từ chối thư mời dự phiên giải trình.${reason ? ` Lý do: ${reason}` : ''}`,
  delegated: (name: string, role: string, substitute: string | null, position: string | null) => `${name} (${role}) cử người dự thay: ${substitute}, ${position}.`,
  outcomeOverdue: 'Phiên giải trình đã kết thúc nhưng chưa được ghi kết quả. Xin ghi kết quả (hoặc hoãn, hủy) để số liệu giám sát được đầy đủ.',
  conclusionOverdue: 'Phiên giải trình đã diễn ra nhưng chưa ghi ngày ban hành thông báo kết luận. Xin ban hành và ghi lại thông báo kết luận.',
  footer: 'Thư này được gửi tự động từ hệ thống giaitrinh.',
  to: (council: string) => `Thường trực ${councilTitle(council, 'vi')}`
}

/** The sign-in e-mail: a one-time link, in the user's language. */
export const SIGN_IN_MAIL = {
  vi: {
    subject: 'Đường dẫn đăng nhập hệ thống phiên giải trình HĐND',
    text: (name: string, url: string, minutes: number) => [
      `Kính gửi Ông/Bà ${name},`,
      '',
      'Ông/Bà (hoặc ai đó dùng địa chỉ thư này) vừa yêu cầu đăng nhập hệ thống phiên giải trình HĐND. Mở đường dẫn dưới đây để đăng nhập:',
      '',
      url,
      '',
      `Đường dẫn dùng được một lần, trong ${minutes} phút. Nếu Ông/Bà không yêu cầu, xin bỏ qua thư này: không ai đăng nhập được nếu không mở đường dẫn.`,
      '',
      '—',
      'Thư này được gửi tự động từ hệ thống giaitrinh.'
    ].join('\n')
  },
  en: {
    subject: 'Your sign-in link to the People\'s Council hearings service',
    text: (name: string, url: string, minutes: number) => [
      `Dear ${name},`,
      '',
      'You (or someone using this address) asked to sign in to the People\'s Council hearings service. Open this link to sign in:',
      '',
      url,
      '',
      `The link works once, for ${minutes} minutes. If you did not ask for it, ignore this e-mail: nobody signs in without opening the link.`,
      '',
      '—',
      'Sent automatically by giaitrinh.'
    ].join('\n')
  }
}
