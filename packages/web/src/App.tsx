import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ComponentType, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, createApi, SESSION_ENDED_EVENT, type Api } from './api.ts';
import { SignIn } from './auth/SignIn.tsx';
import { Workspace } from './workspace/Workspace.tsx';
import { StaffAdmin } from './workspace/StaffAdmin.tsx';
import { LiveRegion } from './workspace/announce.tsx';
import type { Me } from './workspace/types.ts';
import './styles.css';

const TOKEN_KEY = 'carethread.staffToken';

// The supervisor view is written in src/supervisor/ by another part of the team. It is looked up
// at build time, so the workspace builds (with a placeholder) before that file exists.
const supervisorModules = import.meta.glob<{ SupervisorView: ComponentType<{ api: Api | (<T>(path: string, init?: RequestInit) => Promise<T>); token?: string }> }>('./supervisor/SupervisorView.tsx');
const supervisorLoader = Object.values(supervisorModules)[0];
const SupervisorView = supervisorLoader ? lazy(async () => ({ default: (await supervisorLoader()).SupervisorView })) : null;

/** Client-side routes under /app: the page is served for every one of them. */
export type Route = { name: 'inbox' } | { name: 'case'; caseId: string } | { name: 'supervisor' } | { name: 'staff' };

function parseRoute(pathname: string): Route {
  const path = pathname.replace(/^\/app\/?/, '');
  const m = /^cases\/([0-9a-f-]{36})/i.exec(path);
  if (m) return { name: 'case', caseId: m[1]! };
  if (path.startsWith('supervisor')) return { name: 'supervisor' };
  if (path.startsWith('staff')) return { name: 'staff' };
  return { name: 'inbox' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'case':
      return `/app/cases/${route.caseId}`;
    case 'supervisor':
      return '/app/supervisor';
    case 'staff':
      return '/app/staff';
    default:
      return '/app/';
  }
}

function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: Route) => {
    history.pushState(null, '', routePath(next));
    setRoute(next);
  }, []);
  return [route, navigate];
}

function LanguageButton() {
  const { t, i18n } = useTranslation();
  const other = i18n.language === 'es' ? 'en' : 'es';
  return (
    <button type="button" className="ghost" onClick={() => void i18n.changeLanguage(other)} lang={other}>
      {t('language')}
    </button>
  );
}

/** The secondary way in: a pasted access token (scripts, tests, an administrator's integration token). */
function TokenSignIn({ error, onToken, onUseCredentials }: { error: string | null; onToken: (token: string) => void; onUseCredentials: () => void }) {
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get('token') ?? '').trim();
    if (value) onToken(value);
  };
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <h1>{t('signInTitle')}</h1>
        <p className="muted">{t('appName')}</p>
        <form onSubmit={submit}>
          <label htmlFor="token">{t('tokenLabel')}</label>
          <input id="token" name="token" type="password" autoComplete="off" aria-describedby="token-help" required autoFocus />
          <p id="token-help" className="hint">
            {t('tokenHelp')}
          </p>
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary">
            {t('signIn')}
          </button>
        </form>
        <p className="signin-alt">
          <button type="button" className="ghost" onClick={onUseCredentials}>
            {t('useCredentials', { ns: 'auth' })}
          </button>
        </p>
        <LanguageButton />
      </div>
    </main>
  );
}

/**
 * Who the page is signed in as: `in` with a token (pasted, kept for the tab) or with the
 * session cookie (token null; the server alone knows whether it is still good); `out` on the
 * email-and-password screen or the access-token screen; `enrol` while a signed-in session must
 * set up TOTP before anything else.
 */
type Auth = { kind: 'in'; token: string | null } | { kind: 'out'; screen: 'password' | 'token'; error: string | null } | { kind: 'enrol' };

/**
 * The agent workspace: staff sign-in (the session cookie; an access token as a second way in),
 * then the inbox, conversations with the context card, the supervisor view and (for
 * administrators) staff sign-in tokens.
 */
