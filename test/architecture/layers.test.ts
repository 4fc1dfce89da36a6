import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'

/**
 * The layers of ARCHITECTURE.md, read from the code: which folder of src/ may import which. A
 * folder imports only those below it, so there is no cycle between folders; type-only imports
 * count too. Keep this table and ARCHITECTURE.md's alike.
 */
const MAY_IMPORT: Record<string, string[]> = {
  words: [],
  links: [],
  domain: ['words'],
  config: ['domain'],
  logging: [],
  db: ['domain', 'words'],
  schemas: ['domain', 'words'],
  policy: ['db', 'domain'],
  views: ['db', 'domain'],
  feeds: ['config', 'db', 'domain', 'links', 'schemas', 'words'],
  notifications: ['config', 'db', 'domain', 'feeds', 'links', 'words'],
  pages: ['db', 'domain', 'links', 'schemas', 'words'],
  services: ['db', 'domain', 'notifications', 'policy', 'schemas', 'words'],
  demo: ['db', 'domain', 'services', 'words'],
  plugins: ['config', 'db', 'domain', 'feeds', 'logging', 'notifications', 'pages', 'policy', 'schemas', 'services', 'words'],
  routes: ['config', 'db', 'domain', 'feeds', 'links', 'notifications', 'pages', 'plugins', 'policy', 'schemas', 'services', 'views', 'words'],
  app: ['config', 'db', 'domain', 'logging', 'plugins', 'routes', 'schemas'],
  server: ['app', 'config', 'db'],
  cli: ['app', 'config', 'db', 'demo', 'domain', 'links', 'notifications', 'schemas', 'services']
}

const src = join(process.cwd(), 'src')

function files (folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    return entry.isDirectory() ? files(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

/** src/routes/console/hearing.ts → routes; src/app.ts → app. */
function layerOf (path: string): string {
  const [first, ...rest] = relative(src, path).split(/[\\/]/)
  return rest.length ? first! : first!.replace(/\.(ts|js)$/, '')
}

function importGraph () {
  const edges: Array<{ from: string, to: string, file: string, specifier: string }> = []
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)) {
      const target = normalize(join(dirname(file), match[1]!))
      edges.push({ from: layerOf(file), to: layerOf(target), file: relative(process.cwd(), file), specifier: match[1]! })
    }
  }
  return edges.filter((edge) => edge.from !== edge.to)
}

t.test('every folder of src/ imports only the layers below it (ARCHITECTURE.md)', async (t) => {
  const edges = importGraph()
  t.ok(edges.length > 100, `${edges.length} imports between folders read`)
  const layers = new Set(edges.flatMap((edge) => [edge.from, edge.to]))
  t.same([...layers].filter((layer) => !(layer in MAY_IMPORT)), [], 'every folder has its place in the table')
  const upward = edges.filter((edge) => !MAY_IMPORT[edge.from]?.includes(edge.to)).map((edge) => `${edge.file} → ${edge.specifier}`)
  t.same(upward, [], 'no import against the layers')
})

t.test('the layers have no cycle: no folder reaches itself through others', async (t) => {
  const reach = (from: string, seen = new Set<string>()): Set<string> => {
    for (const next of MAY_IMPORT[from] ?? []) if (!seen.has(next)) { seen.add(next); reach(next, seen) }
    return seen
  }
  for (const layer of Object.keys(MAY_IMPORT)) t.notOk(reach(layer).has(layer), `${layer} does not reach itself`)
  // And the graph the code has, not only the table: a cycle would be an upward import above.
  const graph = new Map<string, Set<string>>()
  for (const edge of importGraph()) graph.set(edge.from, (graph.get(edge.from) ?? new Set()).add(edge.to))
  const cyclic = [...graph.keys()].filter((start) => {
    const stack = [...(graph.get(start) ?? [])]
    const seen = new Set<string>()
    while (stack.length) {
      const next = stack.pop()!
      if (next === start) return true
      if (!seen.has(next)) { seen.add(next); stack.push(...(graph.get(next) ?? [])) }
    }
    return false
  })
  t.same(cyclic, [], 'no folder cycle in the code')
})

t.test('no zone constant outside the domain, and one definition of the service zone', async (t) => {
  const definitions = files(src).flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    return [...text.matchAll(/(?:const|let)\s+([A-Z_]*ZONE[A-Z_]*)\s*=/g)].map((match) => `${relative(src, file)}: ${match[1]}`)
  })
  t.same(definitions, ['domain/councils.ts: COUNCIL_ZONE'], 'COUNCIL_ZONE in domain/councils.ts, and no other')
  const literal = files(src).filter((file) => !file.includes(`${join('src', 'domain')}`) && !file.includes(join('src', 'words')) && /'Asia\/Ho_Chi_Minh'/.test(readFileSync(file, 'utf8')))
  t.same(literal.map((file) => relative(src, file)), [], 'no "Asia/Ho_Chi_Minh" literal outside domain/ (and the words that name it)')
})
