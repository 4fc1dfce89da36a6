import t from 'tap'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir, hostname } from 'node:os'
import { join } from 'node:path'
import { AuthFailureLimiter } from '../src/domain/auth-failures.js'
import { canReadPrivate, canWrite, readScope, type Principal } from '../src/domain/access.js'
import { parentProblem } from '../src/domain/councils.js'
import { slugify } from '../src/domain/slug.js'
import { generateSecret, hashSecret, secretsEqual } from '../src/domain/tokens.js'
import { acquireDataDirLock } from '../src/db/data-dir-lock.js'
import { loadConfig } from '../src/config.js'

t.test('access rules', async (t) => {
  const secretariat: Principal = { role: 'secretariat', tokenId: 't1', label: 'x', councilId: 'ward' }
  const supervisor: Principal = { role: 'supervisor', tokenId: 't2', label: 'x', councilId: 'district' }
  const admin: Principal = { role: 'admin', tokenId: null, label: 'x' }
  t.ok(canReadPrivate(secretariat, ['ward', 'district', 'city']))
  t.notOk(canReadPrivate(secretariat, ['other-ward', 'district', 'city']))
  t.notOk(canReadPrivate(secretariat, ['district', 'city']), 'not its parent')
  t.ok(canReadPrivate(supervisor, ['ward', 'district', 'city']))
  t.ok(canReadPrivate(supervisor, ['district', 'city']))
  t.notOk(canReadPrivate(supervisor, ['city']))
  t.notOk(canReadPrivate(undefined, ['ward']))
  t.ok(canReadPrivate(admin, ['anything']))
  t.ok(canWrite(secretariat, 'ward'))
  t.notOk(canWrite(secretariat, 'other-ward'))
  t.notOk(canWrite(supervisor, 'district'), 'supervisors only read')
  t.notOk(canWrite(undefined, 'ward'))
  t.same(readScope(admin), { all: true })
  t.same(readScope(supervisor), { all: false, rootCouncilId: 'district', descendants: true })
  t.same(readScope(secretariat), { all: false, rootCouncilId: 'ward', descendants: false })
})

t.test('council placement', async (t) => {
  t.equal(parentProblem({ level: 'ward' }, { level: 'district' }, ['d', 'c']), undefined)
  t.equal(parentProblem({ level: 'commune' }, { level: 'province' }, ['p']), undefined, 'communes sit under provinces since 2025')
  t.match(parentProblem({ level: 'district' }, { level: 'district' }, ['d']), /cannot be placed under a district/)
  t.match(parentProblem({ id: 'c', level: 'ward' }, { level: 'district' }, ['d', 'c']), /own ancestor/)
})

t.test('slugs from Vietnamese names', async (t) => {
  t.equal(slugify('Ô Chợ Dừa'), 'o-cho-dua')
  t.equal(slugify('Văn Miếu – Quốc Tử Giám'), 'van-mieu-quoc-tu-giam')
  t.equal(slugify('Đống Đa'), 'dong-da')
})

t.test('token secrets', async (t) => {
  const secret = generateSecret()
  t.match(secret, /^gt_[A-Za-z0-9_-]{43}$/)
  t.not(generateSecret(), secret)
  t.equal(hashSecret(secret).length, 64)
  t.ok(secretsEqual(secret, secret))
  t.notOk(secretsEqual(secret, `${secret}x`))
})

t.test('failed-authentication limiter', async (t) => {
  let now = 0
  const limiter = new AuthFailureLimiter(3, () => now, 60_000, 2)
  limiter.fail('a'); limiter.fail('a')
  t.equal(limiter.retryAfter('a'), 0, 'below the limit')
  limiter.fail('a')
  t.equal(limiter.retryAfter('a'), 60)
  now = 30_000
  t.equal(limiter.retryAfter('a'), 30)
  limiter.fail('b')
  limiter.fail('c')
  t.equal(limiter.retryAfter('a'), 30, 'a full table forgets a client that is not blocked, never a blocked one')
  now = 200_000
  t.equal(limiter.retryAfter('b'), 0, 'windows expire')
  limiter.fail('b')
  t.equal(limiter.retryAfter('b'), 0, 'a new window starts after the old one')
})

