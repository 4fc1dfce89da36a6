import t from 'tap'
import fc from 'fast-check'
import { DateTime } from 'luxon'
import { inZone } from '../src/domain/zone.js'
import { councilTitle } from '../src/words/terms.js'
import { formatWhen } from '../src/pages/format.js'
import { feedLinks, googleEventUrl } from '../src/links/index.js'

t.test('inZone gives what luxon gives, in zones with and without daylight saving, any date 1900–2199', async (t) => {
  const zones = ['Asia/Ho_Chi_Minh', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Africa/Monrovia', 'UTC']
  fc.assert(fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2199, 11, 31) }), (zone, ms) => {
    const date = new Date(ms)
    return inZone(date, zone).toISO() === DateTime.fromJSDate(date, { zone }).toISO()
  }), { numRuns: 5000 })
  // Around New York's switch to daylight time in 2026 (08 March, 07:00 UTC), minute by minute.
  for (let minute = -90; minute <= 90; minute++) {
    const date = new Date(Date.UTC(2026, 2, 8, 7, minute))
    t.equal(inZone(date, 'America/New_York').toISO(), DateTime.fromJSDate(date, { zone: 'America/New_York' }).toISO())
  }
})

t.test('council titles keep the level word in lower case mid-phrase; times read as Vietnamese do', async (t) => {
  t.equal(councilTitle('Phường Cát Linh', 'vi'), 'HĐND phường Cát Linh')
  t.equal(councilTitle('Thành phố Hà Nội', 'vi'), 'HĐND thành phố Hà Nội')
  t.equal(councilTitle('Xã Sóc Sơn', 'vi'), 'HĐND xã Sóc Sơn')
  t.equal(councilTitle('Đặc khu Phú Quốc', 'vi'), 'HĐND đặc khu Phú Quốc')
  t.equal(councilTitle('Phường 12', 'en'), 'People\'s Council of Phường 12')
  t.equal(councilTitle('Ban Quản lý', 'vi'), 'HĐND Ban Quản lý', 'a name without a level word is kept as it is')
  const start = new Date('2026-12-18T01:00:00Z')
  const end = new Date('2026-12-18T03:30:00Z')
  t.equal(formatWhen(start, end, 'Asia/Ho_Chi_Minh', 'vi'), '08 giờ 00 – 10 giờ 30, thứ Sáu, ngày 18/12/2026 (giờ Hà Nội)')
  t.equal(formatWhen(start, end, 'Asia/Ho_Chi_Minh', 'en'), 'Fri 18 Dec 2026, 08:00–10:30 (Hà Nội time)')
  t.equal(formatWhen(null, null, 'Asia/Ho_Chi_Minh', 'vi'), 'Chưa có thời gian')
  t.equal(formatWhen(new Date('2026-12-20T01:00:00Z'), null, 'Asia/Ho_Chi_Minh', 'vi'), '08 giờ 00, Chủ nhật, ngày 20/12/2026 (giờ Hà Nội)')
})

t.test('calendar links carry the hearing in UTC and the feed as webcal', async (t) => {
  const google = new URL(googleEventUrl({ title: 'Phiên "A" & B', description: 'Nội dung', location: null, startsAt: new Date('2026-12-18T01:00:00Z'), endsAt: new Date('2026-12-18T03:00:00Z'), pageUrl: 'https://x.test/hearings/1' }))
  t.equal(google.searchParams.get('text'), 'Phiên "A" & B')
  t.equal(google.searchParams.get('dates'), '20261218T010000Z/20261218T030000Z')
  t.equal(google.searchParams.get('location'), null)
  t.match(google.searchParams.get('details'), /https:\/\/x\.test\/hearings\/1$/)
  const links = feedLinks('http://lan.local:3000/feeds/councils/x.ics', 'HĐND phường X')
  t.equal(links.webcal, 'webcal://lan.local:3000/feeds/councils/x.ics')
  t.equal(new URL(links.google).searchParams.get('cid'), links.webcal)
  t.equal(new URL(links.outlook).searchParams.get('url'), links.ics)
  t.equal(new URL(links.outlook).searchParams.get('name'), 'HĐND phường X')
})
