import t from 'tap'
import ICAL from 'ical.js'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'
import { parseFeed } from './feeds-helper.js'

// Issue "What clients read must be right", feed defects 1 and 2: names with quotes, semicolons,
// commas and backslashes, as ical.js reads them back.
t.test('names with quotes, backslashes and separators come back exactly, and cannot rewrite another attendee', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const councilName = 'HĐND Phường Láng, Ô Chợ Dừa; "Đống Đa" \\ mới'
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}`, headers: admin, payload: { name: councilName } })).status, 200)
  const names = ['Lê "Minh" Hoàng; Ban Pháp chế', 'Mallory":mailto:evil@attacker.example;X="', 'Evil "Name";ROLE=CHAIR', 'Trần Thị ^Mũ^ \\ Gạch, 👩‍⚖️']
  const people = []
  for (const [i, fullName] of names.entries()) {
    const person = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', email: `p${i}@catlinh.example`, ownerCouncilId: h.wardA.id } })
    t.equal(person.status, 201)
    people.push(person.body as { id: string })
  }
  const hearing = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-17') })
  for (const [i, person] of people.entries()) {
    await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role: i === 0 ? 'explainer' : 'attendee' } })
  }
  const link = await call(app, { method: 'POST', url: `/v1/people/${people[0]!.id}/feed-link`, headers: admin })
  const response = await app.inject({ url: new URL(link.body.url as string).pathname })
  t.equal(response.statusCode, 200)
  t.ok(response.body.endsWith('END:VCALENDAR\r\n'), 'the last line ends with CRLF too')
  t.notMatch(response.body, /CN="[^"\r\n]*\\"/, 'no backslash-escaped quote in a parameter')
  const feed = parseFeed(response.body)
  const event = feed.events[0]!
  // A double quote is written as a typographic one, which every reader shows alike (see paramText).
  const plain = (name: string) => name.replace(/[“”]/g, '"')
  t.same(event.attendees.map((a) => plain(a.cn)).sort(), [...names].sort(), 'every name comes back, a double quote as “ or ”')
  t.ok(event.attendees.some((a) => a.cn === 'Lê “Minh” Hoàng; Ban Pháp chế'), 'opening and closing marks')
  const own = event.attendees.find((a) => plain(a.cn) === names[0])!
  t.equal(own.value.toLowerCase(), 'mailto:p0@catlinh.example', 'the feed\'s owner keeps their own address')
  const others = event.attendees.filter((a) => a !== own).map((a) => a.value)
  t.equal(new Set(others).size, 3, 'every other attendee has an address of their own')
  t.ok(others.every((value) => /^urn:uuid:[0-9a-f-]{36}$/.test(value)), 'which is not their e-mail, whatever their name says')
  t.notMatch(response.body, /p[123]@catlinh/, 'no other invitee\'s e-mail')
  t.same(event.attendees.map((a) => a.role).sort(), ['OPT-PARTICIPANT', 'OPT-PARTICIPANT', 'OPT-PARTICIPANT', 'REQ-PARTICIPANT'].sort(), 'no name changed a role')
  t.equal(plain(event.organizer.cn), `HĐND ${councilName}`, 'the council\'s name, in the organizer')

  const councilFeed = await app.inject({ url: `/feeds/councils/${h.wardA.id}.ics` })
  t.doesNotThrow(() => ICAL.parse(councilFeed.body), 'the council feed parses')
  const unfolded = councilFeed.body.replace(/\r\n[ \t]/g, '')
  t.match(unfolded, /\r\nX-WR-CALNAME:[^\r\n]*Láng\\, Ô Chợ Dừa\\; "Đống Đa" \\\\ mới/, 'escaped as TEXT')
  t.match(unfolded, /\r\nNAME:[^\r\n]*Láng\\, Ô Chợ Dừa\\;/, 'NAME too')
})

t.test('feed links keep working with parameters that messengers append, and take descendants=1', async (t) => {
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', ...slotAt('2026-12-17') })
  const plain = await app.inject({ url: `/feeds/councils/${h.district.id}.ics?descendants=true` })
  t.equal(plain.statusCode, 200)
  const tracked = await app.inject({ url: `/feeds/councils/${h.district.id}.ics?descendants=1&utm_source=zalo&fbclid=x` })
  t.equal(tracked.statusCode, 200, 'utm_source and friends are ignored, not refused')
  t.equal(tracked.body, plain.body, 'the same feed')
  t.equal((tracked.body.match(/BEGIN:VEVENT/g) ?? []).length, 1, 'descendants=1 includes the ward\'s hearing')
  const without = await app.inject({ url: `/feeds/councils/${h.district.id}.ics?descendants=0` })
  t.equal((without.body.match(/BEGIN:VEVENT/g) ?? []).length, 0, 'descendants=0 does not')
  t.equal((await app.inject({ url: `/feeds/councils/${h.district.id}.ics?descendants=maybe` })).statusCode, 400, 'a value that is not a yes or a no is still refused')
})

t.test('feeds fold lines exactly as ical-generator\'s foldLines does, without its cost', async (t) => {
  const { foldLines } = await import('ical-generator')
  const { fold } = await import('../src/feeds/ical.js')
  const pieces = ['a', 'Ồ', 'ề', 'ữ', '👩‍⚖️', '🏛️', ';', '\\', 'x'.repeat(70), 'Đống Đa ', '€', 'ß']
  let seed = 20261128
  const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  for (let n = 0; n < 300; n++) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, () => Array.from({ length: Math.floor(random() * 60) }, () => pieces[Math.floor(random() * pieces.length)]).join(''))
    const text = lines.join('\r\n')
    if (fold(text) !== foldLines(text)) {
      t.fail(`differs for ${JSON.stringify(text)}`)
      return
    }
  }
  t.pass('300 random multi-line texts folded identically')
})
