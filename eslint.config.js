// ESLint 9 flat config (`npm run lint`, also run by `npm test`). Two layers:
// - bugs: typescript-eslint's recommended type-checked rules and a few more, on the TypeScript
//   files, with the types of tsconfig.json (projectService);
// - style: neostandard, the successor of standard that Fastify's repos use, which the code already
//   follows (no semicolons, a space before function parentheses); it comes second so its options
//   for shared rules (unused vars, prefer-const) win.
// A rule that flags an intended pattern is tuned or turned off here, with the reason; the choices
// are explained in docs/architecture.md ("Linting").
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'eslint/config'
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

const root = path.dirname(fileURLToPath(import.meta.url))

const unsafeAnyRules = {
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-return': 'off'
}

export default defineConfig(
  // Built, generated or run-time files (node_modules is ignored by ESLint itself).
  { ignores: ['dist/', 'coverage/', '.tap/', 'data/', 'test/clients/generated/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked]
  },
  ...neostandard({ ts: true, noJsx: true }),
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root }
    },
    rules: {
      // tap runs and awaits the subtests that t.test() queues; every other promise is awaited or `void`-ed.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafePromises: [{ from: 'package', package: '@tapjs/core', name: 'PromiseWithSubtest' }]
      }],
      // `void promise` is how a fire-and-forget call is marked for no-floating-promises.
      'no-void': ['error', { allowAsStatement: true }],
      // A switch over a union (error codes, drivers, formats) must name every member.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Only where it changes behaviour: a promise returned unawaited from a try escapes its catch.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // Off: Fastify plugins and async interface methods with sync bodies are async by contract.
      '@typescript-eslint/require-await': 'off',
      // Off: TypeScript reports real redeclarations; a TypeBox schema and its Static type share a name by design.
      '@typescript-eslint/no-redeclare': 'off',
      // Off: neostandard's untyped versions, replaced by the type-aware ones above.
      'no-throw-literal': 'off',
      'prefer-promise-reject-errors': 'off',
      'no-implied-eval': 'off'
    }
  },
  {
    // Tests read answers as loose JSON (JSON.parse gives any); an unexpected shape fails the assertion.
    files: ['test/**/*.ts'],
    rules: unsafeAnyRules
  },
  {
    // The OpenAPI pass walks the document @fastify/swagger builds, loosely typed JSON; the drift
    // test (test/contract/openapi-document.test.ts) checks what comes out.
    files: ['src/openapi/finish-document.ts', 'src/openapi/tidy-schemas.ts', 'src/openapi/multipart-body.ts', 'src/openapi/event-stream-body.ts', 'test/contract/openapi-document.test.ts', 'test/contract/stream-events.test.ts'],
    rules: { ...unsafeAnyRules, '@typescript-eslint/no-explicit-any': 'off' }
  }
)
