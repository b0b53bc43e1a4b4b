import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import type { Executor } from '../store/db.ts';
import { BadInput } from '../pipeline/errors.ts';
import { organizations, staff } from '../store/schema.ts';
import { oidcConfigs, oidcFlows } from '../store/schema-auth.ts';
import { authEvent } from './accounts.ts';
import { openSecret, sealSecret } from './secret-box.ts';
import { createSession } from './sessions.ts';

/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE, state and nonce) via
 * openid-client. The identity provider vouches for the person; carethread matches them to a
 * staff member by verified email within the organisation, or creates an agent on first
 * sign-in when the organisation allows it.
 */
const CLIENT_SECRET_PURPOSE = 'oidc-client-secret';
const FLOW_MINUTES = 10;
export const STAFF_ROLES = ['agent', 'supervisor', 'analyst', 'admin'] as const;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomain?: string | null | undefined;
  roleClaim?: string | null | undefined;
  roleMap?: Record<string, (typeof STAFF_ROLES)[number]> | undefined;
  jitProvisioning?: boolean | undefined;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function oidcRedirectUri(services: Services): string {
  return `${services.settings.publicUrl}/api/v1/auth/oidc/callback`;
}

/** Plain http only for a provider on this machine (development and tests); anything else must be https. */
function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export async function putOidcConfig(services: Services, organizationId: string, input: OidcSettings, actorStaffId: string | null): Promise<{ issuer: string; redirectUri: string }> {
  let issuer: URL;
  try {
    issuer = new URL(input.issuer);
  } catch {
    throw new BadInput('invalid_issuer', 'The issuer must be a URL.', 422);
  }
  if (issuer.protocol !== 'https:' && !isLoopback(issuer)) throw new BadInput('invalid_issuer', 'The issuer must use https.', 422);
  const now = services.now();
  const values = {
    issuer: issuer.href.replace(/\/$/, ''),
    clientId: input.clientId,
    clientSecret: sealSecret(services.secret, CLIENT_SECRET_PURPOSE, organizationId, input.clientSecret),
    allowedDomain: input.allowedDomain ? input.allowedDomain.trim().toLowerCase().replace(/^@/, '') : null,
    roleClaim: input.roleClaim ?? null,
    roleMap: input.roleMap ?? {},
    jitProvisioning: input.jitProvisioning ?? false,
    updatedAt: now.toISOString(),
  };
  await services.database.db.transaction(async (tx) => {
    await tx
      .insert(oidcConfigs)
      .values({ organizationId, ...values })
      .onConflictDoUpdate({ target: oidcConfigs.organizationId, set: values });
    await authEvent(tx, organizationId, 'oidc_config_changed', now, { issuer: values.issuer, ...(actorStaffId ? { staffId: actorStaffId } : {}) });
  });
  discovered.delete(organizationId);
  return { issuer: values.issuer, redirectUri: oidcRedirectUri(services) };
}

/** Whether an organisation (by slug) offers single sign-on: the sign-in page shows the button. */
export async function signInMethods(services: Services, slug: string): Promise<{ password: true; oidc: boolean }> {
  const [row] = await services.database.db
    .select({ id: oidcConfigs.organizationId })
    .from(oidcConfigs)
    .innerJoin(organizations, eq(organizations.id, oidcConfigs.organizationId))
    .where(eq(organizations.slug, slug.trim().toLowerCase()));
  return { password: true, oidc: !!row };
}

const discovered = new Map<string, { key: string; config: Promise<client.Configuration> }>();

async function configurationFor(services: Services, organizationId: string) {
  const [row] = await services.database.db.select().from(oidcConfigs).where(eq(oidcConfigs.organizationId, organizationId));
  if (!row) throw new BadInput('oidc_not_configured', 'This organisation has no single sign-on.', 404);
  const key = `${row.issuer}|${row.clientId}|${row.updatedAt}`;
  let cached = discovered.get(organizationId);
  if (!cached || cached.key !== key) {
    const secret = openSecret(services.secret, CLIENT_SECRET_PURPOSE, organizationId, row.clientSecret);
    if (secret === null) throw new BadInput('oidc_not_configured', 'The single sign-on secret cannot be read; set it again.', 409);
    const issuer = new URL(row.issuer);
    const config = client
      .discovery(issuer, row.clientId, secret, undefined, isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        discovered.delete(organizationId);
        throw error;
      });
    cached = { key, config };
    discovered.set(organizationId, cached);
  }
  try {
    return { row, config: await cached.config };
  } catch {
    throw new BadInput('oidc_unreachable', 'The identity provider could not be reached. Try again later.', 409);
  }
}

