import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { API_PREFIX } from '../app.ts';
import type { Principal } from '../auth.ts';
import { confirmEnrolment, signIn, signOut, signOutEverywhere, startEnrolment } from '../auth/accounts.ts';
import { issueApiToken, listApiTokens, revokeApiToken } from '../auth/api-tokens.ts';
import { SCOPES } from '../auth/scopes.ts';
import { sessionFor, SESSION_COOKIE, CSRF_HEADER } from '../auth/sessions.ts';
import { completeAdminSetup } from '../auth/setup.ts';
import { finishOidc, putOidcConfig, signInMethods, startOidc, STAFF_ROLES } from '../auth/oidc.ts';
import { parseCookies } from '../channels/portal/http.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { staff } from '../store/schema.ts';
import { SESSION_MAX_HOURS } from '../auth/policy.ts';
import { setupPage } from './setup-page.ts';
import { uuidParam } from './schemas.ts';
import { isoInstant } from '../instants.ts';

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new BadInput('unauthorized', 'Sign in first.', 401);
  return request.principal;
}

function adminOnly(request: FastifyRequest): Principal {
  const who = principal(request);
  if (who.role !== 'admin') throw new BadInput('forbidden', 'Only an administrator can do this.', 403);
  return who;
}

function staffOnly(request: FastifyRequest): Principal & { staffId: string } {
  const who = principal(request);
  if (!who.staffId) throw new BadInput('not_staff', 'This needs a staff member signed in, not an organisation token.', 403);
  return who as Principal & { staffId: string };
}

export function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  // HttpOnly: scripts never read it; SameSite=Strict: no other site's page makes the browser send it.
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  // Secure on https, behind a trusted TLS proxy, or when the deployment declares TLS in front (http-security.ts).
  if (request.secureTransport) parts.push('Secure');
  return parts.join('; ');
}

