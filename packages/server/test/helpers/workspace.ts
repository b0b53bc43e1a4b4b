import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { Harness } from './harness.ts';

const WEB = fileURLToPath(new URL('../../../web/', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * /app serves an existing build as it is, so a test of the workspace rebuilds it first when the
 * sources are newer. The new build is made beside the old one and swapped in, so another test
 * file reading /app at the same moment never sees a half-written directory.
 */
export async function ensureFreshWebBuild(): Promise<void> {
  const dist = join(WEB, 'dist');
  const built = existsSync(join(dist, 'index.html')) ? statSync(join(dist, 'index.html')).mtimeMs : 0;
  const sources = Math.max(newest(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs, statSync(join(WEB, 'vite.config.ts')).mtimeMs);
  if (built > sources) return;
  const temp = join(WEB, `dist-${process.pid}-${Date.now()}`);
  const vite = await import('vite');
  await vite.build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: temp, emptyOutDir: true } });
  const old = `${dist}-old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(temp, dist);
  rmSync(old, { recursive: true, force: true });
}

/** Staff ids of the seeded organisation by first name (Alex, Jordan: agents; Sam: supervisor). */
export async function staffByName(h: Harness): Promise<Record<string, string>> {
  const res = await h.get('/api/v1/staff');
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body as Array<{ id: string; name: string }>).map((s) => [s.name.split(' ')[0]!, s.id]));
}

export async function staffToken(h: Harness, staffId: string): Promise<string> {
  const res = await h.post(`/api/v1/staff/${staffId}/tokens`, {});
  expect(res.status).toBe(201);
  return res.body.token as string;
}

export async function put(h: Harness, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await h.app.inject({ method: 'PUT', url: path, headers: { authorization: `Bearer ${h.token}` }, payload: body as object });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}

/** From the staff sign-in screen to the secondary one, where an access token is pasted. */
export async function openTokenSignIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^(Sign in with an access token|Entrar con un token de acceso)$/ }).click();
  await page.locator('#token').waitFor();
}

/** Signs in on the sign-in page with a token, the way a person pastes it. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/app/`);
  await openTokenSignIn(page);
  await page.locator('#token').fill(token);
  await page.keyboard.press('Enter');
  await page.locator('header.topbar').waitFor();
}

/** No serious or critical axe violation on what the page shows now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
