import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { SupervisorView } from './SupervisorView.tsx';

// A stand-alone page for the supervisor view, used by its browser tests until (and besides)
// the shared workspace mounting it at /app/supervisor. The token comes in the URL fragment
// (#token=…&lng=es), which never reaches the server or its logs.

const params = new URLSearchParams(window.location.hash.slice(1));
const token = params.get('token') ?? '';

// Like the shared app: the host initialises i18next with its own strings; the view adds its own.
void i18next.use(initReactI18next).init({
  resources: { en: { translation: { page: 'carethread', language: 'Español' } }, es: { translation: { page: 'carethread', language: 'English' } } },
  lng: params.get('lng') === 'es' ? 'es' : 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error((body as { message?: string } | null)?.message ?? `request failed (${res.status})`);
  return body as T;
}

function Page() {
  const { t, i18n } = useTranslation();
  const [lng, setLng] = useState(i18n.language);
  useEffect(() => {
    document.documentElement.lang = lng;
  }, [lng]);
  return (
    <>
      <header style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '0.6rem 1.25rem', background: '#12304f', color: '#fff', fontFamily: 'system-ui, sans-serif' }}>
        <h1 style={{ fontSize: '1.05rem', margin: 0, fontWeight: 600 }}>{t('page')}</h1>
        <button
          type="button"
          lang={lng === 'es' ? 'en' : 'es'}
          style={{ font: 'inherit', fontSize: '0.875rem', padding: '0.3rem 0.8rem', borderRadius: 6, border: '1px solid #fff', background: 'transparent', color: '#fff', cursor: 'pointer' }}
          onClick={() => {
            const next = lng === 'es' ? 'en' : 'es';
            void i18n.changeLanguage(next).then(() => setLng(next));
          }}
        >
          {t('language')}
        </button>
      </header>
      <main>
        <SupervisorView api={api} token={token} refreshSeconds={Number(params.get('refresh') ?? 15)} />
      </main>
    </>
  );
}

document.body.style.margin = '0';
document.body.style.background = '#eef1f4';
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Page />
  </StrictMode>,
);
