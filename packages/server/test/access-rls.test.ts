import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildApp, seedOrganization } from '../src/index.ts';
import { withinOrganization } from '../src/store/tenant-scope.ts';
import type { Executor } from '../src/store/db.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// Row-level security as the second wall between organisations (migration 0016_access_rls.sql).
// The application connects as the tables' owner, which RLS does not limit; these tests take a
// restricted role, as a reporting or support tool would, and prove the policies hold for it.

let h: Harness;
let foreignOrg: string;
const role = `ct_rls_${randomBytes(4).toString('hex')}`;

const rowsOf = <T,>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

/** Runs `fn` in a transaction as the restricted role, with the organisation setting when given. */
async function asRestricted<T>(organizationId: string | null, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return h.database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local role ${role}`));
    if (organizationId) await tx.execute(sql`select set_config('carethread.organization_id', ${organizationId}, true)`);
    return fn(tx);
  });
}

async function counts(tx: Executor): Promise<{ cases: number; patients: number; identities: number; messages: number; ours: number }> {
  const r = await tx.execute(sql`select
    (select count(*)::int from cases) as cases,
    (select count(*)::int from patients) as patients,
    (select count(*)::int from identities) as identities,
    (select count(*)::int from messages) as messages,
    (select count(*)::int from patients where organization_id = ${h.organizationId}) as ours`);
  return rowsOf<{ cases: number; patients: number; identities: number; messages: number; ours: number }>(r)[0]!;
}

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  const other = await h.database.db.transaction((tx) => seedOrganization(tx, { slug: 'rls-elsewhere', name: 'Elsewhere Clinic', patients: 4 }));
  foreignOrg = other.organizationId;
  // One contact, so cases and messages have rows.
  const res = await h.post('/api/v1/channel-events', {
    idempotencyKey: 'rls-1',
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    from: { kind: 'phone', value: '+12125550177' },
    text: 'I need a refill of my inhaler',
    occurredAt: '2026-11-02T14:00:00Z',
  });
  expect(res.status).toBe(201);
  await h.database.db.execute(sql.raw(`create role ${role} nologin`));
  await h.database.db.execute(sql.raw(`grant usage on schema public to ${role}`));
  await h.database.db.execute(sql.raw(`grant select, insert, update, delete on all tables in schema public to ${role}`));
}, 120_000);

afterAll(async () => {
  try {
    await h?.database.db.execute(sql.raw(`drop owned by ${role}`));
    await h?.database.db.execute(sql.raw(`drop role if exists ${role}`));
  } finally {
    await h?.close();
  }
});

describe('row-level security on PHI tables', () => {
  it('enables a tenant policy on every PHI table', async () => {
    const r = rowsOf<{ tablename: string }>(await h.database.db.execute(sql`select tablename from pg_policies where policyname = 'carethread_tenant' order by tablename`));
    const tables = r.map((x) => x.tablename);
    for (const t of ['patients', 'identities', 'cases', 'interactions', 'messages', 'facts', 'events', 'outbox', 'case_notes', 'break_glass_accesses']) {
      expect(tables, t).toContain(t);
    }
  });

  it('the owner (start-up, migrations, jobs serving every organisation) is not limited: it sees both organisations', async () => {
    const r = rowsOf<{ n: number }>(await h.database.db.execute(sql`select count(distinct organization_id)::int as n from patients`));
    expect(r[0]!.n).toBe(2);
  });

  it('a restricted role without the organisation setting sees no rows at all', async () => {
    const seen = await asRestricted(null, counts);
    expect(seen).toEqual({ cases: 0, patients: 0, identities: 0, messages: 0, ours: 0 });
  });

  it('with a foreign organisation set, it sees none of ours — only theirs', async () => {
    const seen = await asRestricted(foreignOrg, counts);
    expect(seen.ours).toBe(0);
    expect(seen.patients).toBeGreaterThan(0);
    const leaked = await asRestricted(foreignOrg, async (tx) =>
      rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from patients where organization_id <> ${foreignOrg}`))[0]!.n,
    );
    expect(leaked).toBe(0);
  });

  it('with our organisation set, it sees ours', async () => {
    const seen = await asRestricted(h.organizationId, counts);
    expect(seen.ours).toBeGreaterThan(0);
    expect(seen.patients).toBe(seen.ours);
    expect(seen.cases).toBeGreaterThan(0);
    expect(seen.messages).toBeGreaterThan(0);
  });

  it('cannot write a row into another organisation, nor change or delete theirs', async () => {
    await expect(
      asRestricted(foreignOrg, (tx) => tx.execute(sql`insert into patients (organization_id, given_name, family_name) values (${h.organizationId}, 'Mallory', 'Example')`)),
    ).rejects.toThrow();
    const changed = await asRestricted(foreignOrg, async (tx) => {
      const u = await tx.execute(sql`update patients set family_name = family_name where organization_id = ${h.organizationId} returning id`);
      const d = await tx.execute(sql`delete from identities where organization_id = ${h.organizationId} returning 1`);
      return rowsOf(u).length + rowsOf(d).length;
    });
    expect(changed).toBe(0);
  });
});

