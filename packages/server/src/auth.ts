import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from './store/db.ts';
import { apiTokens } from './store/schema.ts';

export interface Principal {
  organizationId: string;
  role: string;
  tokenId: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `ct_${randomBytes(24).toString('base64url')}`;
}

export async function principalForToken(tx: Executor, token: string): Promise<Principal | null> {
  if (!token || token.length > 200) return null;
  const [row] = await tx
    .select({ id: apiTokens.id, organizationId: apiTokens.organizationId, role: apiTokens.role })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  return row ? { organizationId: row.organizationId, role: row.role, tokenId: row.id } : null;
}

/**
 * The bootstrap admin token of an organisation: created once, printed once. When the operator
 * supplies one (CARETHREAD_ADMIN_TOKEN) it is registered instead, so scripts can know it.
 */
export async function ensureAdminToken(
  tx: Executor,
  organizationId: string,
  supplied?: string,
): Promise<{ token: string | null; created: boolean }> {
  if (supplied) {
    await tx
      .insert(apiTokens)
      .values({ organizationId, name: 'bootstrap admin (supplied)', tokenHash: hashToken(supplied), role: 'admin' })
      .onConflictDoNothing();
    return { token: supplied, created: false };
  }
  const existing = await tx
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.organizationId, organizationId), eq(apiTokens.role, 'admin'), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (existing.length > 0) return { token: null, created: false };
  const token = newToken();
  await tx.insert(apiTokens).values({ organizationId, name: 'bootstrap admin', tokenHash: hashToken(token), role: 'admin' });
  return { token, created: true };
}
