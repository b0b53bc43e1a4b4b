import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { organizationForEndpoint } from '../../store/endpoints.ts';
import { getOrganization, getOrganizationBySlug, type OrganizationRow } from '../../store/orgs.ts';
import { formField, parseCookies, queryParam, safeEqual, seal, sendHtml, serializeCookie, unseal } from './http.ts';
import { PORTAL_TEXT, maskAddress, pickLanguage } from './i18n.ts';
import { portalInbox, postPortalMessage, PORTAL_MAX_TEXT } from './inbox.ts';
import { registerPortalPreferences } from './preferences.ts';
import { formExpiredPage, inboxPage, notFoundPage, signInPage, verifyPage, type FieldErrors, type PageContext } from './pages.ts';
import {
  endPortalSession,
  parsePortalAddress,
  portalSessionFor,
  requestPortalCode,
  verifyPortalCode,
  type PortalAddress,
  type PortalSession,
} from './signin.ts';

export const PORTAL_SESSION_COOKIE = 'ct_portal';
const CSRF_COOKIE = 'ct_portal_csrf';
const PENDING_COOKIE = 'ct_portal_pending';
const COOKIE_PATH = '/portal';
/** How long the verify page remembers which address a code went to. */
const PENDING_MINUTES = 15;

/** The sign-in in progress, sealed in a cookie: which address, and the date of birth that picked the patient. */
interface Pending {
  o: string;
  k: PortalAddress['kind'];
  v: string;
  d?: string;
  x: number;
}

/**
 * The portal's organisation comes from the link: its web-chat widget key (the same key the
 * organisation's website already embeds) or, failing that, its slug.
 */
export async function portalOrganization(services: Services, key: string | undefined): Promise<OrganizationRow | null> {
  if (!key || key.length > 100) return null;
  const { db } = services.database;
  const byEndpoint = await organizationForEndpoint(db, 'webchat', key);
  if (byEndpoint) return getOrganization(db, byEndpoint);
  return getOrganizationBySlug(db, key);
}

interface RequestContext {
  org: OrganizationRow;
  key: string;
  page: PageContext;
  cookies: Record<string, string>;
  secure: boolean;
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Portal routes: server-rendered pages and plain forms, post/redirect/get throughout. */
export async function registerPortal(app: FastifyInstance, services: Services): Promise<void> {
  // Secure whenever TLS is in front (https request, https public URL or CARETHREAD_SECURE_COOKIES=1).
  const cookie = (ctx: RequestContext, name: string, value: string, maxAge?: number) => serializeCookie(name, value, { path: COOKIE_PATH, secure: ctx.secure, maxAge });
  const clear = (ctx: RequestContext, name: string) => cookie(ctx, name, '', 0);

  /** Organisation, language and page helpers; null (after answering 404) for an unknown organisation. */
  async function contextOf(request: FastifyRequest, reply: FastifyReply, path: string): Promise<RequestContext | null> {
    const lang: Language = pickLanguage(queryParam(request, 'lang', 5), request.headers['accept-language']);
    const key = queryParam(request, 'org', 100);
    const org = await portalOrganization(services, key);
    // The nonce the one CSP of this response allows (http-security.ts).
    const nonce = request.cspNonce;
    const url = (p: string, extra: Record<string, string> = {}, l: Language = lang) =>
      `${p}?${new URLSearchParams({ ...(key ? { org: key } : {}), lang: l, ...extra }).toString()}`;
    const page: PageContext = { lang, orgName: org?.name ?? 'carethread', timeZone: org?.timeZone ?? 'UTC', nonce, url, path };
    if (!org || !key) {
      sendHtml(reply, 404, notFoundPage(page));
      return null;
    }
    return { org, key, page, cookies: parseCookies(request.headers.cookie), secure: request.secureTransport };
  }

  /** Forms before sign-in carry a double-submit token: only a page we served can post them. */
  function csrfBeforeSignIn(ctx: RequestContext, request: FastifyRequest): boolean {
    const sent = formField(request, 'csrf', 100);
    const expected = ctx.cookies[CSRF_COOKIE];
    return !!sent && !!expected && safeEqual(sent, expected);
  }

  function preSignInCsrf(ctx: RequestContext, reply: FastifyReply): string {
    const existing = ctx.cookies[CSRF_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{20,64}$/.test(existing)) return existing;
    const token = randomBytes(24).toString('base64url');
    reply.header('set-cookie', cookie(ctx, CSRF_COOKIE, token));
    return token;
  }

  function pendingOf(ctx: RequestContext): Pending | null {
    const p = unseal<Pending>(services.secret, 'portal-pending', ctx.cookies[PENDING_COOKIE]);
    if (!p || p.o !== ctx.org.id || typeof p.v !== 'string' || (p.k !== 'phone' && p.k !== 'email')) return null;
    return p.x > services.now().getTime() ? p : null;
  }

  async function sessionOf(ctx: RequestContext): Promise<PortalSession | null> {
    return portalSessionFor(services, ctx.org.id, ctx.cookies[PORTAL_SESSION_COOKIE]);
  }

  function redirect(reply: FastifyReply, location: string, cookies: string[] = []) {
    if (cookies.length) reply.header('set-cookie', cookies);
    return reply.code(303).header('cache-control', 'no-store').header('location', location).send();
  }

  async function renderInbox(
    ctx: RequestContext,
    reply: FastifyReply,
    session: PortalSession,
    status = 200,
    extra: { errors?: FieldErrors; drafts?: Record<string, string>; sent?: string } = {},
  ) {
    const cases = await portalInbox(services.database.db, ctx.org.id, session.patient.id);
    const name = session.patient.givenName ?? session.patient.familyName ?? '';
    const html = inboxPage(ctx.page, {
      csrf: session.csrf,
      patientName: name,
      cases,
      clientId: () => randomUUID(),
      ...extra,
    });
    return sendHtml(reply, status, html);
  }

  const hidden = { schema: { hide: true } };

  app.get('/portal', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal');
    if (!ctx) return reply;
    const session = await sessionOf(ctx);
    if (session) {
      const sent = queryParam(request, 'sent', 64);
      return renderInbox(ctx, reply, session, 200, sent ? { sent } : {});
    }
    const t = PORTAL_TEXT[ctx.page.lang];
    const csrf = preSignInCsrf(ctx, reply);
    const notice = queryParam(request, 'notice', 20);
    return sendHtml(
      reply,
      200,
      signInPage(ctx.page, { csrf, notice: notice === 'signed_out' ? t.signedOut : notice === 'expired' ? t.sessionEnded : undefined }),
    );
  });

