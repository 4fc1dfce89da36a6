import neostandard from 'neostandard'

// The style the code follows (standard, with TypeScript); lint runs in CI with --max-warnings 0.
export default neostandard({
  ts: true,
  ignores: ['dist/**', 'coverage/**', '.tap/**', 'node_modules/**', 'drizzle/meta/**', 'openapi/**']
})
