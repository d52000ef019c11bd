// ESLint (flat config): typescript-eslint's type-aware recommended rules (recommendedTypeChecked)
// on every TypeScript file of the product and its tests; tsconfig.json (product) and
// test/tsconfig.json (tests) give the types. `npm run lint` runs it; `npm test` runs lint first.
// The exceptions, each with its reason:
// - require-await: off. fastify plugins and route handlers are `async` by fastify's convention
//   (an async plugin signals it is ready by resolving), and interface methods are `async` so
//   that an implementation may await; an `async` function without `await` is not a bug here.
// - no-unused-vars: a leading `_` marks a value that is deliberately unused (a destructured
//   field left out of a rest, a callback parameter kept for its position).
// - only-throw-error, prefer-promise-reject-errors: a failure captured as `unknown` (a batch's
//   rejection; an AbortSignal's reason, typed any) may be rethrown as it came; anything we
//   create is an Error.
// - Tests: the no-unsafe-* rules, no-explicit-any, restrict-template-expressions and
//   no-base-to-string are off. Tests parse JSON (CLI output, API bodies, collection lines),
//   assert on its shape and print raw values in failure messages; typing every document would
//   only repeat the assertions. no-unnecessary-type-assertion is off too (tests narrow parsed
//   CSV and values assigned in loops, which the rule misreads), and unbound-method (tests save
//   `process.stdout.write` to restore it). Product code keeps them all on: raw API JSON is
//   narrowed at the boundary.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.revenant/**', '.neo4j/**', 'neo4j-launcher/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript (bin, scripts, benchmarks, this file): no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Benchmarks that drive the console in Chromium pass functions that run in the page.
    files: ['bench/console*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