// The application's own connection: on PostgreSQL every API request, once authenticated, runs as
// the restricted role carethread_app with its organisation set (store/tenant-scope.ts, db.ts),
// so a query that forgot its organisation filter still sees only that organisation.
describe('row-level security on the application’s own requests (PostgreSQL)', () => {
  const pgOnly = () => h.database.kind !== 'postgres';

  it('is on after migrating', () => {
    if (pgOnly()) return;
    expect(h.database.tenantWall).toBe(true);
  });

  it('an authenticated API request runs as carethread_app with its organisation, and a query without an organisation filter sees only it', async () => {
    if (pgOnly()) return;
    const app = await buildApp({ services: h.services, hub: h.hub });
    // A route that "forgets" the organisation filter, as a bug would (admins may call routes the
    // permission table does not know; the route-walk test covers the real ones).
    app.get('/api/v1/test-unfiltered', async () => {
      const r = await h.database.db.execute(sql`select current_user as who, current_setting('carethread.organization_id', true) as org,
        (select count(distinct organization_id)::int from patients) as orgs, (select count(*)::int from patients where organization_id = ${foreignOrg}) as foreign_rows`);
      return rowsOf(r)[0];
    });
    await app.ready();
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/test-unfiltered', headers: { authorization: `Bearer ${h.token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ who: 'carethread_app', org: h.organizationId, orgs: 1, foreign_rows: 0 });
    } finally {
      await app.close();
    }
  });

  it('work scoped to one organisation cannot read, write or change another’s rows', async () => {
    if (pgOnly()) return;
    const seen = await withinOrganization(h.organizationId, async () =>
      rowsOf<{ ours: number; theirs: number }>(
        await h.database.db.execute(sql`select (select count(*)::int from patients where organization_id = ${h.organizationId}) as ours, (select count(*)::int from patients where organization_id = ${foreignOrg}) as theirs`),
      )[0]!,
    );
    expect(seen.ours).toBeGreaterThan(0);
    expect(seen.theirs).toBe(0);
    await expect(
      // Drizzle queries are lazy: awaited inside the scope, or they would run outside it.
      withinOrganization(h.organizationId, async () => await h.database.db.execute(sql`insert into patients (organization_id, created_at, updated_at) values (${foreignOrg}, now(), now())`)),
    ).rejects.toThrow();
    const changed = await withinOrganization(h.organizationId, async () =>
      rowsOf(await h.database.db.execute(sql`update patients set sex = sex where organization_id = ${foreignOrg} returning id`)).length,
    );
    expect(changed).toBe(0);
    // Inside a transaction too (the connection is scoped when the transaction takes it).
    const inTx = await withinOrganization(foreignOrg, () =>
      h.database.db.transaction(async (tx) => rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from patients where organization_id = ${h.organizationId}`))[0]!.n),
    );
    expect(inTx).toBe(0);
    // And unscoped work afterwards, on the same pooled connections, is not left walled in.
    const after = rowsOf<{ n: number }>(await h.database.db.execute(sql`select count(distinct organization_id)::int as n from patients`));
    expect(after[0]!.n).toBe(2);
  });
});