/** Starts the flow: remembers verifier, state and nonce (hashed state) and returns where to send the browser. */
export async function startOidc(services: Services, slug: string): Promise<URL> {
  const [org] = await services.database.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug.trim().toLowerCase()));
  if (!org) throw new BadInput('oidc_not_configured', 'This organisation has no single sign-on.', 404);
  const { config } = await configurationFor(services, org.id);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const now = services.now();
  await services.database.db.insert(oidcFlows).values({
    organizationId: org.id,
    stateHash: sha256(state),
    codeVerifier,
    nonce,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + FLOW_MINUTES * 60_000).toISOString(),
  });
  return client.buildAuthorizationUrl(config, {
    redirect_uri: oidcRedirectUri(services),
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
}

function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Finishes the flow on the callback URL: exchanges the code (PKCE, state and nonce checked by
 * openid-client), then opens a session for the staff member with that verified email.
 */
export async function finishOidc(
  services: Services,
  callbackUrl: URL,
  clientInfo: { ip: string | null; userAgent: string | null },
): Promise<{ session: { id: string; token: string; expiresAt: string }; staffId: string; role: string; organizationId: string }> {
  const state = callbackUrl.searchParams.get('state') ?? '';
  const now = services.now();
  const db = services.database.db;
  const [flow] = state
    ? await db
        .update(oidcFlows)
        .set({ usedAt: now.toISOString() })
        .where(and(eq(oidcFlows.stateHash, sha256(state)), isNull(oidcFlows.usedAt), gt(oidcFlows.expiresAt, now.toISOString())))
        .returning()
    : [];
  if (!flow) throw new BadInput('oidc_state_invalid', 'This sign-in link has expired or was already used. Start single sign-on again.', 400);
  const orgId = flow.organizationId;
  const refuse = async (reason: string, message: string, status: 400 | 403 = 403): Promise<never> => {
    await db.transaction((tx) => authEvent(tx, orgId, 'staff_sign_in_failed', now, { method: 'oidc', reason }, clientInfo));
    throw new BadInput(`oidc_${reason}`, message, status);
  };
  const { row, config } = await configurationFor(services, orgId);
  let claims: Record<string, unknown> | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: flow.codeVerifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
    claims = tokens.claims() as Record<string, unknown> | undefined;
    // Many providers keep email out of the ID token when an access token can fetch it.
    if (claims && typeof claims.email !== 'string' && typeof claims.sub === 'string') {
      claims = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
    }
  } catch {
    return refuse('exchange_failed', 'The identity provider did not confirm the sign-in. Start single sign-on again.', 400);
  }
  const email = typeof claims?.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email || claims?.email_verified !== true) return refuse('email_unverified', 'The identity provider did not give a verified email address.');
  if (row.allowedDomain && email.split('@')[1] !== row.allowedDomain) return refuse('domain_not_allowed', 'That email domain may not sign in to this organisation.');
  const mapped = row.roleClaim
    ? claimValues(claims?.[row.roleClaim])
        .map((v) => row.roleMap[v])
        .find((r): r is string => !!r && (STAFF_ROLES as readonly string[]).includes(r))
    : undefined;

  const findMember = (tx: Executor) =>
    tx
      .select({ id: staff.id, role: staff.role })
      .from(staff)
      .where(and(eq(staff.organizationId, orgId), sql`lower(${staff.email}) = ${email}`))
      .limit(1);
  // Refused before the transaction: the refusal's event is written on its own.
  if (!row.jitProvisioning && (await findMember(db)).length === 0) {
    return refuse('unknown_staff', 'No staff member of this organisation has that email. Ask an administrator to add you.');
  }
  return db.transaction(async (tx) => {
    let [member] = await findMember(tx);
    if (!member) {
      const name = typeof claims?.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : email.split('@')[0]!;
      // Just-in-time accounts start as agents; only the role claim mapping can raise them.
      [member] = await tx.insert(staff).values({ organizationId: orgId, name, email, role: mapped ?? 'agent' }).returning({ id: staff.id, role: staff.role });
    } else if (mapped && mapped !== member.role) {
      // The identity provider is the source of truth for roles when a mapping is configured.
      await tx.update(staff).set({ role: mapped }).where(and(eq(staff.organizationId, orgId), eq(staff.id, member.id)));
      member = { ...member, role: mapped };
    }
    const session = await createSession(tx, { organizationId: orgId, staffId: member!.id, method: 'oidc', mfaPending: false, ip: clientInfo.ip, userAgent: clientInfo.userAgent, now });
    await authEvent(tx, orgId, 'staff_signed_in', now, { staffId: member!.id, method: 'oidc', sessionId: session.id }, clientInfo);
    return { session, staffId: member!.id, role: member!.role, organizationId: orgId };
  });
}
