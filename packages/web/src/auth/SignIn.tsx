import { useEffect, useRef, useState, type FormEvent } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';

// Strings live with the component (namespace "auth") so App.tsx and i18n.ts need no change.
const en = {
  title: 'Sign in',
  organization: 'Organisation',
  organizationHelp: 'The short name of your organisation, e.g. demo.',
  email: 'Work email',
  password: 'Password',
  signIn: 'Sign in',
  sso: 'Sign in with single sign-on',
  or: 'or',
  codeTitle: 'Enter your code',
  codeHelp: 'Open your authenticator app and enter the 6-digit code for carethread.',
  code: '6-digit code',
  verify: 'Verify',
  back: 'Back',
  enrolTitle: 'Set up a second factor',
  enrolHelp: 'Your account must use an authenticator app. Add carethread to the app with the link or by typing the key, then enter the code it shows.',
  enrolUri: 'Link for the authenticator app',
  enrolKey: 'Key (type it in groups of four)',
  confirm: 'Confirm',
  failed: 'Sign-in did not work. Check the details and try again.',
  invalid: 'The email, password or organisation is not right, or the account is locked for a while. Check and try again.',
  rateLimited: 'Too many failed sign-ins from this address. Wait 15 minutes and try again.',
  invalidCode: 'That code is not right or was already used. Wait for the next code and try again.',
  enrolReason: 'You are signed in, but can do nothing else until the second factor is set up.',
  preparing: 'Preparing…',
  network: 'Could not reach carethread. Check the connection and try again.',
  language: 'Español',
  useToken: 'Sign in with an access token',
  tokenNote: 'For scripts and tests: an access token issued by an administrator.',
  useCredentials: 'Use email and password instead',
  signedOut: 'You have signed out.',
  sessionEnded: 'Your session ended. Sign in again to continue.',
};

const es: typeof en = {
  title: 'Iniciar sesión',
  organization: 'Organización',
  organizationHelp: 'El nombre corto de su organización, por ejemplo demo.',
  email: 'Correo electrónico de trabajo',
  password: 'Contraseña',
  signIn: 'Entrar',
  sso: 'Entrar con inicio de sesión único',
  or: 'o',
  codeTitle: 'Escriba su código',
  codeHelp: 'Abra su aplicación de autenticación y escriba el código de 6 dígitos de carethread.',
  code: 'Código de 6 dígitos',
  verify: 'Verificar',
  back: 'Volver',
  enrolTitle: 'Configure un segundo factor',
  enrolHelp: 'Su cuenta debe usar una aplicación de autenticación. Añada carethread a la aplicación con el enlace o escribiendo la clave, y escriba el código que muestra.',
  enrolUri: 'Enlace para la aplicación de autenticación',
  enrolKey: 'Clave (escríbala en grupos de cuatro)',
  confirm: 'Confirmar',
  failed: 'No se pudo iniciar sesión. Revise los datos y vuelva a intentarlo.',
  invalid: 'El correo, la contraseña o la organización no son correctos, o la cuenta está bloqueada por un tiempo. Revíselos y vuelva a intentarlo.',
  rateLimited: 'Demasiados intentos fallidos desde esta dirección. Espere 15 minutos y vuelva a intentarlo.',
  invalidCode: 'Ese código no es correcto o ya se usó. Espere al siguiente código y vuelva a intentarlo.',
  enrolReason: 'Ha iniciado sesión, pero no puede hacer nada más hasta configurar el segundo factor.',
  preparing: 'Preparando…',
  network: 'No se pudo conectar con carethread. Revise la conexión y vuelva a intentarlo.',
  language: 'English',
  useToken: 'Entrar con un token de acceso',
  tokenNote: 'Para scripts y pruebas: un token de acceso emitido por un administrador.',
  useCredentials: 'Usar correo y contraseña',
  signedOut: 'Ha cerrado la sesión.',
  sessionEnded: 'Su sesión terminó. Vuelva a iniciar sesión para continuar.',
};

// The bundles can only be added once i18next has a store (after init): the workspace imports this
// module before it initialises i18next, the set-up flow may do so after.
function registerAuthStrings(): boolean {
  if (!i18next.store) return false;
  i18next.addResourceBundle('en', 'auth', en, true, false);
  i18next.addResourceBundle('es', 'auth', es, true, false);
  return true;
}
if (!registerAuthStrings()) i18next.on('initialized', () => registerAuthStrings());

export interface SignedInStaff {
  staff: { id: string; name: string; email: string | null };
  role: string;
  organizationId: string;
}

