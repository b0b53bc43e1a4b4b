import { randomBytes } from 'node:crypto';
import { and, eq, isNull, isNotNull } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { staff } from '../store/schema.ts';
import { staffCredentials } from '../store/schema-auth.ts';
import { setPassword } from './accounts.ts';
import { createSetupCode, needsAdminSetup } from './setup.ts';

export interface DemoSignIn {
  name: string;
  email: string;
  role: string;
  password: string;
}

export interface FirstRun {
  /** One-time code for `/setup#<code>` while no administrator can sign in; null once one can. */
  setupCode: string | null;
  /** Passwords just generated for the demo organisation's staff (printed once; demo only). */
  demoSignIns: DemoSignIn[];
}

/**
 * What `carethread start` needs to print on a fresh install: a set-up link for the first
 * administrator instead of a bootstrap token and, for the demo organisation only, generated
 * passwords for its synthetic staff so the workspace can be tried at once.
 */
export async function prepareFirstRun(services: Services, organizationId: string, isDemo: boolean): Promise<FirstRun> {
  const db = services.database.db;
  const setupCode = (await needsAdminSetup(db, organizationId)) ? await createSetupCode(db, organizationId, services.now()) : null;
  const demoSignIns: DemoSignIn[] = [];
  if (isDemo) {
    const members = await db
      .select({ id: staff.id, name: staff.name, email: staff.email, role: staff.role })
      .from(staff)
      .leftJoin(staffCredentials, and(eq(staffCredentials.staffId, staff.id), eq(staffCredentials.organizationId, staff.organizationId)))
      .where(and(eq(staff.organizationId, organizationId), isNotNull(staff.email), isNull(staffCredentials.staffId)));
    for (const m of members) {
      // Administrators come from the set-up link, never from a printed password.
      if (m.role === 'admin' || !m.email) continue;
      const password = `demo-${randomBytes(9).toString('base64url')}`;
      await setPassword(services, organizationId, m.id, password);
      demoSignIns.push({ name: m.name, email: m.email, role: m.role, password });
    }
  }
  return { setupCode, demoSignIns };
}
