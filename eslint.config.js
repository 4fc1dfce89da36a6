import neostandard from 'neostandard'

// The style the code follows (standard, with TypeScript); lint runs in CI with --max-warnings 0.
export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'coverage/**', '.tap/**', 'node_modules/**', 'drizzle/meta/**', 'openapi/**']
  }),
  // Queries live in src/db (ARCHITECTURE.md): nothing else in src/ speaks drizzle or reads the tables.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'Queries belong in src/db/queries (ARCHITECTURE.md).' },
          { group: ['**/db/schema.js'], allowTypeImports: true, message: 'Tables are read and written in src/db/queries; import their types only.' }
        ]
      }]
    }
  }
]