t.test('data directory lock', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'giaitrinh-lock-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const lock = acquireDataDirLock(dir)
  t.throws(() => acquireDataDirLock(dir), { code: 'GT_DATA_DIR_BUSY', message: /in use by process/ }, 'the same process cannot open it twice')
  lock.release()
  lock.release()
  const again = acquireDataDirLock(dir)
  again.release()
  await writeFile(join(dir, 'giaitrinh.lock'), '')
  t.throws(() => acquireDataDirLock(dir), { message: /lock file/ }, 'a lock being written is held')
  await writeFile(join(dir, 'giaitrinh.lock'), JSON.stringify({ pid: 1, host: `not-${hostname()}` }))
  t.throws(() => acquireDataDirLock(dir), { message: /in use by process 1 on not-/ }, 'a lock of another host is held')
  await writeFile(join(dir, 'giaitrinh.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }))
  acquireDataDirLock(dir).release()
  t.pass('a lock of a dead process is taken over')
})

t.test('configuration', async (t) => {
  const config = loadConfig({ PORT: '8080', DATABASE_URL: '', ADMIN_TOKEN: 'x'.repeat(32), TRUST_PROXY: '127.0.0.1, 10.0.0.0/8', HOME: '/root' })
  t.equal(config.PORT, 8080)
  t.equal(config.DATABASE_URL, undefined, 'an empty variable is unset')
  t.equal(config.TRUST_PROXY, '127.0.0.1,10.0.0.0/8', 'the proxies to believe')
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY, undefined, 'false: none')
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }), { message: /TRUST_PROXY=true would believe any client/ })
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' }), { message: /TRUST_PROXY/ })
  t.throws(() => loadConfig({ TRUST_PROXY: 'proxy.example' }), { message: /TRUST_PROXY/ })
  t.equal(config.DATA_DIR, './data')
  t.notOk('HOME' in config, 'only known settings')
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'giaitrinh.vn' }), { message: /PUBLIC_BASE_URL/ })
  t.throws(() => loadConfig({ BODY_LIMIT: '10' }), { message: /BODY_LIMIT/ })
})

t.test('a sender mail servers would refuse stops the start: an IP literal as MAIL_FROM\'s domain, or as the default sender\'s', async (t) => {
  const smtp = { SMTP_URL: 'smtp://127.0.0.1:2525' }
  t.throws(() => loadConfig({ ...smtp, MAIL_FROM: 'HĐND <noreply@10.0.0.5>' }), { message: /MAIL_FROM's domain 10\.0\.0\.5 is an IP address/ })
  t.throws(() => loadConfig({ ...smtp, MAIL_FROM: 'noreply@[2001:db8::1]' }), { message: /MAIL_FROM's domain 2001:db8::1 is an IP address/ })
  t.throws(() => loadConfig({ ...smtp, PUBLIC_BASE_URL: 'http://192.168.1.20:3000' }), { message: /MAIL_FROM must be set: PUBLIC_BASE_URL's host 192\.168\.1\.20/ })
  t.equal(loadConfig({ ...smtp, PUBLIC_BASE_URL: 'http://192.168.1.20:3000', MAIL_FROM: 'HĐND phường <hdnd@catlinh.gov.vn>' }).MAIL_FROM, 'HĐND phường <hdnd@catlinh.gov.vn>', 'a domain is accepted')
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'http://192.168.1.20:3000' }).SMTP_URL, undefined, 'without SMTP (.eml files) nothing is refused')
})

t.test('possible duplicates: the same name without diacritics, an address in any case, a phone written with +84 or dots; no one is their own duplicate', async (t) => {
  const { possibleDuplicates, phoneKey } = await import('../src/domain/duplicates.js')
  t.equal(phoneKey('+84 912 345 678'), '0912345678')
  t.equal(phoneKey('0912.345.678'), '0912345678')
  const people = [
    { id: 'a', fullName: 'Đặng  Văn Đức', email: null, phone: null },
    { id: 'b', fullName: 'dang van duc', email: 'x@y.vn', phone: null },
    { id: 'c', fullName: 'Khác', email: 'X@Y.vn', phone: '024 3823 4567' },
    { id: 'd', fullName: 'Riêng', email: null, phone: '024 3823 4567' },
    { id: 'e', fullName: 'Một mình', email: null, phone: '113' }
  ]
  const found = possibleDuplicates(people)
  t.same(found.get('a')?.map((d) => [d.other.id, d.reasons]), [['b', ['name']]])
  t.same(found.get('b')?.map((d) => [d.other.id, d.reasons]), [['a', ['name']], ['c', ['email']]])
  t.same(found.get('c')?.map((d) => [d.other.id, d.reasons]), [['b', ['email']], ['d', ['phone']]])
  t.notOk(found.has('e'), 'a short number is not a key')
})
