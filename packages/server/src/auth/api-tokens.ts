import { and, desc, eq, isNull } from 'drizzle-orm';
import { hashToken, newToken } from '../auth.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { apiTokens } from '../store/schema.ts';
import { apiTokenGrants } from '../store/schema-auth.ts';
import { authEvent } from './accounts.ts';
import type { Scope } from './scopes.ts';

export interface NewApiToken {
  name: string;
  role: 'integration';
  scopes: Scope[];
  expiresAt?: string | undefined;
}

/** Issues a scoped integration token; the token is returned once and kept only as its hash. */
export async function issueApiToken(services: Services, organizationId: string, createdBy: string | null, input: NewApiToken) {
  const now = services.now();
  if (input.expiresAt && Date.parse(input.expiresAt) <= now.getTime()) throw new BadInput('invalid_expiry', '`expiresAt` must be in the future.', 422);
  const token = newToken();
  return services.database.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ organizationId, name: input.name, tokenHash: hashToken(token), role: input.role, createdAt: now.toISOString() })
      .returning({ id: apiTokens.id, createdAt: apiTokens.createdAt });
    const scopes = [...new Set(input.scopes)];
    await tx.insert(apiTokenGrants).values({ tokenId: row!.id, organizationId, scopes, expiresAt: input.expiresAt ?? null, createdBy, createdAt: now.toISOString() });
    await authEvent(tx, organizationId, 'api_token_issued', now, { tokenId: row!.id, scopes, ...(createdBy ? { staffId: createdBy } : {}) });
    return { id: row!.id, token, name: input.name, role: input.role, scopes, expiresAt: input.expiresAt ?? null, createdAt: row!.createdAt };
  });
}

/** Tokens of the organisation (never the token itself): integration grants and staff sign-in tokens alike. */
export async function listApiTokens(services: Services, organizationId: string) {
  return services.database.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      staffId: apiTokens.staffId,
      scopes: apiTokenGrants.scopes,
      expiresAt: apiTokenGrants.expiresAt,
      createdAt: apiTokens.createdAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(apiTokenGrants, and(eq(apiTokenGrants.tokenId, apiTokens.id), eq(apiTokenGrants.organizationId, apiTokens.organizationId)))
    .where(eq(apiTokens.organizationId, organizationId))
    .orderBy(desc(apiTokens.createdAt))
    .limit(500);
}

export async function revokeApiToken(services: Services, organizationId: string, tokenId: string, revokedBy: string | null): Promise<void> {
  const now = services.now();
  await services.database.db.transaction(async (tx) => {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: now.toISOString() })
      .where(and(eq(apiTokens.organizationId, organizationId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (rows.length === 0) throw new BadInput('not_found', 'No such live token in this organisation.', 404);
    await authEvent(tx, organizationId, 'api_token_revoked', now, { tokenId, ...(revokedBy ? { staffId: revokedBy } : {}) });
  });
}
