import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Api } from '../api.ts';
import { announce } from './announce.tsx';
import type { StaffMember } from './types.ts';

/** Administrators give each staff member a sign-in token; it is shown once and never again. */
export function StaffAdmin({ api }: { api: Api }) {
  const { t } = useTranslation();
  const [staff, setStaff] = useState<StaffMember[] | null>(null);
  const [issued, setIssued] = useState<{ staffId: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.get<StaffMember[]>('/api/v1/staff').then(setStaff, () => setError(t('loadFailed')));
  }, [api, t]);

  const mint = async (member: StaffMember) => {
    try {
      const r = await api.post<{ token: string; staffId: string }>(`/api/v1/staff/${member.id}/tokens`, {});
      setIssued({ staffId: r.staffId, token: r.token });
      announce(t('tokenIssued', { name: member.name }));
      requestAnimationFrame(() => document.getElementById('issued-token')?.focus());
    } catch {
      setError(t('actionFailed'));
    }
  };

  return (
    <section className="page" aria-labelledby="staff-title">
      <h1 id="staff-title">{t('navStaff')}</h1>
      <p className="muted">{t('staffHelp')}</p>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {!staff ? (
        <p aria-live="polite">{t('loading')}</p>
      ) : (
        <table className="table">
          <caption className="sr-only">{t('navStaff')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('roleLabel')}</th>
              <th scope="col">{t('signInToken')}</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.name}</th>
                <td>{s.email ?? '—'}</td>
                <td>{t(`role.${s.role}`, s.role)}</td>
                <td>
                  {issued?.staffId === s.id ? (
                    <div className="token-once">
                      <label htmlFor="issued-token">{t('tokenOnce')}</label>
                      <input id="issued-token" readOnly value={issued.token} onFocus={(e) => e.currentTarget.select()} />
                      <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.token).then(() => announce(t('copied')))}>
                        {t('copy')}
                      </button>
                    </div>
                  ) : (
                    <button type="button" onClick={() => void mint(s)}>
                      {t('issueToken')}
                      <span className="sr-only"> {s.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
