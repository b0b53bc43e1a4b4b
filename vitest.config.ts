import { randomInt } from 'node:crypto';
import { configDefaults, defineConfig } from 'vitest/config';

// Files and the tests in each file run in a shuffled order, so a test that leans on what another
// left behind fails instead of passing by luck. CI pins one order so a red build can be repeated
// exactly; elsewhere each run draws a new one. The seed is printed at the start: TEST_ORDER_SEED=<n>
// replays that order, TEST_ORDER_SEED=random draws a new one in CI (as FC_SEED does for the
// property tests, see scripts/test-setup.ts).
// (This file is read once for the suite and once per project below: the seed drawn first is
// kept in CARETHREAD_TEST_ORDER_SEED_DRAWN so every reading uses it and it is printed once.)
const wantedOrder = process.env.TEST_ORDER_SEED ?? (process.env.CI ? '20261207' : 'random');
const drawn = process.env.CARETHREAD_TEST_ORDER_SEED_DRAWN;
const orderSeed = wantedOrder !== 'random' ? Number(wantedOrder) : drawn ? Number(drawn) : randomInt(1, 2 ** 31 - 1);
if (!Number.isSafeInteger(orderSeed)) throw new Error(`TEST_ORDER_SEED must be an integer or "random", not ${JSON.stringify(wantedOrder)}`);
if (!drawn) {
  process.env.CARETHREAD_TEST_ORDER_SEED_DRAWN = String(orderSeed);
  console.log(`Test order: shuffled with seed ${orderSeed} (TEST_ORDER_SEED=${orderSeed} replays it)`);
}

// Files whose tests still pass state from one to the next (or were not yet checked shuffled:
// the browser tests): they run in the written order until each test sets up its own data.
// Take a file off this list once it passes alone and shuffled (`--sequence.seed=7` and `=11`).
const notYetOrderIndependent = [
  'bench/test/bench.test.ts',
  'packages/server/test/*.browser.test.ts',
  'packages/server/test/assistant.test.ts',
  'packages/server/test/assistant-handling.test.ts',
  'packages/server/test/auth-oidc.test.ts',
  // The walk's last routes and "the admin token still works after the walk" must come last.
  'packages/server/test/fuzz-rest.test.ts',
  'packages/server/test/portal.test.ts',
];

// One suite for the whole repository. Database tests pick PGlite or PostgreSQL from the
// environment (see packages/server/test/helpers/db.ts), so CI runs this config twice.
// CI runs the README's `npm test` exactly as written and counts results from a JSON report it
// asks for through the environment.
const jsonReport = process.env.CARETHREAD_TEST_REPORT;

const common = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  setupFiles: ['scripts/test-setup.ts'],
  // Waits for asynchronous effects (outbox, routing timers, sockets) poll for up to 10 s, not
  // the 1 s default: on a busy 2-core CI machine a second is a thin margin, and a real
  // failure still fails, only later.
  expect: { poll: { timeout: 10_000, interval: 50 } },
};

export default defineConfig({
  test: {
    ...common,
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
    projects: [
      {
        test: {
          ...common,
          name: 'shuffled',
          include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...notYetOrderIndependent],
          sequence: { shuffle: true, seed: orderSeed },
        },
      },
      { test: { ...common, name: 'in order', include: notYetOrderIndependent } },
    ],
  },
});