function clientOf(request: FastifyRequest) {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

const signInBody = z
  .object({
    organization: z.string().min(1).max(100),
    email: z.string().min(3).max(320),
    password: z.string().min(1).max(1024),
    code: z
      .string()
      .regex(/^\s*\d{6}\s*$/, 'a 6-digit code')
      .optional(),
  })
  .strict();

const setupBody = z
  .object({
    code: z.string().min(10).max(200),
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();

/** Staff sign-in, sessions, TOTP enrolment, integration tokens and the first-run set-up. */
export async function registerAuthRoutes(root: FastifyInstance, services: Services): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const db = () => services.database.db;
  const base = `${API_PREFIX}/auth`;
  const maxAge = SESSION_MAX_HOURS * 3600;

  app.post(
    `${base}/sign-in`,
    { schema: { tags: ['auth'], summary: 'Sign in with email, password and (when enrolled) a TOTP code; sets the ct_session cookie', body: signInBody, security: [] } },
    async (request, reply) => {
      const result = await signIn(services, { ...request.body, ...clientOf(request) });
      reply.header('set-cookie', sessionCookie(request, result.session.token, maxAge));
      return {
        staff: result.staff,
        role: result.role,
        organizationId: result.organizationId,
        ...(result.mfaRequired ? { mfaRequired: true } : {}),
        expiresAt: result.session.expiresAt,
      };
    },
  );

  app.post(`${base}/sign-out`, { schema: { tags: ['auth'], summary: 'End this session (clears the cookie)' } }, async (request, reply) => {
    const who = principal(request);
    if (who.sessionId) await signOut(services, { organizationId: who.organizationId, staffId: who.staffId, sessionId: who.sessionId }, clientOf(request));
    reply.header('set-cookie', sessionCookie(request, '', 0));
    return { signedOut: true };
  });

  app.post(
    `${base}/sign-out-everywhere`,
    { schema: { tags: ['auth'], summary: 'End every session of the signed-in staff member, on every device' } },
    async (request, reply) => {
      const who = staffOnly(request);
      const ended = await signOutEverywhere(services, who.organizationId, who.staffId, clientOf(request));
      reply.header('set-cookie', sessionCookie(request, '', 0));
      return { signedOut: true, sessions: ended };
    },
  );

  app.get(`${base}/session`, { schema: { tags: ['auth'], summary: 'The current session: who, until when, and whether MFA enrolment is pending' } }, async (request) => {
    const who = principal(request);
    const token = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    const session = who.sessionId && token ? await sessionFor(db(), token, services.now()) : null;
    const [member] = who.staffId
      ? await db()
          .select({ id: staff.id, name: staff.name, email: staff.email, role: staff.role })
          .from(staff)
          .where(and(eq(staff.organizationId, who.organizationId), eq(staff.id, who.staffId)))
      : [];
    return {
      organizationId: who.organizationId,
      role: who.role,
      staff: member ?? null,
      via: who.sessionId ? 'session' : 'token',
      csrfHeader: CSRF_HEADER,
      ...(session
        ? { method: session.method, mfaRequired: session.mfaPending, createdAt: session.createdAt, idleExpiresAt: session.idleExpiresAt, expiresAt: session.expiresAt }
        : {}),
    };
  });

  app.post(`${base}/mfa/enrol`, { schema: { tags: ['auth'], summary: 'Start TOTP enrolment: an otpauth:// URI and the secret (confirm with a code)' } }, async (request) => {
    const who = staffOnly(request);
    return startEnrolment(services, who.organizationId, who.staffId);
  });

  app.post(
    `${base}/mfa/confirm`,
    { schema: { tags: ['auth'], summary: 'Confirm TOTP enrolment with a current code', body: z.object({ code: z.string().regex(/^\s*\d{6}\s*$/, 'a 6-digit code') }).strict() } },
    async (request) => {
      const who = staffOnly(request);
      return confirmEnrolment(services, who.organizationId, who.staffId, request.body.code, who.sessionId ?? null);
    },
  );

  app.post(
    `${base}/setup`,
    { schema: { tags: ['auth'], summary: 'First-run set-up: create the first administrator with the one-time code from `carethread start`', body: setupBody, security: [] } },
    async (request, reply) => {
      const done = await completeAdminSetup(services, { ...request.body, ...clientOf(request) });
      reply.header('set-cookie', sessionCookie(request, done.session.token, maxAge));
      return reply.code(201).send({ staffId: done.staffId, organizationId: done.organizationId, mfaRequired: true, ...done.enrolment });
    },
  );

  const tokenBody = z
    .object({
      name: z.string().trim().min(1).max(200),
      role: z.literal('integration'),
      scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
      expiresAt: isoInstant().optional(),
    })
    .strict();

  app.post(`${API_PREFIX}/api-tokens`, { schema: { tags: ['auth'], summary: 'Issue a scoped integration token (admin; shown once)', body: tokenBody } }, async (request, reply) => {
    const who = adminOnly(request);
    return reply.code(201).send(await issueApiToken(services, who.organizationId, who.staffId, request.body));
  });

  app.get(`${API_PREFIX}/api-tokens`, { schema: { tags: ['auth'], summary: 'Tokens of the organisation, without their values (admin)' } }, async (request) =>
    listApiTokens(services, adminOnly(request).organizationId),
  );

  app.delete(
    `${API_PREFIX}/api-tokens/:tokenId`,
    { schema: { tags: ['auth'], summary: 'Revoke a token (admin)', params: uuidParam('tokenId') } },
    async (request, reply) => {
      const who = adminOnly(request);
      await revokeApiToken(services, who.organizationId, request.params.tokenId as string, who.staffId);
      return reply.code(204).send();
    },
  );

  app.get(
    `${base}/methods`,
    { schema: { tags: ['auth'], summary: 'How staff of an organisation can sign in (password; single sign-on when configured)', querystring: z.object({ organization: z.string().min(1).max(100) }), security: [] } },
    async (request) => signInMethods(services, request.query.organization),
  );

  const roleEnum = z.enum(STAFF_ROLES);
  app.put(
    `${base}/oidc`,
    {
      schema: {
        tags: ['auth'],
        summary: 'Configure single sign-on with OpenID Connect for this organisation (admin)',
        body: z
          .object({
            issuer: z.url().max(500),
            clientId: z.string().min(1).max(300),
            clientSecret: z.string().min(1).max(1000),
            allowedDomain: z.string().max(253).regex(/^@?[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain like example.org').nullable().optional(),
            roleClaim: z.string().min(1).max(100).nullable().optional(),
            roleMap: z.record(z.string().max(200), roleEnum).optional(),
            jitProvisioning: z.boolean().optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      const who = adminOnly(request);
      return putOidcConfig(services, who.organizationId, request.body, who.staffId);
    },
  );

  app.get(
    `${base}/oidc/start`,
    { schema: { tags: ['auth'], summary: 'Start single sign-on: redirects to the identity provider (PKCE, state, nonce)', querystring: z.object({ organization: z.string().min(1).max(100) }), security: [] } },
    async (request, reply) => reply.redirect((await startOidc(services, request.query.organization)).href, 302),
  );

  app.get(
    `${base}/oidc/callback`,
    { schema: { tags: ['auth'], summary: 'Where the identity provider returns: opens a session and goes to the workspace', security: [] } },
    async (request, reply) => {
      // The URL the provider redirected to, as registered: the public URL plus this path and query.
      const url = new URL(request.url, services.settings.publicUrl);
      const done = await finishOidc(services, url, clientOf(request));
      reply.header('set-cookie', sessionCookie(request, done.session.token, maxAge));
      return reply.redirect('/app/', 302);
    },
  );

  app.get('/setup', { schema: { hide: true, querystring: z.object({ lang: z.enum(['en', 'es']).optional() }) } }, async (request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      // The page holds a one-time code and a TOTP secret: never cached. Its CSP (only its own
      // nonce-tagged script and style run), framing and referrer headers come from http-security.ts.
      .header('cache-control', 'no-store')
      .send(setupPage(request.query.lang ?? 'en', request.cspNonce)),
  );
}
