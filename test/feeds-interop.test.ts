import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ICAL from 'ical.js'
import nodeIcal from 'node-ical'
import { admin, build, call, seedHierarchy } from './helper.js'
import { createHearing, slotAt } from './hearings-helper.js'

// Issue "What clients read must be right", acceptance: every kind of feed, filled with hostile
// data, through ical.js, node-ical, and Debian's python3-icalendar, python3-vobject (validating),
// libical (gir1.2-ical-3.0 with python3-gi) and khal (import, then list). CI installs them; a
// machine without them fails here with the packages to install, it does not skip.

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3' // Debian's, where python3-icalendar, -vobject and -gi are
const READ = join(import.meta.dirname, 'interop', 'read_ics.py')

interface Read { name: string | null, events: Array<{ uid: string, summary: string, description: string | null, organizer: { cn: string | null, value: string }, attendees: Array<{ cn: string | null, value: string }> }> }

function withIcalJs (text: string): Read {
  const calendar = new ICAL.Component(ICAL.parse(text))
  return {
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    events: calendar.getAllSubcomponents('vevent').map((vevent) => {
      const organizer = vevent.getFirstProperty('organizer')!
      return {
        uid: String(vevent.getFirstPropertyValue('uid')),
        summary: String(vevent.getFirstPropertyValue('summary')),
        description: String(vevent.getFirstPropertyValue('description')),
        organizer: { cn: String(organizer.getParameter('cn')), value: String(organizer.getFirstValue()) },
        attendees: vevent.getAllProperties('attendee').map((p) => ({ cn: String(p.getParameter('cn')), value: String(p.getFirstValue()) }))
      }
    })
  }
}

function withNodeIcal (text: string): Read {
  const data = nodeIcal.sync.parseICS(text)
  const cn = (value: unknown): { cn: string | null, value: string } => {
    const v = value as { params?: { CN?: string }, val?: string } | string
    return typeof v === 'string' ? { cn: null, value: v } : { cn: v.params?.CN ?? null, value: String(v.val) }
  }
  const events = Object.values(data).filter((c) => c?.type === 'VEVENT') as unknown as Array<Record<string, unknown>>
  const calendar = Object.values(data).find((c) => c?.type === 'VCALENDAR') as unknown as Record<string, unknown> | undefined
  const plain = (value: unknown) => typeof value === 'object' && value !== null && 'val' in value ? String((value as { val: unknown }).val) : String(value)
  return {
    name: calendar?.['WR-CALNAME'] ? String(calendar['WR-CALNAME']) : null,
    events: events.map((event) => ({
      uid: String(event.uid),
      summary: plain(event.summary),
      description: event.description === undefined ? null : plain(event.description),
      organizer: cn(event.organizer),
      attendees: (event.attendee === undefined ? [] : Array.isArray(event.attendee) ? event.attendee : [event.attendee]).map(cn)
    }))
  }
}

