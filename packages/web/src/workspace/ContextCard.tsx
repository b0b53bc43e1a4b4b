import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isMissingEndpoint, type Api } from '../api.ts';
import type { Route } from '../App.tsx';
import { announce } from './announce.tsx';
import { ChannelBadge } from './Badge.tsx';
import { ago, agoFrom, channelLabel, factLabel, patientName, requestLabel } from './format.ts';
import { Modal } from './Modal.tsx';
import type { ContextCard } from './types.ts';

function VerifyDialog({ api, caseId, onClose, onVerified }: { api: Api; caseId: string; onClose: () => void; onVerified: () => void }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<'dob_name' | 'one_time_code'>('dob_name');
  const [codeSent, setCodeSent] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body =
      method === 'dob_name'
        ? { method, givenName: String(form.get('givenName') ?? '').trim(), familyName: String(form.get('familyName') ?? '').trim(), birthDate: String(form.get('birthDate') ?? '') }
        : { method, code: String(form.get('code') ?? '').trim() };
    setBusy(true);
    setResult(null);
    try {
      const r = await api.post<{ verified: boolean; reason?: string }>(`/api/v1/cases/${caseId}/verify`, body);
      if (r.verified) {
        announce(t('verifiedDone'));
        onVerified();
        onClose();
      } else {
        setResult(t(`verifyReason.${r.reason ?? 'mismatch'}`, { defaultValue: t('verifyFailed') }));
      }
    } catch (err) {
      setResult(err instanceof ApiError ? (err.body?.message ?? t('verifyFailed')) : t('verifyFailed'));
    } finally {
      setBusy(false);
    }
  };

  const sendCode = async () => {
    setBusy(true);
    setResult(null);
    try {
      await api.post(`/api/v1/cases/${caseId}/verify/code`, {});
      setCodeSent(true);
      announce(t('codeSent'));
    } catch (err) {
      setResult(isMissingEndpoint(err) ? t('codeUnavailable') : err instanceof ApiError ? (err.body?.message ?? t('actionFailed')) : t('actionFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={t('verifyTitle')} onClose={onClose}>
      <form onSubmit={verify} className="stack">
        <fieldset>
          <legend>{t('verifyMethod')}</legend>
          <label className="check">
            <input type="radio" name="method" checked={method === 'dob_name'} onChange={() => setMethod('dob_name')} />
            {t('verifyDobName')}
          </label>
          <label className="check">
            <input type="radio" name="method" checked={method === 'one_time_code'} onChange={() => setMethod('one_time_code')} />
            {t('verifyCode')}
          </label>
        </fieldset>
        {method === 'dob_name' ? (
          <>
            <p className="small muted">{t('verifyDobHelp')}</p>
            <label htmlFor="v-given">{t('givenName')}</label>
            <input id="v-given" name="givenName" autoComplete="off" required />
            <label htmlFor="v-family">{t('familyName')}</label>
            <input id="v-family" name="familyName" autoComplete="off" required />
            <label htmlFor="v-dob">{t('birthDate')}</label>
            <input id="v-dob" name="birthDate" type="date" required />
          </>
        ) : (
          <>
            <button type="button" onClick={() => void sendCode()} disabled={busy}>
              {codeSent ? t('resendCode') : t('sendCode')}
            </button>
            {codeSent ? (
              <>
                <label htmlFor="v-code">{t('codeLabel')}</label>
                <input id="v-code" name="code" inputMode="numeric" autoComplete="one-time-code" required />
              </>
            ) : null}
          </>
        )}
        {result ? (
          <p role="alert" className="error">
            {result}
          </p>
        ) : null}
        <div className="row end">
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy || (method === 'one_time_code' && !codeSent)}>
            {t('verifyAction')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** What the next handler needs before saying a word; always beside the conversation. */
export function ContextCardView({ api, caseId, card, onVerified, go }: { api: Api; caseId: string; card: ContextCard; onVerified: () => void; go: (r: Route) => void }) {
  const { t, i18n } = useTranslation();
  const [verifying, setVerifying] = useState(false);
  const lang = i18n.language;
  const phone = card.patient?.identifiers.find((i) => i.kind === 'phone');
  const email = card.patient?.identifiers.find((i) => i.kind === 'email');
  return (
    <aside className="card" aria-labelledby="card-title">
      <h2 id="card-title">{t('contextCard')}</h2>
      <section aria-labelledby="card-patient">
        <h3 id="card-patient" className="sr-only">
          {t('patient')}
        </h3>
        <p className="patient-name">{patientName(card.patient, t)}</p>
        {card.patient?.birthDate ? (
          <p className="small">
            {t('birthDate')}: {card.patient.birthDate}
          </p>
        ) : null}
        {phone ? <p className="small">{phone.value}</p> : null}
        {email ? <p className="small">{email.value}</p> : null}
        <div className="assurance-row">
          <span className={`assurance a-${card.assurance}`}>
            {t('assurance')}: {t(`assuranceLevel.${card.assurance}`, card.assurance)}
          </span>
          {card.assurance !== 'verified' && card.patient ? (
            <button type="button" className="small-btn" onClick={() => setVerifying(true)}>
              {t('verify')}
            </button>
          ) : null}
        </div>
      </section>
      <section aria-labelledby="card-facts">
        <h3 id="card-facts">{t('knownFacts')}</h3>
        {card.facts.length === 0 ? (
          <p className="muted small">{t('noFacts')}</p>
        ) : (
          <dl className="facts">
            {card.facts.map((f) => (
              <div key={`${f.name}-${f.observedAt}`} className="fact">
                <dt>{factLabel(f.name, t)}</dt>
                <dd>
                  <span className="fact-value">{f.value}</span>
                  {f.verified ? <span className="tag ok">{t('verifiedTag')}</span> : null}
                  {f.history?.some((h) => h.original) && f.history.length > 1 ? <span className="tag">{t('originalTag')}</span> : null}
                  <span className="fact-source small muted">
                    {t('knownFrom', { source: f.sourceChannel ? channelLabel(f.sourceChannel, t) : t(`source.${f.source}`, f.source), age: ago(f.ageSeconds, lang) })}
                  </span>
                  <OtherValues fact={f} />
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section aria-labelledby="card-prefs">
        <h3 id="card-prefs">{t('preferences')}</h3>
        <dl className="prefs">
          <div>
            <dt>{t('preferredLanguage')}</dt>
            <dd>{card.preferences.language ? t(`languageName.${card.preferences.language}`, card.preferences.language) : '—'}</dd>
          </div>
          <div>
            <dt>{t('preferredChannel')}</dt>
            <dd>{card.preferences.channel ? <ChannelBadge channel={card.preferences.channel} /> : '—'}</dd>
          </div>
          <div>
            <dt>{t('sentiment')}</dt>
            <dd className={`sentiment s-${card.sentiment.label}`}>{t(`sentimentLabel.${card.sentiment.label}`, card.sentiment.label)}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="card-open">
        <h3 id="card-open">{t('otherOpenCases')}</h3>
        {card.openCases.length === 0 ? (
          <p className="muted small">{t('noOtherCases')}</p>
        ) : (
          <ul className="open-cases">
            {card.openCases.map((c) => (
              <li key={c.id}>
                <a
                  href={`/app/cases/${c.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    go({ name: 'case', caseId: c.id });
                  }}
                >
                  {requestLabel(c.requestType, t)}
                </a>{' '}
                <span className="small muted">
                  {c.lastChannel ? channelLabel(c.lastChannel, t) : ''} · {agoFrom(c.updatedAt, lang)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {verifying ? <VerifyDialog api={api} caseId={caseId} onClose={() => setVerifying(false)} onVerified={onVerified} /> : null}
    </aside>
  );
}

/**
 * The other values a fact has had beside the one shown: for the reason, what the patient said
 * after the original request; for the rest, what they said before the current value.
 */
function OtherValues({ fact }: { fact: ContextCard['facts'][number] }) {
  const { t } = useTranslation();
  const others = (fact.history ?? []).filter((h) => !(h.value === fact.value && h.observedAt === fact.observedAt));
  if (others.length === 0) return null;
  const shownAt = Date.parse(fact.observedAt);
  const later = others.filter((h) => Date.parse(h.observedAt) > shownAt);
  const earlier = others.filter((h) => Date.parse(h.observedAt) <= shownAt);
  return (
    <>
      {later.length > 0 ? (
        <span className="fact-history small" data-history="later">
          {t('laterValues')} {later.map((h) => h.value).join(' · ')}
        </span>
      ) : null}
      {earlier.length > 0 ? (
        <span className="fact-history small muted" data-history="earlier">
          {t('earlierValues')} {earlier.map((h) => h.value).join(' · ')}
        </span>
      ) : null}
    </>
  );
}
