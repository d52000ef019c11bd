// Test runner configuration: every suite under test/, run in forks (better-sqlite3 is native),
// with a generous timeout for the suites that start processes or load large collections.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