async function withPython (reader: string, file: string): Promise<Read> {
  const { stdout } = await run(PYTHON, [READ, reader, file], { maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(stdout) as Read
}

/** khal imports the feed into a calendar of its own, then lists it: titles as khal shows them, and the files it stored. */
async function withKhal (file: string, dir: string): Promise<{ titles: string[], stored: string[] }> {
  const home = await mkdtemp(join(dir, 'khal-'))
  await mkdir(join(home, 'calendar'))
  const config = join(home, 'config')
  await writeFile(config, [
    '[calendars]', '[[interop]]', `path = ${join(home, 'calendar')}`, 'type = calendar',
    '[locale]', 'timeformat = %H:%M', 'dateformat = %Y-%m-%d', 'longdateformat = %Y-%m-%d',
    'datetimeformat = %Y-%m-%d %H:%M', 'longdatetimeformat = %Y-%m-%d %H:%M',
    'local_timezone = Asia/Ho_Chi_Minh', 'default_timezone = Asia/Ho_Chi_Minh',
    '[sqlite]', `path = ${join(home, 'khal.db')}`, ''
  ].join('\n'))
  const env = { ...process.env, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }
  await run('khal', ['-c', config, 'import', '--batch', '-a', 'interop', file], { env })
  const { stdout } = await run('khal', ['-c', config, 'list', '--format', '{title}', '--day-format', '', '2000-01-01', '2100-01-01'], { env, maxBuffer: 64 * 1024 * 1024 })
  const stored = await Promise.all((await readdir(join(home, 'calendar'))).map((name) => readFile(join(home, 'calendar', name), 'utf8')))
  return { titles: stdout.split('\n').filter(Boolean), stored }
}

/** A double quote in a name is written as a typographic one, which every reader shows alike (see paramText). */
const plain = (name: string | null) => name?.replace(/[“”]/g, '"') ?? null

/**
 * node-ical (0.26, and 0.27 as published) splits a line's parameters at every semicolon, inside
 * quoted values too: a name with a semicolon comes back cut there, with the opening quote. That is
 * its defect (RFC 5545 3.2 allows semicolons in quoted values; the five other readers keep them);
 * asserted exactly, so that any other loss still fails.
 */
const nodeIcalName = (name: string | null) => name !== null && name.includes(';') ? `"${name.slice(0, name.indexOf(';'))}` : name

t.test('every kind of feed, with hostile names and titles in every state, reads back alike in six parsers', async (t) => {
  const missing = [PYTHON, '/usr/bin/khal'].filter((path) => !existsSync(path))
  if (missing.length) {
    t.fail(`missing ${missing.join(', ')}: apt-get install python3-icalendar python3-vobject python3-gi gir1.2-ical-3.0 khal`)
    return
  }
  const { app } = await build(t)
  const h = await seedHierarchy(app)
  const dir = await mkdtemp(join(tmpdir(), 'giaitrinh-interop-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const wardName = 'Phường Láng, Ô Chợ Dừa; "Đống Đa" \\ mới 🏛️'
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.wardA.id}`, headers: admin, payload: { name: wardName } })).status, 200)
  t.equal((await call(app, { method: 'PATCH', url: `/v1/councils/${h.district.id}`, headers: admin, payload: { name: 'Quận "Đống Đa"; mới, \\ ^ 🇻🇳' } })).status, 200)
  const names = [
    'Lê "Minh" Hoàng; Ban Pháp chế',
    'Mallory":mailto:evil@attacker.example;X="',
    'Evil "Name";ROLE=CHAIR',
    'Trần Thị ^Mũ^ \\ Gạch, 👩‍⚖️',
    'Nguyễn Văn A,B;C:D'
  ]
  const people: string[] = []
  for (const [i, fullName] of names.entries()) {
    const response = await call(app, { method: 'POST', url: '/v1/people', headers: admin, payload: { fullName, kind: 'official', ownerCouncilId: h.wardA.id, ...(i < 4 ? { email: `p${i}@catlinh.example` } : {}) } })
    t.equal(response.status, 201)
    people.push(response.body.id as string)
  }
  const longTitle = ('Giải trình về quản lý trật tự đô thị, vỉa hè; "lòng đường" \\ ✅ ').repeat(10).slice(0, 500)
  const states = ['scheduled', 'draft', 'postponed', 'held', 'cancelled'] as const
  const hearings: Record<string, string> = {}
  for (const [i, state] of states.entries()) {
    const hearing = await createHearing(app, {
      councilId: h.wardA.id,
      status: state === 'draft' ? 'draft' : 'scheduled',
      title: `${longTitle.slice(0, 499 - state.length)} ${state}`, // 500 characters, most of them multi-byte
      description: 'Nội dung: "trật tự"; vỉa hè, \\ lòng đường\nDòng hai',
      location: 'Hội trường "A"; tầng 2, \\ số 1',
      ...slotAt(state === 'held' ? '2026-11-26' : `2026-12-${String(14 + i).padStart(2, '0')}`)
    })
    hearings[state] = hearing.id
    for (const [j, personId] of people.entries()) {
      const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId, role: j === 0 ? 'explainer' : 'attendee' } })
      t.equal(invited.status, 201)
      if (j === 1) {
        await call(app, { method: 'POST', url: `/v1/invitations/${invited.body.invitationToken}/response`, payload: { response: 'delegated', substituteName: 'Phó "Thay" ; , \\ Thế', substitutePosition: 'Phó Chủ tịch' } })
      }
    }
    if (state === 'postponed') await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/postpone`, headers: admin, payload: { reason: 'Lý do "hoãn"; \\ ,' } })
    if (state === 'cancelled') await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/cancel`, headers: admin, payload: { reason: 'Lý do "hủy"; \\ ,' } })
    if (state === 'held') await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/outcome`, headers: admin, payload: { summary: 'Kết quả "tốt"; \\ ,' } })
  }
  const restricted = await createHearing(app, { councilId: h.wardA.id, status: 'scheduled', visibility: 'restricted', title: 'Phiên kín "🔒"', ...slotAt('2026-12-21') })
  await call(app, { method: 'POST', url: `/v1/hearings/${restricted.id}/participants`, headers: admin, payload: { personId: people[0], role: 'attendee' } })
  const otherWard = await createHearing(app, { councilId: h.wardB.id, status: 'scheduled', title: 'Phường Hàng Bột; "khác"', ...slotAt('2026-12-22') })

  const link = await call(app, { method: 'POST', url: `/v1/people/${people[0]}/feed-link`, headers: admin })
  const feeds = {
    council: { path: `/feeds/councils/${h.wardA.id}.ics`, events: [hearings.scheduled, hearings.postponed, hearings.held, hearings.cancelled], attendees: false },
    descendants: { path: `/feeds/councils/${h.district.id}.ics?descendants=1`, events: [hearings.scheduled, hearings.postponed, hearings.held, hearings.cancelled, otherWard.id], attendees: false },
    personal: { path: new URL(link.body.url as string).pathname, events: [...Object.values(hearings), restricted.id], attendees: true },
    hearing: { path: `/v1/hearings/${hearings.scheduled}/calendar.ics`, events: [hearings.scheduled], attendees: true }
  }
  const substitute = 'Phó "Thay" ; , \\ Thế – Phó Chủ tịch'
  for (const [kind, feed] of Object.entries(feeds)) {
    const response = await app.inject({ url: feed.path, headers: kind === 'hearing' ? admin : {} })
    t.equal(response.statusCode, 200, `${kind}: served`)
    const file = join(dir, `${kind}.ics`)
    await writeFile(file, response.rawPayload)

    // ical.js reads RFC 6868: the reference. Its names are exactly ours.
    const reference = withIcalJs(response.body)
    t.same(reference.events.map((e) => e.uid.split('@')[0]).sort(), [...feed.events].sort(), `${kind}: ical.js sees every event`)
    for (const event of reference.events) {
      t.equal(plain(event.organizer.cn), `HĐND ${event.uid.startsWith(otherWard.id) ? 'phường Hàng Bột' : wardName.replace(/^Phường /, 'phường ')}`, `${kind}: the organizer's name exactly`)
      if (feed.attendees && !event.uid.startsWith(restricted.id)) {
        t.same(event.attendees.map((a) => plain(a.cn)).sort(), [...names, substitute].sort(), `${kind}: every attendee's name exactly (ical.js)`)
        t.equal(new Set(event.attendees.map((a) => a.value)).size, names.length + 1, `${kind}: an address of their own for each`)
      }
    }

    const readers: Record<string, () => Promise<Read> | Read> = {
      'node-ical': () => withNodeIcal(response.body),
      'python3-icalendar': () => withPython('icalendar', file),
      'python3-vobject (validating)': () => withPython('vobject', file),
      libical: () => withPython('libical', file)
    }
    for (const [reader, read] of Object.entries(readers)) {
      let got: Read
      try {
        got = await read()
      } catch (error) {
        t.fail(`${kind}: ${reader} rejects the feed: ${(error as Error).message.slice(0, 500)}`)
        continue
      }
      t.same(got.events.map((e) => e.uid).sort(), reference.events.map((e) => e.uid).sort(), `${kind}: ${reader} sees every event`)
      for (const event of reference.events) {
        const theirs = got.events.find((e) => e.uid === event.uid)
        if (!theirs) continue
        t.equal(theirs.summary, event.summary, `${kind}: ${reader} keeps the 500-character title`)
        t.equal(theirs.description, event.description, `${kind}: ${reader} keeps the description`)
        const expected = reader === 'node-ical' ? nodeIcalName : (name: string | null) => name
        t.equal(theirs.organizer.cn, expected(event.organizer.cn), `${kind}: ${reader} keeps the organizer's name`)
        const pairs = (list: Read['events'][number]['attendees'], name: (cn: string | null) => string | null) => list.map((a) => `${name(a.cn)} <${a.value.toLowerCase()}>`).sort()
        t.same(pairs(theirs.attendees, (cn) => cn), pairs(event.attendees, expected), `${kind}: ${reader} keeps every attendee, their names and their addresses`)
      }
    }

    const khal = await withKhal(file, dir)
    t.equal(khal.titles.length, feed.events.length, `${kind}: khal lists every event`)
    t.same(khal.titles.sort(), reference.events.map((e) => e.summary).sort(), `${kind}: with its title, as given`)
    if (feed.attendees) {
      const attendeeLines = khal.stored.join('').replace(/\r?\n[ \t]/g, '').match(/^ATTENDEE[;:]/gm) ?? []
      t.equal(attendeeLines.length, reference.events.reduce((n, e) => n + e.attendees.length, 0), `${kind}: khal keeps every attendee`)
    }
  }
})
