import { DateTime } from 'luxon'
import type { VisibleReport as CoverageReport } from '../../policy/index.js'
import type { Lang } from '../../schemas/common.js'

const T = {
  vi: {
    title: 'Tình hình tổ chức phiên giải trình',
    of: 'của các đơn vị trực thuộc',
    year: 'Năm',
    ratio: 'Tỷ lệ đơn vị đã tổ chức',
    target: 'Chỉ tiêu',
    met: 'Đạt chỉ tiêu',
    notMet: 'Chưa đạt chỉ tiêu',
    unit: 'Đơn vị',
    status: 'Trạng thái',
    held: 'Đã tổ chức',
    scheduled: 'Đã lên lịch',
    cancelled: 'Đã hủy',
    last: 'Phiên gần nhất',
    next: 'Phiên sắp tới',
    links: 'Liên kết',
    hearings: 'Các phiên',
    feed: 'Lịch (.ics)',
    own: 'Phiên của chính cấp này',
    distribution: 'Số đơn vị theo số phiên đã tổ chức',
    partial: 'tồn tại một phần năm',
    csv: 'Tải CSV',
    other: 'English',
    signIn: 'Đăng nhập',
    tokenLabel: 'Mã truy cập (API token)',
    signInHelp: 'Báo cáo này dành cho Thường trực, văn phòng và giám sát. Nhập mã truy cập được cấp để xem.',
    badToken: 'Mã truy cập không hợp lệ, đã thu hồi hoặc hết hạn.',
    signOut: 'Đăng xuất',
    units: 'đơn vị',
    none: 'Không có đơn vị nào tồn tại trong kỳ.',
    statuses: { covered: 'Đã tổ chức', scheduled: 'Đã lên lịch', outcome_missing: 'Chưa ghi kết quả', uncovered: 'Chưa tổ chức', not_applicable: 'Không áp dụng' },
    overdue: (date: string) => `quá hạn, chưa ghi kết quả: ${date}`,
    notApplicable: 'Không áp dụng (không có đơn vị nào trong kỳ)'
  },
  en: {
    title: 'Accountability hearings held',
    of: 'by the units under',
    year: 'Year',
    ratio: 'Units that held a hearing',
    target: 'Target',
    met: 'Target met',
    notMet: 'Target not met',
    unit: 'Unit',
    status: 'Status',
    held: 'Held',
    scheduled: 'Scheduled',
    cancelled: 'Cancelled',
    last: 'Last held',
    next: 'Next scheduled',
    links: 'Links',
    hearings: 'Hearings',
    feed: 'Calendar (.ics)',
    own: 'The council\'s own hearings',
    distribution: 'Units by hearings held',
    partial: 'exists for part of the year',
    csv: 'Download CSV',
    other: 'Tiếng Việt',
    signIn: 'Sign in',
    tokenLabel: 'Access token (API token)',
    signInHelp: 'This report is for the Standing Committee, its office and supervisors. Enter the access token you were given.',
    badToken: 'The access token is not valid, revoked or expired.',
    signOut: 'Sign out',
    units: 'units',
    none: 'No unit exists during the period.',
    statuses: { covered: 'Covered', scheduled: 'Scheduled', outcome_missing: 'Outcome not recorded', uncovered: 'Uncovered', not_applicable: 'Not applicable' },
    overdue: (date: string) => `overdue, no outcome recorded: ${date}`,
    notApplicable: 'Not applicable (no unit in the period)'
  }
} as const

const COLORS = { covered: '#1b7f3b', scheduled: '#b26a00', outcome_missing: '#8a4b00', uncovered: '#b3261e', not_applicable: '#6b6b6b' } as const

