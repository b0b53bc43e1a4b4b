import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ patients: 5 });
});
afterAll(async () => h?.close());

async function as(token: string, method: 'GET' | 'POST', url: string) {
  const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() };
}

describe('staff sign-in tokens', () => {
  it('an organisation-level admin token has no staff member', async () => {
    const me = await h.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ organizationId: h.organizationId, role: 'admin', staffId: null, staff: null });
  });

  it('an admin issues a token that signs in as the staff member with their role', async () => {
    const staff = (await h.get('/api/v1/staff')).body as Array<{ id: string; role: string; name: string }>;
    const agent = staff.find((s) => s.role === 'agent')!;
    const issued = await h.post(`/api/v1/staff/${agent.id}/tokens`, {});
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ staffId: agent.id, role: 'agent' });
    const me = await as(issued.body.token, 'GET', '/api/v1/me');
    expect(me.body).toMatchObject({ staffId: agent.id, role: 'agent', staff: { id: agent.id, name: agent.name } });
    // An agent cannot mint tokens for anyone.
    const denied = await as(issued.body.token, 'POST', `/api/v1/staff/${agent.id}/tokens`);
    expect(denied.status).toBe(403);
  });

  it('an unknown staff member is a 404 and a malformed id a 400', async () => {
    expect((await h.post('/api/v1/staff/00000000-0000-4000-8000-000000000000/tokens', {})).status).toBe(404);
    expect((await h.post('/api/v1/staff/nope/tokens', {})).status).toBe(400);
  });
});
