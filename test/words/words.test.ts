import t from 'tap'
import { TERMS, type Lang } from '../../src/words/terms.js'
import { words } from '../../src/words/pages.js'
import { FEED } from '../../src/words/feeds.js'
import { MAIL } from '../../src/words/mail.js'
import { ERRORS, type ErrorCode } from '../../src/words/errors.js'
import { admin, build, call, seedHierarchy } from '../helper.js'
import { createHearing, createPerson, slotAt } from '../hearings-helper.js'
import { cookieHeader, getPage, signedInAs } from '../pages-helper.js'

const LANGS: Lang[] = ['vi', 'en']
const ROLES = ['explainer', 'attendee', 'guest'] as const
const STATUSES = ['draft', 'scheduled', 'postponed', 'held', 'cancelled'] as const
const ANSWERS = ['pending', 'accepted', 'declined', 'delegated'] as const
const MEMBER_ROLES = ['chair', 'vice_chair', 'standing_member', 'delegate', 'secretary'] as const
const COVERAGE = ['covered', 'scheduled', 'outcome_missing', 'uncovered', 'not_applicable'] as const

t.test('every role, status, answer, membership role and coverage status has a word in each language, never the raw value', async (t) => {
  for (const lang of LANGS) {
    const terms = TERMS[lang]
    for (const [table, keys] of [['role', ROLES], ['status', STATUSES], ['answer', ANSWERS], ['memberRole', MEMBER_ROLES], ['coverageStatus', COVERAGE]] as const) {
      const words = terms[table] as Record<string, string>
      t.same(Object.keys(words).sort(), [...keys].sort(), `${lang} ${table}: exactly the domain's values`)
      for (const key of keys) {
        t.ok(words[key] && words[key] !== key && !/_/.test(words[key]!), `${lang} ${table}.${key} is a word: "${words[key]}"`)
      }
    }
  }
  t.not(TERMS.vi.role.guest, TERMS.en.role.guest, 'Vietnamese and English differ')
})

t.test('every error code has a status, an English and a Vietnamese sentence', async (t) => {
  // Any fact an error may name, as a value that shows in the sentence.
  const facts = new Proxy({}, { get: (_, key) => key === 'status' ? 'scheduled' : `«${String(key)}»` }) as Record<string, string>
  const vietnameseLetter = /[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/i
  const codes = Object.keys(ERRORS) as ErrorCode[]
  t.ok(codes.length > 80, `${codes.length} codes`)
  for (const code of codes) {
    const { status, en, vi } = ERRORS[code]
    t.ok(status >= 400 && status < 600, `${code}: an error status (${status})`)
    const english = en(facts)
    const vietnamese = vi(facts)
    t.ok(english.length > 10 && /^[\x20-\x7e«»…–]+$/.test(english), `${code}: English "${english}"`)
    t.ok(vietnameseLetter.test(vietnamese), `${code}: Vietnamese "${vietnamese}"`)
    t.not(vietnamese, english, `${code}: the two differ`)
    t.notMatch(vietnamese, /\b(the|must|not|is|cannot)\b/, `${code}: no English words in the Vietnamese`)
  }
})

t.test('pages, e-mails and feeds name roles and answers from the one catalogue', async (t) => {
  for (const lang of LANGS) {
    t.equal(words(lang).role, TERMS[lang].role, `${lang}: pages`)
    t.equal(words(lang).answer, TERMS[lang].answer, `${lang}: pages' answers`)
    t.equal(MAIL[lang].roles, TERMS[lang].role, `${lang}: e-mails`)
    t.equal(FEED[lang].roles, TERMS[lang].role, `${lang}: feeds`)
    t.equal(FEED[lang].answers, TERMS[lang].answer, `${lang}: feeds' answers`)
  }
})

t.test('a Vietnamese console and invitation page show a guest\'s and an attendee\'s role in Vietnamese', async (t) => {
  const { app } = await build(t)
  const { wardA } = await seedHierarchy(app)
  const hearing = await createHearing(app, { councilId: wardA.id, status: 'scheduled', ...slotAt('2026-12-15') })
  const secrets: Record<string, string> = {}
  for (const role of ['guest', 'attendee'] as const) {
    const person = await createPerson(app, wardA.id, role === 'guest' ? 'Hoàng Thị Lan' : 'Trần Văn Bình')
    const invited = await call(app, { method: 'POST', url: `/v1/hearings/${hearing.id}/participants`, headers: admin, payload: { personId: person.id, role } })
    t.equal(invited.status, 201, `invited as ${role}`)
    secrets[role] = invited.body.invitationToken as string
  }
  const visibleText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

  for (const role of ['guest', 'attendee'] as const) {
    const { response } = await getPage(app, `/invitations/${secrets[role]}`)
    t.equal(response.statusCode, 200)
    t.match(response.body, new RegExp(`data-testid="role">${TERMS.vi.role[role]}<`), `the ${role}'s invitation page says "${TERMS.vi.role[role]}"`)
    t.notMatch(visibleText(response.body), new RegExp(`\\b${role}\\b`), `and never the raw "${role}"`)
    const english = await getPage(app, `/invitations/${secrets[role]}?lang=en`)
    t.match(english.response.body, new RegExp(`data-testid="role">${TERMS.en.role[role]}<`), `in English: "${TERMS.en.role[role]}"`)
  }

  const cookie = cookieHeader(await signedInAs(app, 'secretariat', wardA.id))
  const consolePage = await app.inject({ url: `/console/hearings/${hearing.id}`, headers: { accept: 'text/html', cookie } })
  t.equal(consolePage.statusCode, 200)
  const text = visibleText(consolePage.body)
  t.match(text, TERMS.vi.role.guest, 'the console lists the guest in Vietnamese')
  t.match(text, TERMS.vi.role.attendee, 'and the attendee')
  t.notMatch(text, /\b(guest|attendee)\b/, 'no raw role anywhere on the page')
})

t.test('the API names each error by its code beside the English sentence', async (t) => {
  const { app } = await build(t)
  const missing = await call(app, { method: 'GET', url: '/v1/councils/00000000-0000-4000-8000-000000000000', headers: admin })
  t.equal(missing.status, 404)
  t.match(missing.body, { code: 'COUNCIL_NOT_FOUND', detail: ERRORS.COUNCIL_NOT_FOUND.en({ id: '00000000-0000-4000-8000-000000000000' }) })
  const invalid = await call(app, { method: 'POST', url: '/v1/councils', headers: admin, payload: { code: 'x', unknown: 1 } })
  t.equal(invalid.status, 400)
  t.equal(invalid.body.code, 'REQUEST_INVALID')
  const noRoute = await call(app, { method: 'GET', url: '/v1/nowhere' })
  t.equal(noRoute.body.code, 'ROUTE_NOT_FOUND')
})
