import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface CaseRow {
  id: string;
  requestType: string;
  status: string;
  lastChannel: string | null;
  updatedAt: string;
}

const TOKEN_KEY = 'carethread.staffToken';

async function api<T>(token: string, path: string): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) throw new Error('unauthorized');
  if (!res.ok) throw new Error(`request failed (${res.status})`);
  return (await res.json()) as T;
}

/**
 * The agent workspace shell: sign-in with a staff token, the open cases, language switch. The
 * agent-workspace issue grows this into inbox, conversation, context card and timeline.
 */
export function App() {
  const { t, i18n } = useTranslation();
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [cases, setCases] = useState<CaseRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('title');
  }, [i18n.language, t]);

  useEffect(() => {
    if (!token) return;
    api<CaseRow[]>(token, '/api/v1/cases?status=open&limit=100').then(setCases, (e: Error) => {
      setError(e.message === 'unauthorized' ? t('unauthorized') : e.message);
      sessionStorage.removeItem(TOKEN_KEY);
      setToken('');
    });
  }, [token, t]);

  const switchLanguage = () => void i18n.changeLanguage(i18n.language === 'es' ? 'en' : 'es');

  if (!token) {
    const submit = (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const value = String(new FormData(e.currentTarget).get('token') ?? '').trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      setError(null);
      setToken(value);
    };
    return (
      <main className="signin">
        <h1>{t('signInTitle')}</h1>
        <form onSubmit={submit}>
          <label htmlFor="token">{t('tokenLabel')}</label>
          <input id="token" name="token" type="password" autoComplete="off" aria-describedby="token-help" required />
          <p id="token-help">{t('tokenHelp')}</p>
          {error ? <p role="alert">{error}</p> : null}
          <button type="submit">{t('signIn')}</button>
        </form>
        <button type="button" onClick={switchLanguage} lang={i18n.language === 'es' ? 'en' : 'es'}>
          {t('language')}
        </button>
      </main>
    );
  }

  return (
    <>
      <header>
        <h1>{t('title')}</h1>
        <button type="button" onClick={switchLanguage} lang={i18n.language === 'es' ? 'en' : 'es'}>
          {t('language')}
        </button>
        <button
          type="button"
          onClick={() => {
            sessionStorage.removeItem(TOKEN_KEY);
            setToken('');
          }}
        >
          {t('signOut')}
        </button>
      </header>
      <main>
        <h2>{t('openCases')}</h2>
        {cases === null ? (
          <p aria-live="polite">{t('loading')}</p>
        ) : cases.length === 0 ? (
          <p>{t('noCases')}</p>
        ) : (
          <ul aria-label={t('openCases')}>
            {cases.map((c) => (
              <li key={c.id}>
                <span>{c.requestType}</span> · <span>{c.lastChannel ?? '—'}</span> · <time dateTime={c.updatedAt}>{new Date(c.updatedAt).toLocaleString(i18n.language)}</time>
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}
