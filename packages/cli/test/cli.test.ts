import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { durationMinutes, parseScenario } from '../src/scenario.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
  });

describe('carethread replay', () => {
  it('plays every shipped scenario through the pipeline and meets every expectation', () => {
    // Twilio webhooks are signed with the install's own secret, made in the data directory.
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-replay-'));
    const run = cli(['replay', 'scenarios', '--json'], { CARETHREAD_DATA_DIR: dataDir, TWILIO_AUTH_TOKEN: '' });
    expect(existsSync(join(dataDir, 'twilio-webhook-secret'))).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
    expect(run.stderr).toContain('[1/');
    const report = JSON.parse(run.stdout);
    const missed = report.scenarios.filter((s: { passed: boolean }) => !s.passed);
    expect(missed, JSON.stringify(missed, null, 2)).toEqual([]);
    expect(run.status).toBe(0);
    expect(report.scenarios.length).toBeGreaterThanOrEqual(8);
    expect(report.total.failed).toBe(0);
    expect(report.total.channel_switches).toBeGreaterThan(0);
    for (const s of report.scenarios) {
      expect(s.observed).toHaveProperty('interactions');
      expect(s.cases.length).toBe(s.observed.cases);
    }
  });

  it('exits 1 and names the miss when an expectation is not met', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-scn-'));
    writeFileSync(
      join(dir, 'wrong.json'),
      JSON.stringify({
        name: 'deliberately wrong',
        patient: { given: 'Ivy', family: 'Stone', birthDate: '1970-01-01', phone: '+12125550155', known: true },
        steps: [{ channel: 'sms', say: 'I need a refill of metformin' }],
        expect: { cases: 2 },
      }),
    );
    const run = cli(['replay', dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('cases expected 2, saw 1');
    rmSync(dir, { recursive: true });
  });

  it('rejects a malformed scenario with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-scn-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'x', patient: { given: 'A', family: 'B' }, steps: [{ channel: 'fax', say: 'hi' }] }));
    const run = cli(['replay', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('steps[0].channel must be one of');
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(cli(['replay', dir]).stderr).toContain('not valid JSON');
    expect(cli(['replay', join(dir, 'missing.json')]).status).toBe(2);
    rmSync(dir, { recursive: true });
  });
});

describe('scenario parsing', () => {
  it('reads ISO 8601 waits', () => {
    expect(durationMinutes('PT2H')).toBe(120);
    expect(durationMinutes('P3D')).toBe(4320);
    expect(durationMinutes('P1DT30M')).toBe(1470);
    expect(() => durationMinutes('2 hours')).toThrow(/ISO 8601/);
  });

  it('explains what is wrong with a step', () => {
    const base = { name: 'n', patient: { given: 'A', family: 'B' } };
    expect(() => parseScenario({ ...base, steps: [{ channel: 'sms' }] }, 'f')).toThrow(/does nothing/);
    expect(() => parseScenario({ ...base, steps: [{ channel: 'sms', ask: 'birthDate' }] }, 'f')).toThrow(/agent steps/);
    expect(() => parseScenario({ ...base, steps: [{ channel: 'sms', actor: 'agent', ask: 'shoeSize' }] }, 'f')).toThrow(/unknown fact/);
    expect(() => parseScenario({ ...base, steps: [{ channel: 'sms', say: 'x' }], expect: { happiness: 1 } }, 'f')).toThrow(/unknown expect key/);
  });
});

describe('carethread command line', () => {
  it('prints usage and refuses unknown commands', () => {
    expect(cli(['--help']).stdout).toContain('carethread start');
    const unknown = cli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
  });

  it('creates a synthetic organisation with demo, and refuses a slug that exists', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-demo-'));
    const env = { DATABASE_URL: '', CARETHREAD_DATA_DIR: dataDir };
    const first = cli(['demo', '--patients', '40', '--slug', 'northside'], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/organisation "northside" created/);
    expect(first.stdout).toMatch(/admin token/);
    expect(first.stderr).toContain('40/40 synthetic patients');
    const again = cli(['demo', '--patients', '5', '--slug', 'northside'], env);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(cli(['demo', '--patients', 'many'], env).status).toBe(2);
    rmSync(dataDir, { recursive: true, force: true });
    // Two cold CLI processes, each migrating an embedded database: slow on a loaded machine.
  }, 180_000);

  it('starts on an embedded database with a demo organisation and serves the API', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'start'], {
      cwd: repoRoot,
      // Scripts and CI register a token they know; the console prints a set-up link instead of a token.
      env: { ...process.env, PORT: '0', DATABASE_URL: '', CARETHREAD_DATA_DIR: dataDir, CARETHREAD_DEMO_PATIENTS: '50', TWILIO_AUTH_TOKEN: '', CARETHREAD_PUBLIC_URL: '', CARETHREAD_ADMIN_TOKEN: 'ct_cli_test_admin_token_0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 120_000);
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
        const onData = (d: Buffer) => {
          out += d.toString();
          const url = /ready at (http:\/\/\S+)/.exec(out)?.[1];
          const token = /\/setup#\S+/.test(out) ? 'ct_cli_test_admin_token_0123456789' : undefined;
          if (url && token) {
            clearTimeout(timer);
            resolve({ url, token });
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
      });
      const home = await fetch(ready.url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('carethread');
      const docs = await fetch(`${ready.url}/docs/json`);
      expect((await docs.json()).paths).toHaveProperty('/api/v1/channel-events');
      const unauthorized = await fetch(`${ready.url}/api/v1/departments`);
      expect(unauthorized.status).toBe(401);
      const departments = await fetch(`${ready.url}/api/v1/departments`, { headers: { authorization: `Bearer ${ready.token}` } });
      expect(departments.status).toBe(200);
      expect((await departments.json()).length).toBeGreaterThan(3);
      expect(out).toContain('50 synthetic patients');

      // Without TWILIO_AUTH_TOKEN the demo's number answers webhooks signed with this install's
      // own secret (kept owner-only in the data directory), never with a string from the code.
      const secretFile = join(dataDir, 'twilio-webhook-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      const smsUrl = `${ready.url}/channels/twilio/sms`;
      const form = { MessageSid: 'SM00000000000000000000000000000042', From: '+12125550142', To: '+15550100100', Body: 'hello' };
      const postSigned = (token: string) =>
        fetch(smsUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, smsUrl, form) },
          body: new URLSearchParams(form).toString(),
        });
      expect((await postSigned('carethread-demo-auth-token')).status).toBe(403);
      expect((await postSigned(readFileSync(secretFile, 'utf8').trim())).status).toBe(200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
