import { defineConfig } from 'vitest/config';

// One suite for the whole repository. Database tests pick PGlite or PostgreSQL from the
// environment (see packages/server/test/helpers/db.ts), so CI runs this config twice.
// CI runs the README's `npm test` exactly as written and counts results from a JSON report it
// asks for through the environment.
const jsonReport = process.env.CARETHREAD_TEST_REPORT;

export default defineConfig({
  test: {
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
    include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['scripts/test-setup.ts'],
    // Waits for asynchronous effects (outbox, routing timers, sockets) poll for up to 10 s, not
    // the 1 s default: on a busy 2-core CI machine a second is a thin margin, and a real
    // failure still fails, only later.
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
