import { TERMS, type HearingStatus } from './terms.js'

/**
 * Every error the service can answer, by its code: its HTTP status and what it says, in English
 * (the API's `detail`) and in Vietnamese (the pages). Errors are thrown by code with their facts
 * (`fail('HEARING_NOT_FOUND', { id })`), never with a sentence, so a page never shows an English
 * sentence and the two languages cannot drift apart.
 */
export type ErrorParams = Record<string, string | number>
interface ErrorWords {
  status: number
  en: (p: ErrorParams) => string
  vi: (p: ErrorParams) => string
}

const viStatus = (status: string | number | undefined) => TERMS.vi.status[status as HearingStatus] ?? String(status)
const viDate = (iso: string | number | undefined) => String(iso).slice(0, 10).split('-').reverse().join('/')

export const ERRORS = {
  // Something named does not exist, or is not the caller's to see.
  COUNCIL_NOT_FOUND: { status: 404, en: (p) => `No council with id ${p.id}.`, vi: (p) => `Không có HĐND nào với mã định danh ${p.id}.` },
  COUNCIL_CODE_NOT_FOUND: { status: 404, en: (p) => `No council with code ${p.code}.`, vi: (p) => `Không có HĐND nào với mã ${p.code}.` },
  HEARING_NOT_FOUND: { status: 404, en: (p) => `No hearing with id ${p.id}.`, vi: (p) => `Không có phiên giải trình nào với mã ${p.id}.` },
  HEARING_NOT_VISIBLE: { status: 404, en: (p) => `No hearing with id ${p.id} that you may see.`, vi: (p) => `Không có phiên giải trình mã ${p.id} mà bạn được xem.` },
  PERSON_NOT_VISIBLE: { status: 404, en: (p) => `No person with id ${p.id} that your token may see.`, vi: (p) => `Không có người nào mã ${p.id} mà mã truy cập của bạn được xem.` },
  MEMBERSHIP_NOT_FOUND: { status: 404, en: (p) => `No membership ${p.membershipId} in council ${p.councilId}.`, vi: (p) => `HĐND ${p.councilId} không có thành viên mã ${p.membershipId}.` },
  PARTICIPANT_NOT_FOUND: { status: 404, en: (p) => `No participant ${p.participantId} in hearing ${p.hearingId}.`, vi: (p) => `Phiên ${p.hearingId} không có người được mời mã ${p.participantId}.` },
  TOKEN_NOT_FOUND: { status: 404, en: (p) => `No token with id ${p.id}.`, vi: (p) => `Không có mã truy cập nào với mã định danh ${p.id}.` },
  WEBHOOK_NOT_FOUND: { status: 404, en: (p) => `No webhook endpoint ${p.id} for this council.`, vi: (p) => `HĐND này không có địa chỉ webhook mã ${p.id}.` },
  NOTIFICATION_NOT_FOUND: { status: 404, en: (p) => `No notification ${p.notificationId} for hearing ${p.hearingId}.`, vi: (p) => `Phiên ${p.hearingId} không có thông báo mã ${p.notificationId}.` },
  NOTICE_RULE_NOT_FOUND: { status: 404, en: (p) => `No notice rule with id ${p.id}.`, vi: (p) => `Không có quy định thời hạn báo trước nào với mã ${p.id}.` },
  DAY_OFF_NOT_FOUND: { status: 404, en: (p) => `No announced day on ${p.day}; statutory holidays cannot be removed.`, vi: (p) => `Ngày ${viDate(p.day)} không có ngày nghỉ nào đã công bố; ngày lễ theo luật không thể xóa.` },
  INVITATION_LINK_INVALID: {
    status: 404,
    en: () => 'This invitation link is not valid: it may have been replaced or withdrawn. Ask the council\'s office for a new one.',
    vi: () => 'Đường dẫn lời mời này không còn hiệu lực: có thể đã được thay bằng đường dẫn mới hoặc lời mời đã được rút. Xin liên hệ văn phòng HĐND để nhận đường dẫn mới.'
  },
  INVITATION_WITHDRAWN: {
    status: 410,
    en: () => 'This invitation was withdrawn by the council\'s office: you are no longer invited to this hearing.',
    vi: () => 'Lời mời này đã được văn phòng HĐND rút lại: Ông/Bà không còn được mời dự phiên giải trình này.'
  },
  FEED_LINK_INVALID: {
    status: 404,
    en: () => 'This calendar link is not valid: it may have been replaced or revoked. Ask the council\'s office for a new one.',
    vi: () => 'Đường dẫn lịch này không còn hiệu lực: có thể đã được thay hoặc thu hồi. Xin liên hệ văn phòng HĐND để nhận đường dẫn mới.'
  },
  ROUTE_NOT_FOUND: { status: 404, en: (p) => `There is no route ${p.method} ${p.path}. See /docs for the API.`, vi: (p) => `Không có địa chỉ ${p.method} ${p.path}. Xem tài liệu API tại /docs.` },

  // Who may do what.
  TOKEN_MISSING: { status: 401, en: () => 'This needs a bearer token: send "Authorization: Bearer <token>". Ask an administrator for one.', vi: () => 'Việc này cần mã truy cập: gửi "Authorization: Bearer <mã>". Xin cấp mã từ quản trị viên.' },
  TOKEN_INVALID: { status: 401, en: () => 'The bearer token is not valid: it is unknown, revoked or expired. Ask an administrator for a new one.', vi: () => 'Mã truy cập không hợp lệ: không có, đã thu hồi hoặc đã hết hạn. Xin cấp mã mới từ quản trị viên.' },
  COVERAGE_NEEDS_TOKEN: { status: 401, en: () => 'This council\'s coverage is not public: send "Authorization: Bearer <token>", or sign in on the dashboard.', vi: () => 'Tình hình tổ chức của HĐND này không công khai: xin đăng nhập, hoặc gửi mã truy cập.' },
  TOO_MANY_AUTH_FAILURES: { status: 429, en: (p) => `Too many failed authentication attempts from this address; try again in ${p.seconds} seconds.`, vi: (p) => `Quá nhiều lần xác thực không thành công từ địa chỉ này; xin thử lại sau ${p.seconds} giây.` },
  ADMIN_ONLY: { status: 403, en: () => 'Only an administrator may do this.', vi: () => 'Chỉ quản trị viên được làm việc này.' },
  COUNCIL_NOT_COVERED: {
    status: 403,
    en: (p) => `Your token does not cover this council: it may read only its own council${p.supervisor ? ' and that council\'s descendants.' : '.'}`,
    vi: (p) => `Mã truy cập của bạn không thuộc HĐND này: chỉ được xem HĐND của mình${p.supervisor ? ' và các đơn vị trực thuộc.' : '.'}`
  },
  SUPERVISOR_READ_ONLY: { status: 403, en: () => 'A supervisor token only reads; changes need the council\'s secretariat or an administrator.', vi: () => 'Mã giám sát chỉ được xem; việc thay đổi do văn phòng HĐND hoặc quản trị viên thực hiện.' },
  OWN_COUNCIL_ONLY: { status: 403, en: () => 'Your token may change only its own council\'s data.', vi: () => 'Mã truy cập của bạn chỉ được thay đổi dữ liệu của HĐND mình.' },
  TOKEN_COUNCIL_NOT_COVERED: { status: 403, en: () => 'Your token does not cover that council.', vi: () => 'Mã truy cập của bạn không thuộc HĐND đó.' },
  AUDIT_FORBIDDEN: { status: 403, en: () => 'The audit log is for administrators and supervisors.', vi: () => 'Nhật ký thay đổi chỉ dành cho quản trị viên và người giám sát.' },
  COVERAGE_FORBIDDEN: { status: 403, en: () => 'Your token does not cover this council\'s coverage report.', vi: () => 'Mã truy cập của bạn không được xem báo cáo tình hình tổ chức của HĐND này.' },
  COVERAGE_HISTORY_FORBIDDEN: { status: 403, en: () => 'The history covers every unit: it is for the parent council\'s secretariat and supervisors.', vi: () => 'Số liệu nhiều năm gồm mọi đơn vị: chỉ dành cho văn phòng và người giám sát của HĐND cấp trên.' },
  PERSON_NOT_MANAGEABLE: { status: 403, en: () => 'Your token may read this person but not change them: only the secretariat of a council they belong to may.', vi: () => 'Bạn được xem nhưng không được sửa thông tin người này: chỉ văn phòng HĐND mà họ thuộc về mới được sửa.' },
  FEED_LINK_FORBIDDEN: { status: 403, en: () => 'Only the secretariat of the council that registered this person, or an administrator, manages their calendar link.', vi: () => 'Chỉ văn phòng HĐND đã đăng ký người này, hoặc quản trị viên, được quản lý đường dẫn lịch của họ.' },
  SUPERVISOR_CANNOT_REGISTER: { status: 403, en: () => 'A supervisor token only reads; ask the council\'s secretariat to register people.', vi: () => 'Mã giám sát chỉ được xem; xin đề nghị văn phòng HĐND đăng ký người.' },
  REGISTER_OWN_COUNCIL_ONLY: { status: 403, en: () => 'A secretariat registers people for its own council only: leave ownerCouncilId out or set it to your council.', vi: () => 'Văn phòng chỉ đăng ký người cho HĐND của mình: bỏ trống ownerCouncilId hoặc đặt là HĐND của bạn.' },
  CROSS_ORIGIN_FORM: { status: 403, en: () => 'A form may be sent only from this site\'s own pages.', vi: () => 'Biểu mẫu chỉ được gửi từ chính các trang của hệ thống này.' },

  // What was sent does not fit.
  TIMES_TOGETHER: { status: 400, en: () => 'startsAt and endsAt go together: give both, as ISO 8601 date-times with an offset.', vi: () => 'Giờ bắt đầu và giờ kết thúc phải có cả hai.' },
  TIME_UNSTORABLE: { status: 400, en: (p) => `${p.name} (${p.value}) is not a time that can be stored; a leap second (:60) cannot be, use :59.`, vi: (p) => `Thời điểm ${p.value} không lưu được; giây nhuận (:60) không được dùng, hãy dùng :59.` },
  END_BEFORE_START: { status: 422, en: (p) => `endsAt (${p.endsAt}) must be after startsAt (${p.startsAt}).`, vi: () => 'Giờ kết thúc phải sau giờ bắt đầu.' },
  TOO_FAR_AHEAD: { status: 422, en: (p) => `A hearing can be planned at most ${p.years} years ahead (until ${p.until}).`, vi: (p) => `Chỉ lên kế hoạch phiên trước tối đa ${p.years} năm (đến ngày ${viDate(p.until)}).` },
  TOO_LONG: { status: 422, en: (p) => `A hearing lasts at most ${p.hours} hours; plan a longer one as several hearings.`, vi: (p) => `Một phiên kéo dài tối đa ${p.hours} giờ; phiên dài hơn hãy chia thành nhiều phiên.` },
  COUNCIL_INACTIVE_ON_DAY: {
    status: 422,
    en: (p) => `${p.council} exists from ${p.from} to ${p.to || 'now'}; it cannot hold a hearing on ${p.day}.`,
    vi: (p) => `${p.council} hoạt động từ ngày ${viDate(p.from)} ${p.to ? `đến ngày ${viDate(p.to)}` : 'đến nay'}; không thể tổ chức phiên vào ngày ${viDate(p.day)}.`
  },
  NOTICE_REQUIRED: {
    status: 422,
    en: (p) => `${p.notice} ${p.council} requires the full notice period.`,
    vi: (p) => `${p.requiredDays === undefined ? 'Thời gian này đã qua: không thể báo trước cho ai.' : `Thời gian báo trước quá ngắn: cần ${p.requiredDays} ngày, chỉ còn ${p.actualDays} ngày (${p.rule}).`} ${p.council} yêu cầu báo trước đủ thời hạn.`
  },
  HEARING_NEEDS_TIME: { status: 400, en: (p) => `A ${p.status} hearing needs startsAt and endsAt.`, vi: (p) => `Phiên ở trạng thái "${viStatus(p.status)}" cần có giờ bắt đầu và giờ kết thúc.` },
  HELD_NEEDS_OUTCOME: { status: 400, en: () => 'A hearing created as held needs its outcome (summary at least).', vi: () => 'Phiên được ghi là đã tổ chức cần có kết quả (ít nhất là tóm tắt).' },
  HELD_NOT_STARTED: { status: 422, en: () => 'Only a hearing that has started can be recorded as held; schedule a future one instead.', vi: () => 'Chỉ phiên đã bắt đầu mới được ghi là đã tổ chức; phiên sắp tới hãy lên lịch.' },
  OUTCOME_ONLY_WITH_HELD: { status: 400, en: () => 'outcome goes only with status "held"; record it later with POST /v1/hearings/{id}/outcome.', vi: () => 'Kết quả chỉ đi kèm trạng thái "Đã tổ chức"; hãy ghi kết quả sau khi phiên diễn ra.' },
  IF_MATCH_REQUIRED: { status: 428, en: () => 'Changing a hearing needs If-Match with its ETag (from GET /v1/hearings/{id}), so that no one\'s change is lost.', vi: () => 'Thay đổi phiên cần gửi kèm phiên bản đang xem (If-Match), để không làm mất thay đổi của người khác.' },
  HEARING_CHANGED: { status: 412, en: (p) => `The hearing has changed since you read it (its ETag is now ${p.etag}). Read it again, then re-apply your change.`, vi: () => 'Phiên vừa được người khác thay đổi. Xin tải lại trang và thực hiện lại.' },
  HEARING_CANCELLED_FROZEN: { status: 409, en: () => 'A cancelled hearing cannot be changed.', vi: () => 'Phiên đã hủy không thể thay đổi.' },
  POSTPONED_NEEDS_SCHEDULE: { status: 409, en: () => 'A postponed hearing gets its new time through POST /v1/hearings/{id}/schedule.', vi: () => 'Phiên đã hoãn được đặt thời gian mới bằng thao tác "Lên lịch".' },
  HELD_TIME_FIXED: { status: 409, en: () => 'The time of a held hearing is history and cannot change.', vi: () => 'Thời gian của phiên đã tổ chức là sự việc đã qua, không thể thay đổi.' },
  RESCHEDULE_NEEDS_REASON: { status: 400, en: () => 'Moving a scheduled hearing is a reschedule: give a reason, which is kept in its history.', vi: () => 'Đổi thời gian phiên đã lên lịch cần nêu lý do; lý do được lưu trong lịch sử của phiên.' },
  ACTION_NOT_ALLOWED: {
    status: 409,
    en: (p) => `A ${p.status} hearing cannot take the action "${p.action}". Allowed: ${p.allowed || 'none'}.`,
    vi: (p) => `Phiên ở trạng thái "${viStatus(p.status)}" không thể thực hiện thao tác "${p.action}".`
  },
  SCHEDULE_NEEDS_TIME: { status: 400, en: () => 'Scheduling needs a time: give startsAt and endsAt.', vi: () => 'Lên lịch cần có thời gian: nhập giờ bắt đầu và giờ kết thúc.' },
  OUTCOME_BEFORE_START: { status: 409, en: (p) => `The hearing starts at ${p.startsAt}: its outcome can be recorded once it has started.`, vi: () => 'Phiên chưa bắt đầu: chỉ ghi kết quả sau khi phiên đã bắt đầu.' },
  COUNCIL_BUSY: {
    status: 409,
    en: (p) => `The council already has a hearing at that time: "${p.title}" (${p.id}). Choose another time.`,
    vi: (p) => `HĐND đã có phiên khác vào thời gian này: "${p.title}". Xin chọn thời gian khác.`
  },
  EXPLAINER_BUSY: {
    status: 409,
    en: (p) => `${p.fullName} already explains at another hearing at that time: "${p.title}" (${p.id}).`,
    vi: (p) => `${p.fullName} đã giải trình tại phiên khác vào thời gian này: "${p.title}".`
  },
  EXPLAINER_BUSY_ELSEWHERE: {
    status: 409,
    en: (p) => `${p.fullName} already explains at another council's hearing at that time; choose another time or another explainer.`,
    vi: (p) => `${p.fullName} đã giải trình tại phiên của HĐND khác vào thời gian này; xin chọn thời gian khác hoặc người giải trình khác.`
  },
  EXPLAINER_BUSY_UNNAMED: { status: 409, en: () => 'That person already explains at another hearing at that time.', vi: () => 'Người này đã giải trình tại phiên khác vào thời gian này.' },
  TIME_CONFLICT: { status: 409, en: () => 'That time conflicts with another hearing; choose another time.', vi: () => 'Thời gian này trùng với phiên khác; xin chọn thời gian khác.' },
  INVITATIONS_CLOSED: { status: 409, en: () => 'The hearing is cancelled: its invitations cannot change.', vi: () => 'Phiên đã hủy: không thể thay đổi danh sách mời.' },
  ANSWERS_CLOSED: { status: 409, en: (p) => `The hearing is ${p.status}: answers are closed.`, vi: (p) => `Phiên ở trạng thái "${viStatus(p.status)}": không nhận trả lời nữa.` },
  DELEGATE_NEEDS_SUBSTITUTE: { status: 400, en: () => 'Delegating needs substituteName and substitutePosition: who comes instead, and in what capacity.', vi: () => 'Cử người dự thay cần nhập họ tên và chức vụ của người dự thay.' },
  SUBSTITUTE_ONLY_WHEN_DELEGATED: { status: 400, en: () => 'substituteName and substitutePosition go only with the response "delegated".', vi: () => 'Họ tên và chức vụ người dự thay chỉ nhập khi cử người dự thay.' },
  REASON_ONLY_WHEN_DECLINED: { status: 400, en: () => 'reason goes only with the response "declined".', vi: () => 'Lý do chỉ nhập khi không tham dự được.' },
  NOTIFICATION_SUPERSEDED: { status: 409, en: () => 'This notice is about a time or state the hearing no longer has; the current notice is in the list.', vi: () => 'Thông báo này nói về thời gian hoặc trạng thái mà phiên không còn có; thông báo hiện hành có trong danh sách.' },
  OWNER_COUNCIL_UNKNOWN: { status: 400, en: (p) => `ownerCouncilId ${p.id} does not name an existing council.`, vi: (p) => `Không có HĐND nào mã ${p.id}.` },
  COUNCIL_UNKNOWN: { status: 400, en: (p) => `councilId ${p.id} does not name an existing council.`, vi: (p) => `Không có HĐND nào mã ${p.id}.` },
  PARENT_UNKNOWN: { status: 422, en: (p) => `parentId ${p.id} does not name an existing council.`, vi: (p) => `Không có HĐND cấp trên nào mã ${p.id}.` },
  PARENT_CYCLE: { status: 422, en: () => 'parentId would make the council its own ancestor: the hierarchy must not have cycles', vi: () => 'Cấp trên này sẽ làm HĐND trở thành cấp trên của chính mình.' },
  PARENT_LEVEL: { status: 422, en: (p) => `a ${p.level} council cannot be placed under a ${p.parentLevel} council`, vi: (p) => `HĐND cấp ${p.level} không thể trực thuộc HĐND cấp ${p.parentLevel}.` },
  PERSON_UNKNOWN: { status: 422, en: (p) => `personId ${p.id} does not name an existing person.`, vi: (p) => `Không có người nào mã ${p.id}.` },
  PERSON_NOT_IN_COUNCIL: { status: 422, en: (p) => `personId ${p.id} does not name a person your council has registered or includes as a member.`, vi: () => 'Người này không do HĐND của bạn đăng ký và không là thành viên của HĐND.' },
  MEMBERSHIP_ENDS_BEFORE_START: { status: 422, en: (p) => `endsOn (${p.endsOn}) is before startsOn (${p.startsOn}).`, vi: (p) => `Ngày kết thúc (${viDate(p.endsOn)}) trước ngày bắt đầu (${viDate(p.startsOn)}).` },
  TIMEZONE_UNKNOWN: { status: 400, en: (p) => `timezone "${p.zone}" is not an IANA time zone; use e.g. "Asia/Ho_Chi_Minh".`, vi: (p) => `Múi giờ "${p.zone}" không hợp lệ; ví dụ đúng: "Asia/Ho_Chi_Minh".` },
  COUNCIL_ENDS_BEFORE_START: { status: 422, en: (p) => `activeTo (${p.to}) is before activeFrom (${p.from}).`, vi: (p) => `Ngày kết thúc hoạt động (${viDate(p.to)}) trước ngày bắt đầu (${viDate(p.from)}).` },
  ADMIN_TOKEN_NO_COUNCIL: { status: 400, en: () => 'An admin token has no councilId: admins act on every council. Remove councilId or choose role secretariat or supervisor.', vi: () => 'Mã quản trị không gắn với HĐND nào; bỏ councilId hoặc chọn vai trò văn phòng hay giám sát.' },
  TOKEN_NEEDS_COUNCIL: {
    status: 400,
    en: (p) => `A ${p.role} token needs councilId: the council it reads${p.role === 'secretariat' ? ' and writes' : ' (with its descendants)'}.`,
    vi: () => 'Mã văn phòng hoặc giám sát cần gắn với một HĐND (councilId).'
  },
  IDEMPOTENCY_KEY_INVALID: { status: 400, en: () => 'Idempotency-Key must be 1 to 200 printable ASCII characters, e.g. a UUID.', vi: () => 'Idempotency-Key phải gồm 1 đến 200 ký tự ASCII in được, ví dụ một UUID.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, en: (p) => `Idempotency-Key "${p.key}" was used for another request; use a new key for a new request.`, vi: (p) => `Idempotency-Key "${p.key}" đã dùng cho yêu cầu khác; yêu cầu mới cần khóa mới.` },
  IDEMPOTENCY_ALREADY_APPLIED: {
    status: 409,
    en: (p) => `This request (Idempotency-Key "${p.key}") was already applied${p.result ? `: its result is ${p.result}` : ''}. Read it instead of sending the request again.`,
    vi: (p) => `Yêu cầu này (Idempotency-Key "${p.key}") đã được thực hiện; hãy đọc kết quả thay vì gửi lại.`
  },
  IDEMPOTENCY_RACE: { status: 409, en: (p) => `A request with Idempotency-Key "${p.key}" was applied at the same moment; read the result instead of sending it again.`, vi: (p) => `Một yêu cầu cùng Idempotency-Key "${p.key}" vừa được thực hiện cùng lúc; hãy đọc kết quả thay vì gửi lại.` },
  CURSOR_INVALID: { status: 400, en: () => 'The cursor is not one this service gave out: pass nextCursor from the previous page unchanged.', vi: () => 'Con trỏ trang không do hệ thống cấp: hãy dùng nguyên nextCursor của trang trước.' },
  DESCENDANTS_NEEDS_COUNCIL: { status: 400, en: () => 'descendants=true goes with councilId.', vi: () => 'descendants=true cần đi kèm councilId.' },
  FEED_RANGE_TOO_WIDE: { status: 400, en: (p) => `A feed covers at most ${p.years} years back and ${p.years} years ahead; narrow from/to.`, vi: (p) => `Lịch chỉ gồm tối đa ${p.years} năm trước và ${p.years} năm sau; hãy thu hẹp khoảng thời gian.` },
  RANGE_EMPTY: { status: 400, en: () => 'to must be after from.', vi: () => 'Ngày kết thúc phải sau ngày bắt đầu.' },
  RANGE_REVERSED: { status: 400, en: () => 'to must not be before from.', vi: () => 'Ngày kết thúc không được trước ngày bắt đầu.' },
  CALENDAR_RANGE: { status: 400, en: () => 'from must not be after to, and the range may span at most two years.', vi: () => 'Ngày bắt đầu không được sau ngày kết thúc, và khoảng thời gian tối đa hai năm.' },
  COVERAGE_YEAR_OR_RANGE: { status: 400, en: () => 'Give either year, or from and to, not both.', vi: () => 'Chọn một năm, hoặc một khoảng từ ngày đến ngày, không chọn cả hai.' },
  COVERAGE_PERIOD_MISSING: { status: 400, en: () => 'Give year, or from and to (e.g. a council term: from=2016-07-01&to=2021-06-30).', vi: () => 'Chọn một năm, hoặc một khoảng từ ngày đến ngày (ví dụ một nhiệm kỳ).' },
  COVERAGE_YEARS_RANGE: { status: 400, en: () => 'fromYear must not be after toYear, and the range may span at most 30 years.', vi: () => 'Năm bắt đầu không được sau năm kết thúc, và tối đa 30 năm.' },
  DURATION_INVALID: { status: 400, en: (p) => `${p.name}: "${p.value}" is not an ISO 8601 duration such as P1D or PT2H.`, vi: (p) => `${p.name}: "${p.value}" không phải khoảng thời gian ISO 8601 như P1D hoặc PT2H.` },
  DURATION_VARIABLE: { status: 400, en: (p) => `${p.name}: "${p.value}" uses years or months, whose length varies; give days, hours or minutes (e.g. P30D).`, vi: (p) => `${p.name}: "${p.value}" dùng năm hoặc tháng, có độ dài không cố định; hãy dùng ngày, giờ hoặc phút (ví dụ P30D).` },
  DURATION_OUT_OF_RANGE: { status: 400, en: (p) => `${p.name}: "${p.value}" must be between ${p.min} and ${p.max}.`, vi: (p) => `${p.name}: "${p.value}" phải nằm trong khoảng ${p.min} đến ${p.max}.` },
  REMINDER_OFFSET_TWICE: { status: 400, en: (p) => `reminders.${p.audience} lists the same offset twice.`, vi: (p) => `reminders.${p.audience} có một mốc nhắc bị lặp lại.` },
  QUIET_HOURS_INVALID: { status: 400, en: (p) => `quietHours: ${p.reason}.`, vi: (p) => `quietHours: "${p.value}" không phải khoảng giờ hợp lệ như 21:00-07:00.` },
  WEBHOOK_URL_INVALID: { status: 422, en: (p) => `"${p.text}" is not a URL; give the gateway's full address, e.g. https://sms.example.gov.vn/hooks/giaitrinh.`, vi: (p) => `"${p.text}" không phải địa chỉ URL; hãy nhập đầy đủ địa chỉ của cổng nhận.` },
  WEBHOOK_URL_SCHEME: { status: 422, en: (p) => `A webhook URL must be http or https, not ${p.protocol}`, vi: (p) => `Địa chỉ webhook phải là http hoặc https, không phải ${p.protocol}` },
  WEBHOOK_URL_CREDENTIALS: { status: 422, en: () => 'A webhook URL must not carry a user name or password: receivers check the signature instead.', vi: () => 'Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu: bên nhận kiểm tra chữ ký.' },
  WEBHOOK_URL_PRIVATE: {
    status: 422,
    en: (p) => `${p.host} resolves to ${p.address}, a private, loopback or link-local address, or another that is not public (reserved, translated, or this host's own): webhooks go only to public addresses (WEBHOOK_ALLOW_PRIVATE=true allows others).`,
    vi: (p) => `${p.host} trỏ tới ${p.address}, một địa chỉ nội bộ: webhook chỉ gửi tới địa chỉ công khai.`
  },
  WEBHOOK_LIMIT: { status: 409, en: (p) => `A council has at most ${p.max} webhook endpoints: delete one it no longer uses first.`, vi: (p) => `Mỗi HĐND có tối đa ${p.max} địa chỉ webhook: hãy xóa một địa chỉ không còn dùng trước.` },
  ROLE_GRANT_FORBIDDEN: { status: 403, en: () => 'Roles for a council are granted by an administrator, or by the secretariat of its parent council.', vi: () => 'Quyền đối với một HĐND do quản trị viên, hoặc Thường trực HĐND cấp trên trực tiếp, cấp.' },
  USER_EXISTS: { status: 409, en: (p) => `A user with the address ${p.email} exists already: grant them the role instead.`, vi: (p) => `Đã có người dùng với địa chỉ ${p.email}: xin cấp quyền cho người đó.` },
  USER_NOT_FOUND: { status: 404, en: (p) => `No user with id ${p.id}.`, vi: (p) => `Không có người dùng mã ${p.id}.` },
  TOKEN_DAYS_OUT_OF_RANGE: { status: 400, en: (p) => `A token of your own lives from 1 to ${p.max} days.`, vi: (p) => `Mã truy cập của riêng Ông/Bà có hiệu lực từ 1 đến ${p.max} ngày.` },
  USER_TOKENS_LIMIT: { status: 409, en: (p) => `You have ${p.max} live tokens already: revoke one you no longer use first.`, vi: (p) => `Ông/Bà đã có ${p.max} mã truy cập còn hiệu lực: hãy thu hồi một mã không còn dùng trước.` },
  NO_SUBSTITUTE_NAMED: { status: 409, en: () => 'This invitation was not delegated to anyone by name: there is no substitute to invite.', vi: () => 'Lời mời này không được ủy quyền cho người nào có tên: không có người thay thế để mời.' },
  SESSION_NOT_FOUND: { status: 404, en: (p) => `You have no open session ${p.id}.`, vi: (p) => `Ông/Bà không có phiên đăng nhập nào đang mở với mã ${p.id}.` },
  ROLE_NOT_FOUND: { status: 404, en: (p) => `No role ${p.id} for this user.`, vi: (p) => `Người dùng này không có quyền mã ${p.id}.` },
  ADMIN_ROLE_NO_COUNCIL: { status: 400, en: () => 'An administrator\'s role is for the whole service: give no councilId.', vi: () => 'Quyền quản trị áp dụng cho toàn hệ thống: không ghi mã HĐND.' },
  ROLE_NEEDS_COUNCIL: { status: 400, en: () => 'A secretariat\'s or supervisor\'s role is for one council: give its councilId.', vi: () => 'Quyền của văn phòng hoặc người giám sát gắn với một HĐND: xin ghi mã HĐND.' },
  SIGN_IN_LINK_LIMIT: { status: 429, en: (p) => `${p.max} sign-in links were sent to this address in the last hour: use the latest, or wait an hour.`, vi: (p) => `Đã gửi ${p.max} đường dẫn đăng nhập tới địa chỉ này trong một giờ qua: xin dùng đường dẫn mới nhất, hoặc chờ một giờ.` },
  SIGN_IN_LINK_INVALID: { status: 410, en: () => 'This sign-in link has been used or has expired: ask for a new one.', vi: () => 'Đường dẫn đăng nhập này đã được dùng hoặc đã hết hạn: xin yêu cầu đường dẫn mới.' },
  MAIL_UNAVAILABLE: { status: 503, en: () => 'The sign-in e-mail could not be sent just now: try again in a few minutes, or tell the service\'s administrator.', vi: () => 'Hiện chưa gửi được thư đăng nhập: xin thử lại sau ít phút, hoặc báo quản trị viên hệ thống.' },
  OIDC_NOT_CONFIGURED: { status: 404, en: () => 'Single sign-on is not set up on this service (OIDC_ISSUER).', vi: () => 'Hệ thống chưa thiết lập đăng nhập một lần (OIDC_ISSUER).' },
  OIDC_FAILED: { status: 400, en: () => 'The sign-in with your organisation\'s account did not complete: start again from the sign-in page.', vi: () => 'Đăng nhập bằng tài khoản của cơ quan chưa hoàn tất: xin bắt đầu lại từ trang đăng nhập.' },
  OIDC_UNKNOWN_USER: { status: 403, en: (p) => `No user of this service has the address ${p.email}: ask an administrator, or your province's office, to add you.`, vi: (p) => `Chưa có người dùng nào của hệ thống với địa chỉ ${p.email}: xin quản trị viên hoặc văn phòng HĐND cấp tỉnh thêm tài khoản.` },
  RESEND_LIMIT: { status: 429, en: (p) => `This notice was sent again ${p.max} times in the last hour: wait before sending it again.`, vi: (p) => `Thông báo này đã được gửi lại ${p.max} lần trong một giờ qua: xin chờ rồi gửi lại.` },
  SECRET_KEY_MISSING: { status: 409, en: () => 'Webhooks need the service\'s SECRET_KEY, which seals their signing secrets: an administrator must set it (see README.md, "Configuration").', vi: () => 'Webhook cần khóa SECRET_KEY của hệ thống để niêm phong khóa ký: quản trị viên cần thiết lập (xem README.md).' },
  WEBHOOK_HOST_UNRESOLVED: { status: 422, en: (p) => `${p.host} cannot be resolved; check the webhook URL.`, vi: (p) => `Không phân giải được ${p.host}; hãy kiểm tra địa chỉ webhook.` },

  // The conclusion and its commitments.
  CONCLUSION_NEEDS_HELD: { status: 409, en: (p) => `Only a held hearing has a conclusion to vote on; this one is ${p.status}. Record its outcome first.`, vi: () => 'Chỉ phiên đã tổ chức mới có kết luận để biểu quyết. Hãy ghi kết quả phiên trước.' },
  COMMITTEE_EMPTY: { status: 409, en: (p) => `The council had no Standing Committee members on ${p.day}: add its chair, vice-chairs and standing members (memberships) first.`, vi: (p) => `Ngày ${p.day} HĐND chưa có thành viên Thường trực: hãy thêm Chủ tịch, Phó Chủ tịch và Ủy viên thường trực (thành viên) trước.` },
  VOTER_NOT_ON_COMMITTEE: { status: 422, en: (p) => `${p.personId} was not a member of the Standing Committee on ${p.day}: only its members vote.`, vi: (p) => `Người có mã ${p.personId} không phải thành viên Thường trực HĐND ngày ${p.day}: chỉ thành viên Thường trực biểu quyết.` },
  VOTE_TWICE: { status: 422, en: (p) => `${p.personId} is listed twice: one vote each.`, vi: (p) => `Người có mã ${p.personId} được ghi hai lần: mỗi người một phiếu.` },
  VOTE_WHEN_ABSENT: { status: 400, en: (p) => `${p.personId} is marked absent but has a vote: only members present vote.`, vi: (p) => `Người có mã ${p.personId} vắng mặt nhưng có phiếu: chỉ thành viên có mặt biểu quyết.` },
  CONCLUSION_NOT_FOUND: { status: 404, en: (p) => `The hearing ${p.id} has no conclusion voted on yet.`, vi: () => 'Phiên này chưa có kết luận được biểu quyết.' },
  CONCLUSION_NOT_ADOPTED: { status: 409, en: () => 'The conclusion has not passed (more than half of all the Standing Committee\'s members must vote for it): it has no commitments yet.', vi: () => 'Kết luận chưa được thông qua (cần quá nửa tổng số thành viên Thường trực tán thành): chưa thể ghi các việc phải làm.' },
  COMMITMENT_NEEDS_RESPONSIBLE: { status: 400, en: () => 'Say who is responsible: a person (responsiblePersonId) or an agency (responsibleAgency).', vi: () => 'Hãy nêu ai chịu trách nhiệm: một người hoặc một cơ quan.' },
  COMMITMENT_NOT_FOUND: { status: 404, en: (p) => `No commitment ${p.id} in this hearing.`, vi: (p) => `Phiên này không có việc phải làm mã ${p.id}.` },
  COMMITMENT_NO_PERSON: { status: 409, en: () => 'This commitment is an agency\'s: there is no person to send a link to.', vi: () => 'Việc này do một cơ quan chịu trách nhiệm: không có người để gửi đường dẫn.' },
  COMMITMENT_LINK_NOT_FOUND: { status: 404, en: () => 'This link is not valid: it may have been renewed. Ask the council\'s secretariat for the current one.', vi: () => 'Đường dẫn không còn hiệu lực (có thể đã được cấp lại). Xin liên hệ văn phòng HĐND.' },
  DROP_NEEDS_REASON: { status: 400, en: () => 'A commitment dropped needs a reason (dropReason): the council is told it.', vi: () => 'Bỏ một việc phải nêu lý do.' },
  DROP_REASON_ONLY_WHEN_DROPPED: { status: 400, en: () => 'A reason for dropping goes only with status "dropped".', vi: () => 'Lý do bỏ chỉ đi kèm trạng thái "bỏ".' },
  COMMITMENT_CLOSED: { status: 409, en: (p) => `The commitment is ${p.status}: its progress no longer changes (the secretariat may open it again).`, vi: () => 'Việc này đã kết thúc: không cập nhật tiến độ được nữa (văn phòng có thể mở lại).' },

  // Forms of the pages.
  FORM_TIME_INVALID: { status: 400, en: (p) => `The time ${p.value} is not a valid date and time.`, vi: (p) => `Thời gian ${p.value} không hợp lệ.` },
  FORM_TIMES_TOGETHER: { status: 400, en: () => 'Give both the start and the end, or neither (a draft without a time).', vi: () => 'Nhập cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai (bản nháp chưa có thời gian).' },
  FORM_END_BEFORE_START: { status: 400, en: () => 'The end must be after the start.', vi: () => 'Giờ kết thúc phải sau giờ bắt đầu.' },
  FORM_RESCHEDULE_NEEDS_REASON: { status: 400, en: () => 'A new time for a scheduled hearing needs a reason: the invited people are told it.', vi: () => 'Đổi thời gian phiên đã lên lịch cần nêu lý do: người được mời sẽ được thông báo lý do này.' },
  FORM_DURATION_INVALID: { status: 400, en: (p) => `"${p.value}" is not a duration: write e.g. "3 days, 2 hours" (or "3d, 2h"), or "-" for none.`, vi: (p) => `"${p.value}" không phải một khoảng thời gian: hãy viết ví dụ "3 ngày, 2 giờ" (hoặc "3d, 2h"), hoặc "-" nếu không nhắc.` },
  FORM_DURATION_ONE: { status: 400, en: () => 'Give one duration here, e.g. "15 days".', vi: () => 'Ô này chỉ nhận một khoảng thời gian, ví dụ "15 ngày".' },
  FORM_STALE: { status: 412, en: () => 'Someone else changed this since you opened the page. Reload it, then make your change again.', vi: () => 'Nội dung vừa được người khác thay đổi. Xin tải lại trang và thực hiện lại.' },
  FORM_VOTES_MISMATCH: { status: 400, en: () => 'Each member of the Standing Committee needs one choice: reload the page and vote again.', vi: () => 'Mỗi thành viên Thường trực cần một lựa chọn: xin tải lại trang và biểu quyết lại.' },
  FORM_PERSON_MISSING: { status: 400, en: () => 'Choose a person found by name, or give the new person\'s full name.', vi: () => 'Chọn một người tìm được theo tên, hoặc nhập họ và tên người mới.' },

  // Refusals of the request as a whole.
  REQUEST_INVALID: { status: 400, en: (p) => `The request is not valid: ${p.errors}.`, vi: () => 'Thông tin gửi lên chưa hợp lệ. Xin kiểm tra lại các ô đã nhập.' },
  URL_INVALID: { status: 400, en: () => 'The URL is not valid: a %-escape is broken. Percent-encode each byte of UTF-8 as %XX.', vi: () => 'Địa chỉ URL không hợp lệ: có ký tự mã hóa % bị hỏng.' },
  DUPLICATE: { status: 409, en: (p) => `This would duplicate an existing record${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Việc này sẽ tạo bản ghi trùng với bản ghi đã có.' },
  REFERENCE_BROKEN: { status: 409, en: (p) => `This refers to a record that does not exist, or is still referred to by another${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Việc này liên quan đến bản ghi không tồn tại, hoặc bản ghi vẫn đang được bản ghi khác dùng đến.' },
  DATA_RULE: { status: 422, en: (p) => `This breaks a rule of the data${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Việc này trái với quy tắc của dữ liệu.' },
  OVERLAP: { status: 409, en: (p) => `This conflicts with an existing record${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Việc này xung đột với bản ghi đã có.' },
  VALUE_FORM: { status: 400, en: (p) => `A value has the wrong form${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Có giá trị sai định dạng.' },
  UNSTORABLE_CHARACTER: { status: 400, en: (p) => `Text contains a character that cannot be stored, such as a NUL byte${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Văn bản có ký tự không lưu được (ví dụ ký tự NUL).' },
  DATE_INVALID: { status: 400, en: (p) => `A date or time is not valid${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Ngày hoặc giờ không hợp lệ.' },
  DATE_OUT_OF_RANGE: { status: 400, en: (p) => `A date or time is out of range${p.constraint ? ` (${p.constraint})` : ''}.`, vi: () => 'Ngày hoặc giờ nằm ngoài phạm vi cho phép.' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    en: () => 'The database cannot be reached just now; send the request again in a few seconds. To retry a write safely, send it with the same Idempotency-Key header: it is then applied once.',
    vi: () => 'Hiện chưa kết nối được cơ sở dữ liệu; xin thử lại sau vài giây.'
  },
  INTERNAL: { status: 500, en: (p) => `An internal error occurred. Quote request id ${p.requestId} when you report it.`, vi: (p) => `Đã có lỗi trong hệ thống. Khi báo lỗi, xin ghi mã yêu cầu ${p.requestId}.` }
} satisfies Record<string, ErrorWords>

export type ErrorCode = keyof typeof ERRORS

/** What an error says, in a language, from its code and facts. */
export function errorSentence (code: ErrorCode, params: ErrorParams, lang: 'vi' | 'en'): string {
  return ERRORS[code][lang](params)
}