export function App() {
  const { t, i18n } = useTranslation();
  // A token kept for this tab wins; otherwise the first /me tells whether the cookie signs us in.
  const [auth, setAuth] = useState<Auth>(() => ({ kind: 'in', token: sessionStorage.getItem(TOKEN_KEY) }));
  const [me, setMe] = useState<Me | null>(null);
  const [route, navigate] = useRoute();
  const signedInWith = auth.kind === 'in' ? auth.token : undefined;
  const api = useMemo(() => (signedInWith === undefined ? null : createApi(signedInWith)), [signedInWith]);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('title');
  }, [i18n.language, t]);

  useEffect(() => {
    if (!api) return;
    setMe(null);
    api.get<Me & { mfaRequired?: boolean }>('/api/v1/me').then(
      (who) => (who.mfaRequired ? setAuth({ kind: 'enrol' }) : setMe(who)),
      (e: unknown) => {
        const unauthorized = e instanceof ApiError && e.status === 401;
        if (api.token) {
          sessionStorage.removeItem(TOKEN_KEY);
          setAuth({ kind: 'out', screen: 'token', error: unauthorized ? t('unauthorized') : t('loadFailed') });
        } else {
          // No cookie, or one that ended: the ordinary sign-in screen, quietly.
          setAuth({ kind: 'out', screen: 'password', error: unauthorized ? null : t('loadFailed') });
        }
      },
    );
  }, [api, t]);

  // A session that ends while the workspace is open (idle limit, signed out elsewhere) returns to
  // the sign-in screen with a word why, instead of leaving every screen failing.
  const signedInMe = useRef(false);
  signedInMe.current = !!me && auth.kind === 'in' && auth.token === null;
  useEffect(() => {
    const ended = () => {
      if (!signedInMe.current) return;
      setMe(null);
      setAuth({ kind: 'out', screen: 'password', error: t('sessionEnded', { ns: 'auth' }) });
    };
    addEventListener(SESSION_ENDED_EVENT, ended);
    return () => removeEventListener(SESSION_ENDED_EVENT, ended);
  }, [t]);

  const signOut = async () => {
    const withToken = !!api?.token;
    if (api && !withToken) {
      // Ends the session on the server (the cookie alone would still work until it expires).
      await api.post('/api/v1/auth/sign-out').catch(() => undefined);
    }
    sessionStorage.removeItem(TOKEN_KEY);
    setMe(null);
    setAuth({ kind: 'out', screen: withToken ? 'token' : 'password', error: withToken ? null : t('signedOut', { ns: 'auth' }) });
    history.pushState(null, '', '/app/');
  };

  const signedIn = () => setAuth({ kind: 'in', token: null });
  if (auth.kind === 'enrol') return <SignIn enrol onSignedIn={signedIn} />;
  if (auth.kind === 'out' && auth.screen === 'token') {
    return (
      <TokenSignIn
        error={auth.error}
        onToken={(value) => {
          sessionStorage.setItem(TOKEN_KEY, value);
          setAuth({ kind: 'in', token: value });
        }}
        onUseCredentials={() => setAuth({ kind: 'out', screen: 'password', error: null })}
      />
    );
  }
  if (auth.kind === 'out' || !api) {
    return <SignIn onSignedIn={signedIn} notice={auth.kind === 'out' ? auth.error : null} onUseToken={() => setAuth({ kind: 'out', screen: 'token', error: null })} />;
  }
  if (!me) {
    return (
      <main className="signin" id="main">
        <p aria-live="polite">{t('loading')}</p>
      </main>
    );
  }

  const canSupervise = me.role === 'supervisor' || me.role === 'admin';
  const isAdmin = me.role === 'admin';
  // An administrator without a staff member has no inbox: the supervisor view is home.
  const effective: Route = !me.staffId && (route.name === 'inbox' || route.name === 'case') ? { name: canSupervise ? 'supervisor' : 'staff' } : route;
  const go = (next: Route) => {
    navigate(next);
    // Move focus to the new screen's main region so keyboard and screen-reader users land there.
    requestAnimationFrame(() => mainRef.current?.focus());
  };
  const link = (target: Route, label: string) => {
    const current = effective.name === target.name || (target.name === 'inbox' && effective.name === 'case');
    return (
      <li>
        <a
          href={routePath(target)}
          aria-current={current ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            go(target);
          }}
        >
          {label}
        </a>
      </li>
    );
  };

  return (
    <>
      <a className="skip" href="#main">
        {t('skipToMain')}
      </a>
      <header className="topbar">
        <p className="brand">{t('appName')}</p>
        <nav aria-label={t('mainNav')}>
          <ul>
            {me.staffId ? link({ name: 'inbox' }, t('navInbox')) : null}
            {canSupervise ? link({ name: 'supervisor' }, t('navSupervisor')) : null}
            {isAdmin ? link({ name: 'staff' }, t('navStaff')) : null}
          </ul>
        </nav>
        <div className="topbar-end">
          <span className="who">
            {me.staff?.name ?? t('adminToken')} · {t(`role.${me.role}`, me.role)}
          </span>
          <LanguageButton />
          <button type="button" className="ghost" onClick={() => void signOut()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className={`main main-${effective.name}`}>
        {effective.name === 'supervisor' ? (
          <section aria-labelledby="supervisor-title" className="page">
            <h1 id="supervisor-title">{t('navSupervisor')}</h1>
            {SupervisorView ? (
              <Suspense fallback={<p aria-live="polite">{t('loading')}</p>}>
                <SupervisorView api={api} />
              </Suspense>
            ) : (
              <p className="muted">{t('supervisorComing')}</p>
            )}
          </section>
        ) : effective.name === 'staff' ? (
          <StaffAdmin api={api} />
        ) : (
          <Workspace api={api} me={me} caseId={effective.name === 'case' ? effective.caseId : null} go={go} />
        )}
      </main>
      <LiveRegion />
    </>
  );
}
