import fc from 'fast-check';

// Property tests: CI runs them with one pinned seed so a red build can be repeated exactly;
// elsewhere each run explores a new seed. FC_SEED=<n> pins any run (fast-check prints the
// seed and path of every failure: copy them here to replay it), FC_SEED=random explores in CI.
const wanted = process.env.FC_SEED ?? (process.env.CI ? '20261207' : 'random');
if (wanted !== 'random') {
  const seed = Number(wanted);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(wanted)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