/** Header every cookie-authenticated mutation must carry (the server refuses it otherwise). */
export const CSRF_HEADERS = { 'x-carethread-csrf': '1' } as const;

async function post<T>(url: string, body?: unknown): Promise<{ ok: boolean; status: number; data: T & { error?: string; message?: string } }> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS },
    body: body === undefined ? '{}' : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string; message?: string };
  return { ok: res.ok, status: res.status, data };
}

/** Server error codes shown in the reader's language (the server's own messages are English). */
const LOCALISED: Record<string, keyof typeof en> = {
  invalid_credentials: 'invalid',
  rate_limited: 'rateLimited',
  invalid_code: 'invalidCode',
};

type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'wait' } | { kind: 'enrol'; uri: string; key: string; qr: string };

/**
 * Staff sign-in with the session cookie: organisation, email and password; then a TOTP code
 * when the account has one, or TOTP enrolment when the account must have one; and a single
 * sign-on button when the organisation has OpenID Connect. Every step has a heading that takes
 * focus, labelled fields and errors announced through role="alert".
 */
export function SignIn({
  onSignedIn,
  organization: initialOrg = 'demo',
  enrol = false,
  onUseToken,
  notice,
}: {
  onSignedIn: (who: SignedInStaff) => void;
  organization?: string;
  /** The session is signed in but must enrol TOTP first (a reload in the middle of enrolment). */
  enrol?: boolean;
  /** Offers the secondary path: sign in with a pasted access token. */
  onUseToken?: () => void;
  /** A message to show above the form (e.g. "your session ended"). */
  notice?: string | null;
}) {
  const { t, i18n } = useTranslation('auth');
  const [step, setStep] = useState<Step>(enrol ? { kind: 'wait' } : { kind: 'password' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [organization, setOrganization] = useState(initialOrg);
  const [sso, setSso] = useState(false);
  const credentials = useRef<{ organization: string; email: string; password: string } | null>(null);
  const signedIn = useRef<SignedInStaff | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [step.kind]);

  useEffect(() => {
    const slug = organization.trim().toLowerCase();
    if (!slug) return setSso(false);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/v1/auth/methods?organization=${encodeURIComponent(slug)}`, { signal: controller.signal })
        .then((r) => (r.ok ? r.json() : { oidc: false }))
        .then((m: { oidc?: boolean }) => setSso(!!m.oidc))
        .catch(() => undefined);
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [organization]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch {
      setError(t('network'));
    } finally {
      setBusy(false);
    }
  };

  const problem = (data: { error?: string; message?: string }) => {
    const key = data.error ? LOCALISED[data.error] : undefined;
    return key ? t(key) : i18n.language?.startsWith('es') ? t('failed') : (data.message ?? t('failed'));
  };

  const startEnrolment = async () => {
    const r = await post<{ otpauthUri: string; secretGrouped: string; qrSvg: string }>('/api/v1/auth/mfa/enrol');
    if (!r.ok) return setError(problem(r.data));
    setStep({ kind: 'enrol', uri: r.data.otpauthUri, key: r.data.secretGrouped, qr: r.data.qrSvg });
  };

  const signIn = async (code?: string) => {
    const c = credentials.current!;
    const r = await post<SignedInStaff & { mfaRequired?: boolean }>('/api/v1/auth/sign-in', { ...c, ...(code ? { code } : {}) });
    if (r.ok) {
      const who = { staff: r.data.staff, role: r.data.role, organizationId: r.data.organizationId };
      if (r.data.mfaRequired) {
        signedIn.current = who;
        return startEnrolment();
      }
      credentials.current = null;
      return onSignedIn(who);
    }
    if (r.data.error === 'code_required') return setStep({ kind: 'code' });
    setError(problem(r.data));
  };

  const submitPassword = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    credentials.current = { organization: organization.trim().toLowerCase(), email: String(f.get('email') ?? '').trim(), password: String(f.get('password') ?? '') };
    void run(() => signIn());
  };

  const submitCode = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '').trim();
    void run(() => signIn(code));
  };

  const submitEnrolment = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '').trim();
    void run(async () => {
      const r = await post('/api/v1/auth/mfa/confirm', { code });
      if (!r.ok) return setError(problem(r.data));
      credentials.current = null;
      if (signedIn.current) onSignedIn(signedIn.current);
      else await whoAmI();
    });
  };

  // Resuming an enrolment after a reload: who is signed in comes from /me, the secret from a fresh enrolment.
  const whoAmI = async () => {
    const res = await fetch('/api/v1/me', { credentials: 'same-origin' });
    if (!res.ok) return setStep({ kind: 'password' });
    const me = (await res.json()) as { organizationId: string; role: string; staff: SignedInStaff['staff'] | null };
    if (me.staff) onSignedIn({ staff: me.staff, role: me.role, organizationId: me.organizationId });
  };

  const resumed = useRef(false);
  useEffect(() => {
    if (!enrol || resumed.current) return;
    resumed.current = true;
    void run(startEnrolment);
  }, [enrol]);

  const other = i18n.language?.startsWith('es') ? 'en' : 'es';
  const alert = error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null;

  return (
    <main className="signin" id="main">
      <div className="signin-card">
        {step.kind === 'password' ? (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {t('title')}
            </h1>
            {notice ? (
              <p role="status" className="hint">
                {notice}
              </p>
            ) : null}
            <form onSubmit={submitPassword} aria-busy={busy}>
              <label htmlFor="signin-org">{t('organization')}</label>
              <input
                id="signin-org"
                name="organization"
                autoComplete="organization"
                required
                maxLength={100}
                value={organization}
                onChange={(e) => setOrganization(e.target.value)}
                aria-describedby="signin-org-help"
              />
              <p id="signin-org-help" className="hint">
                {t('organizationHelp')}
              </p>
              <label htmlFor="signin-email">{t('email')}</label>
              <input id="signin-email" name="email" type="email" autoComplete="username" required maxLength={320} autoFocus />
              <label htmlFor="signin-password">{t('password')}</label>
              <input id="signin-password" name="password" type="password" autoComplete="current-password" required maxLength={1024} />
              {alert}
              <button type="submit" className="primary" disabled={busy}>
                {t('signIn')}
              </button>
            </form>
            {sso ? (
              <p>
                <span className="muted">{t('or')}</span>{' '}
                <a className="button" href={`/api/v1/auth/oidc/start?organization=${encodeURIComponent(organization.trim().toLowerCase())}`}>
                  {t('sso')}
                </a>
              </p>
            ) : null}
            {onUseToken ? (
              <p className="signin-alt">
                <button type="button" className="ghost" onClick={onUseToken} aria-describedby="signin-token-note">
                  {t('useToken')}
                </button>
                <span id="signin-token-note" className="hint">
                  {t('tokenNote')}
                </span>
              </p>
            ) : null}
          </>
        ) : step.kind === 'wait' ? (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {t('enrolTitle')}
            </h1>
            <p aria-live="polite">{t('preparing')}</p>
            {alert}
          </>
        ) : step.kind === 'code' ? (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {t('codeTitle')}
            </h1>
            <form onSubmit={submitCode} aria-busy={busy}>
              <label htmlFor="signin-code">{t('code')}</label>
              <input id="signin-code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required aria-describedby="signin-code-help" autoFocus />
              <p id="signin-code-help" className="hint">
                {t('codeHelp')}
              </p>
              {alert}
              <button type="submit" className="primary" disabled={busy}>
                {t('verify')}
              </button>
              <button type="button" className="ghost" onClick={() => (setError(null), setStep({ kind: 'password' }))}>
                {t('back')}
              </button>
            </form>
          </>
        ) : (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {t('enrolTitle')}
            </h1>
            <p>{t('enrolReason')}</p>
            <p>{t('enrolHelp')}</p>
            {/* The server's SVG holds rectangles only (auth/qr.ts); its label is set server-side. */}
            <p className="qr" dangerouslySetInnerHTML={{ __html: step.qr }} />
            <p>
              <span id="enrol-uri-label">{t('enrolUri')}</span>
              <br />
              <output aria-labelledby="enrol-uri-label" className="mono">
                {step.uri}
              </output>
            </p>
            <p>
              <span id="enrol-key-label">{t('enrolKey')}</span>
              <br />
              <output aria-labelledby="enrol-key-label" className="mono">
                {step.key}
              </output>
            </p>
            <form onSubmit={submitEnrolment} aria-busy={busy}>
              <label htmlFor="enrol-code">{t('code')}</label>
              <input id="enrol-code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required />
              {alert}
              <button type="submit" className="primary" disabled={busy}>
                {t('confirm')}
              </button>
            </form>
          </>
        )}
        <button type="button" className="ghost" onClick={() => void i18n.changeLanguage(other)} lang={other}>
          {t('language')}
        </button>
      </div>
    </main>
  );
}