  app.post('/portal/sign-in', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal');
    if (!ctx) return reply;
    if (!csrfBeforeSignIn(ctx, request)) return sendHtml(reply, 403, formExpiredPage(ctx.page));
    const t = PORTAL_TEXT[ctx.page.lang];
    const rawAddress = formField(request, 'address', 320) ?? '';
    const rawDob = (formField(request, 'birthDate', 20) ?? '').trim();
    const address = parsePortalAddress(rawAddress, ctx.org.defaultRegion);
    const errors: FieldErrors = {};
    if (!address) errors.address = t.errAddress;
    if (rawDob && !isIsoDate(rawDob)) errors.birthDate = t.errDob;
    if (!address || errors.birthDate) {
      const csrf = formField(request, 'csrf', 100)!;
      return sendHtml(reply, 400, signInPage(ctx.page, { csrf, address: rawAddress.slice(0, 320), birthDate: rawDob, errors }));
    }
    await requestPortalCode(services, ctx.org.id, address, { birthDate: rawDob || undefined, language: ctx.page.lang });
    // Known or not, the answer is the same: a redirect to "enter your code".
    const pending: Pending = { o: ctx.org.id, k: address.kind, v: address.value, ...(rawDob ? { d: rawDob } : {}), x: services.now().getTime() + PENDING_MINUTES * 60_000 };
    return redirect(reply, ctx.page.url('/portal/verify'), [cookie(ctx, PENDING_COOKIE, seal(services.secret, 'portal-pending', pending), PENDING_MINUTES * 60)]);
  });

  app.get('/portal/verify', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal/verify');
    if (!ctx) return reply;
    if (await sessionOf(ctx)) return redirect(reply, ctx.page.url('/portal'));
    const pending = pendingOf(ctx);
    if (!pending) return redirect(reply, ctx.page.url('/portal'));
    const t = PORTAL_TEXT[ctx.page.lang];
    const csrf = preSignInCsrf(ctx, reply);
    const notice = queryParam(request, 'notice', 20) === 'resent' ? t.newCodeSent : undefined;
    return sendHtml(reply, 200, verifyPage(ctx.page, { csrf, masked: maskAddress(pending.k, pending.v, ctx.page.lang), notice }));
  });

  app.post('/portal/verify', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal/verify');
    if (!ctx) return reply;
    if (!csrfBeforeSignIn(ctx, request)) return sendHtml(reply, 403, formExpiredPage(ctx.page));
    // No pending sign-in in this browser: a code posted from anywhere else is not accepted.
    const pending = pendingOf(ctx);
    if (!pending) return redirect(reply, ctx.page.url('/portal'));
    const t = PORTAL_TEXT[ctx.page.lang];
    const code = (formField(request, 'code', 20) ?? '').replace(/\s+/g, '');
    const csrf = formField(request, 'csrf', 100)!;
    const masked = maskAddress(pending.k, pending.v, ctx.page.lang);
    if (!/^\d{6}$/.test(code)) {
      return sendHtml(reply, 422, verifyPage(ctx.page, { csrf, masked, errors: { code: t.errCodeFormat } }));
    }
    const signedIn = await verifyPortalCode(services, ctx.org.id, { kind: pending.k, value: pending.v }, code);
    if (!signedIn) {
      return sendHtml(reply, 422, verifyPage(ctx.page, { csrf, masked, errors: { code: t.errCode } }));
    }
    return redirect(reply, ctx.page.url('/portal'), [cookie(ctx, PORTAL_SESSION_COOKIE, signedIn.token), clear(ctx, PENDING_COOKIE)]);
  });

  app.post('/portal/resend', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal/verify');
    if (!ctx) return reply;
    if (!csrfBeforeSignIn(ctx, request)) return sendHtml(reply, 403, formExpiredPage(ctx.page));
    const pending = pendingOf(ctx);
    if (!pending) return redirect(reply, ctx.page.url('/portal'));
    await requestPortalCode(services, ctx.org.id, { kind: pending.k, value: pending.v }, { birthDate: pending.d, language: ctx.page.lang });
    return redirect(reply, ctx.page.url('/portal/verify', { notice: 'resent' }));
  });

  app.post('/portal/messages', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal');
    if (!ctx) return reply;
    const session = await sessionOf(ctx);
    if (!session) return redirect(reply, ctx.page.url('/portal', { notice: 'expired' }));
    const csrf = formField(request, 'csrf', 100);
    if (!csrf || !safeEqual(csrf, session.csrf)) return sendHtml(reply, 403, formExpiredPage(ctx.page));
    const t = PORTAL_TEXT[ctx.page.lang];
    const caseId = formField(request, 'caseId', 64) || undefined;
    const formKey = caseId ?? 'new';
    // Read well past the limit so an overlong message is told so, not mistaken for an empty one.
    const text = formField(request, 'text', 200_000) ?? '';
    const clientId = formField(request, 'clientId', 64) ?? '';
    const fail = (status: number, message: string) =>
      renderInbox(ctx, reply, session, status, { errors: { [formKey]: message }, drafts: { [formKey]: text.slice(0, PORTAL_MAX_TEXT) } });
    if (caseId && !/^[0-9a-f-]{36}$/i.test(caseId)) return fail(404, t.errUnknownCase);
    try {
      await postPortalMessage(services, ctx.org.id, { sessionId: session.id, patientId: session.patient.id, caseId, text, clientId });
      return redirect(reply, `${ctx.page.url('/portal', { sent: caseId ?? 'new' })}#sent`);
    } catch (err) {
      if (!(err instanceof BadInput)) throw err;
      if (err.code === 'empty_message') return fail(400, t.errMessageEmpty);
      if (err.code === 'message_too_long') return fail(400, t.errMessageLong);
      if (err.code === 'unknown_case') return fail(404, t.errUnknownCase);
      return fail(err.status, t.errExpiredForm);
    }
  });

  // The patient's contact preferences (channels/portal/preferences.ts, docs/consent.md).
  registerPortalPreferences(app, services, { contextOf, sessionOf, redirect });

  app.post('/portal/sign-out', hidden, async (request, reply) => {
    const ctx = await contextOf(request, reply, '/portal');
    if (!ctx) return reply;
    const session = await sessionOf(ctx);
    if (!session) return redirect(reply, ctx.page.url('/portal'), [clear(ctx, PORTAL_SESSION_COOKIE)]);
    const csrf = formField(request, 'csrf', 100);
    if (!csrf || !safeEqual(csrf, session.csrf)) return sendHtml(reply, 403, formExpiredPage(ctx.page));
    await endPortalSession(services, ctx.org.id, session);
    return redirect(reply, ctx.page.url('/portal', { notice: 'signed_out' }), [clear(ctx, PORTAL_SESSION_COOKIE)]);
  });
}
