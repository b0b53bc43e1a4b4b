import { defineConfig } from 'vitest/config';

// One suite for the whole repository. Database tests pick PGlite or PostgreSQL from the
// environment (see packages/server/test/helpers/db.ts), so CI runs this config twice.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
