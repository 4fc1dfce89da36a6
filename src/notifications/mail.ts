import { DateTime } from 'luxon'
import type { FeedEvent } from '../feeds/ical.js'
import { renderItip, type FeedOptions } from '../feeds/ical.js'
import type { NoticeKind } from './plan.js'
import { councilTitle } from '../domain/councils.js'

type Lang = 'vi' | 'en'

const TEXT = {
  vi: {
    subject: {
      invitation: (title: string) => `Thư mời dự phiên giải trình: ${title}`,
      update: (title: string) => `Thay đổi phiên giải trình: ${title}`,
      postponement: (title: string) => `Hoãn phiên giải trình: ${title}`,
      cancellation: (title: string) => `Hủy phiên giải trình: ${title}`,
      removal: (title: string) => `Rút thư mời dự phiên giải trình: ${title}`,
      reminder: (title: string) => `Nhắc lịch phiên giải trình: ${title}`
    },
    greeting: (name: string) => `Kính gửi ${name},`,
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
    where: 'Địa điểm',
    role: 'Vai trò',
    reason: 'Lý do',
    answer: 'Trả lời thư mời (nhận lời, từ chối hoặc cử người dự thay)',
    roles: { explainer: 'Người giải trình', attendee: 'Đại biểu dự', guest: 'Khách mời' },
    footer: 'Thư này được gửi tự động từ hệ thống giaitrinh; tệp lịch đính kèm cập nhật lịch của Ông/Bà.',
    date: (start: DateTime, end: DateTime) => `${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')} ngày ${start.toFormat('dd/MM/yyyy')} (giờ Hà Nội)`
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
    where: 'Where',
    role: 'Your role',
    reason: 'Reason',
    answer: 'Answer the invitation (accept, decline or send a substitute)',
    roles: { explainer: 'Explainer', attendee: 'Attendee', guest: 'Guest' },
    footer: 'Sent automatically by giaitrinh; the attached calendar file updates your calendar.',
    date: (start: DateTime, end: DateTime) => `${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')} on ${start.toFormat('d LLLL yyyy', { locale: 'en' })} (Hà Nội time)`
  }
} as const

/** The notices to people (those to the secretariat are composed by composeSecretariatEmail). */
export type PersonNoticeKind = Exclude<NoticeKind, 'answer' | 'outcome_overdue' | 'conclusion_overdue'>

export interface Notice {
  kind: PersonNoticeKind
  lang: Lang
  /** The feed's event of the hearing, with the recipient as its one attendee. */
  event: FeedEvent
  recipient: { fullName: string, email: string }
  role: 'explainer' | 'attendee' | 'guest' | null
  /** The answer link, for invitations and changes. */
  answerUrl: string | null
}

export interface Email {
  to: { name: string, address: string }
  subject: string
  text: string
  /** nodemailer's calendar part: a text/calendar alternative with its METHOD (none in a reminder: the invitation placed the event). */
  icalEvent?: { method: 'REQUEST' | 'CANCEL', filename: string, content: string }
}

/** The e-mail for one notice, in the person's language, with its iTIP calendar part. */
export function composeEmail (notice: Notice, options: FeedOptions): Email {
  const t = TEXT[notice.lang]
  const { event } = notice
  const zone = event.council.timezone
  const lines = [
    t.greeting(notice.recipient.fullName),
    '',
    t.lead[notice.kind](event.council.name),
    '',
    `${t.title}: ${event.title}`,
    ...(event.description ? [`${t.topic}: ${event.description}`] : []),
    `${t.when}: ${t.date(DateTime.fromJSDate(event.startsAt, { zone }), DateTime.fromJSDate(event.endsAt, { zone }))}`
  ]
  if (event.location) lines.push(`${t.where}: ${event.location}`)
  if (notice.role) lines.push(`${t.role}: ${t.roles[notice.role]}`)
  if (event.reason && (notice.kind === 'cancellation' || notice.kind === 'postponement')) lines.push(`${t.reason}: ${event.reason}`)
  if (notice.answerUrl) lines.push('', `${t.answer}:`, notice.answerUrl)
  lines.push('', '—', t.footer)
  const method = notice.kind === 'cancellation' || notice.kind === 'removal' ? 'CANCEL' : 'REQUEST'
  const itipEvent: FeedEvent = method === 'CANCEL' ? { ...event, status: 'cancelled' } : event
  return {
    to: { name: notice.recipient.fullName, address: notice.recipient.email },
    subject: t.subject[notice.kind](event.title),
    text: lines.join('\n'),
    ...(notice.kind === 'reminder' ? {} : { icalEvent: { method, filename: 'invite.ics', content: renderItip(itipEvent, { ...options, lang: notice.lang }, method) } })
  }
}

/** A notice to the council's secretariat, in Vietnamese: an answer to note, or a record overdue. */
export interface SecretariatNotice {
  kind: 'answer' | 'outcome_overdue' | 'conclusion_overdue'
  event: FeedEvent
  to: string
  /** The answer told of. */
  answer?: { fullName: string, role: 'explainer' | 'attendee' | 'guest', response: string, substituteName: string | null, substitutePosition: string | null, reason?: string | null } | undefined
  /** Where the secretariat acts (the hearing in the API). */
  hearingUrl: string
}

const SECRETARIAT = {
  answer: (title: string, name: string, declined: boolean) => `${declined ? 'Từ chối' : 'Cử người dự thay'}: ${name} — ${title}`,
  outcome_overdue: (title: string) => `Chưa ghi kết quả phiên giải trình: ${title}`,
  conclusion_overdue: (title: string) => `Chưa có thông báo kết luận phiên giải trình: ${title}`
}

export function composeSecretariatEmail (notice: SecretariatNotice): Email {
  const t = TEXT.vi
  const { event } = notice
  const zone = event.council.timezone
  const when = t.date(DateTime.fromJSDate(event.startsAt, { zone }), DateTime.fromJSDate(event.endsAt, { zone }))
  const lines = [`Kính gửi Thường trực ${councilTitle(event.council.name, 'vi')},`, '']
  let subject: string
  if (notice.kind === 'answer') {
    const a = notice.answer!
    const declined = a.response === 'declined'
    subject = SECRETARIAT.answer(event.title, a.fullName, declined)
    lines.push(declined
      ? `${a.fullName} (${t.roles[a.role]}) đã từ chối thư mời dự phiên giải trình.${a.reason ? ` Lý do: ${a.reason}` : ''}`
      : `${a.fullName} (${t.roles[a.role]}) cử người dự thay: ${a.substituteName}, ${a.substitutePosition}.`)
  } else if (notice.kind === 'outcome_overdue') {
    subject = SECRETARIAT.outcome_overdue(event.title)
    lines.push('Phiên giải trình đã kết thúc nhưng chưa được ghi kết quả. Xin ghi kết quả (hoặc hoãn, hủy) để số liệu giám sát được đầy đủ.')
  } else {
    subject = SECRETARIAT.conclusion_overdue(event.title)
    lines.push('Phiên giải trình đã diễn ra nhưng chưa ghi ngày ban hành thông báo kết luận. Xin ban hành và ghi lại thông báo kết luận.')
  }
  lines.push('', `${t.title}: ${event.title}`, `${t.when}: ${when}`)
  if (event.location) lines.push(`${t.where}: ${event.location}`)
  lines.push('', notice.hearingUrl, '', '—', 'Thư này được gửi tự động từ hệ thống giaitrinh.')
  return { to: { name: `Thường trực ${councilTitle(event.council.name, 'vi')}`, address: notice.to }, subject, text: lines.join('\n') }
}