export function escapeHtml (text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const STYLE = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header,main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem}
.muted{color:#5f6368}.card{background:#fff;border-radius:10px;padding:16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.figures{display:flex;flex-wrap:wrap;gap:16px;align-items:center}.big{font-size:2rem;font-weight:700}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;color:#fff;font-size:.85rem;white-space:nowrap}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;min-width:640px}th,td{padding:8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{font-size:.85rem;color:#5f6368}td.n{text-align:right}nav a{margin-right:12px}a{color:#0b57d0}
form label{display:block;margin:8px 0 4px}input[type=password]{width:100%;max-width:420px;padding:8px;font-size:1rem}button{margin-top:12px;padding:8px 16px;font-size:1rem}
.error{color:#b3261e}`

function layout (lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>${body}</body></html>`
}

/** The ratio against the target as a bar, and the distribution by hearings held: inline SVG, no scripts. */
function chart (report: CoverageReport, lang: Lang): string {
  const totals = report.totals!
  const ratio = totals.ratio ?? 0
  const width = 600
  const bar = Math.round(ratio * width)
  const target = Math.round(totals.target * width)
  const color = totals.met ? COLORS.covered : COLORS.uncovered
  const label = `${T[lang].ratio}: ${totals.covered}/${totals.applicable} (${Math.round(ratio * 100)}%); ${T[lang].target} ${Math.round(totals.target * 100)}%`
  const dist = Object.entries(totals.distribution) as Array<[string, number]>
  const max = Math.max(1, ...dist.map(([, n]) => n))
  const columns = dist.map(([k, n], i) => {
    const h = Math.round((n / max) * 80)
    return `<rect x="${40 + i * 130}" y="${100 - h}" width="80" height="${h}" fill="#0b57d0"></rect>` +
      `<text x="${80 + i * 130}" y="${95 - h}" text-anchor="middle" font-size="14">${n}</text>` +
      `<text x="${80 + i * 130}" y="120" text-anchor="middle" font-size="14">${k}</text>`
  }).join('')
  return `<svg role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width + 20} 60" width="100%" style="max-width:${width + 20}px">` +
    `<rect x="10" y="15" width="${width}" height="28" rx="6" fill="#e8eaed"></rect>` +
    `<rect x="10" y="15" width="${bar}" height="28" rx="6" fill="${color}"></rect>` +
    `<line x1="${10 + target}" y1="5" x2="${10 + target}" y2="53" stroke="#1d1d1f" stroke-width="3" stroke-dasharray="4 3"></line>` +
    `</svg><p class="muted">${escapeHtml(label)}</p>` +
    `<h2>${T[lang].distribution}</h2><svg role="img" aria-label="${escapeHtml(T[lang].distribution)}" viewBox="0 0 560 130" width="100%" style="max-width:560px">${columns}</svg>`
}

export function coveragePage (report: CoverageReport, lang: Lang, year: number, zone: string, baseQuery: string): string {
  const t = T[lang]
  const day = (date: Date | null) => date ? DateTime.fromJSDate(date, { zone }).toFormat('dd/MM/yyyy') : '—'
  const totals = report.totals
  const rows = report.units.map((u) => `<tr data-status="${u.status}"><td>${escapeHtml(u.name)}${u.partOfPeriod ? ` <span class="muted">(${t.partial})</span>` : ''}</td>` +
    `<td><span class="badge" style="background:${COLORS[u.status as keyof typeof COLORS]}">${t.statuses[u.status as keyof typeof t.statuses]}</span></td>` +
    `<td class="n">${u.held}</td><td class="n">${u.scheduled}</td><td class="n">${u.cancelled}</td><td>${day(u.lastHeldAt)}</td><td>${day(u.nextScheduledAt)}${u.overdueSince ? ` <span class="muted" data-testid="overdue">(${t.overdue(day(u.overdueSince))})</span>` : ''}</td>` +
    `<td><a href="/v1/hearings?councilId=${u.councilId}">${t.hearings}</a> <a href="/feeds/councils/${u.councilId}.ics">${t.feed}</a></td></tr>`).join('')
  const summary = totals
    ? `<section class="card"><div class="figures"><div><div class="big" data-testid="ratio">${totals.covered}/${totals.applicable}</div><div class="muted">${t.units}</div></div>` +
      `<div><div class="big">${totals.ratio === null ? '—' : `${Math.round(totals.ratio * 100)}%`}</div><div class="muted">${t.ratio}</div></div>` +
      `<div><span class="badge" style="background:${totals.met === null ? COLORS.not_applicable : totals.met ? COLORS.covered : COLORS.uncovered}" data-testid="met">${totals.met === null ? t.notApplicable : totals.met ? t.met : t.notMet}</span></div></div>` +
      `${totals.applicable ? chart(report, lang) : `<p>${t.none}</p>`}</section>`
    : ''
  const own = report.own ? `<section class="card"><h2>${t.own}</h2><p data-testid="own">${t.held}: ${report.own.held} · ${t.scheduled}: ${report.own.scheduled} · ${t.cancelled}: ${report.own.cancelled}</p></section>` : ''
  const other = lang === 'vi' ? 'en' : 'vi'
  return layout(lang, `${t.title} – ${report.council.name} – ${year}`,
    `<header><nav><a href="?${baseQuery}&amp;year=${year - 1}&amp;lang=${lang}">← ${year - 1}</a><a href="?${baseQuery}&amp;year=${year + 1}&amp;lang=${lang}">${year + 1} →</a>` +
    `<a href="?${baseQuery}&amp;year=${year}&amp;lang=${other}" hreflang="${other}">${t.other}</a>` +
    `<a href="/v1/coverage.csv?${baseQuery}&amp;year=${year}&amp;lang=${lang}">${t.csv}</a></nav>` +
    `<h1>${t.title} ${t.of} ${escapeHtml(report.council.name)}</h1><p class="muted">${t.year} ${year}</p></header>` +
    `<main>${summary}${own}<section class="card table-wrap"><table><thead><tr><th>${t.unit}</th><th>${t.status}</th><th>${t.held}</th><th>${t.scheduled}</th><th>${t.cancelled}</th><th>${t.last}</th><th>${t.next}</th><th>${t.links}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></section>` +
    `<form method="post" action="/dashboard/logout"><button type="submit">${t.signOut}</button></form></main>`)
}

export function signInPage (lang: Lang, next: string, failed: boolean): string {
  const t = T[lang]
  return layout(lang, t.signIn, `<main><section class="card"><h1>${t.signIn}</h1><p>${t.signInHelp}</p>` +
    (failed ? `<p class="error" role="alert">${t.badToken}</p>` : '') +
    `<form method="post" action="/dashboard/login"><input type="hidden" name="next" value="${escapeHtml(next)}">` +
    `<label for="token">${t.tokenLabel}</label><input id="token" name="token" type="password" autocomplete="off" required>` +
    `<button type="submit">${t.signIn}</button></form></section></main>`)
}
