import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Api } from '../api.ts';
import type { Route } from '../App.tsx';
import { announce } from './announce.tsx';
import { ChannelBadge } from './Badge.tsx';
import { CaseView } from './CaseView.tsx';
import { patientName, requestLabel, waitText } from './format.ts';
import { useStream } from './stream.ts';
import { PRESENCES, type CaseLine, type Inbox, type Me, type Presence } from './types.ts';

function PresenceSelect({ api, staffId, value, onChange }: { api: Api; staffId: string; value: Presence; onChange: (p: Presence) => void }) {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  return (
    <div className={`presence presence-${value}`}>
      <label htmlFor="presence">{t('presenceLabel')}</label>
      <select
        id="presence"
        value={value}
        disabled={saving}
        onChange={(e) => {
          const next = e.target.value as Presence;
          setSaving(true);
          api
            .put(`/api/v1/agents/${staffId}/presence`, { presence: next })
            .then(
              () => {
                onChange(next);
                announce(t('presenceSet', { presence: t(`presence.${next}`) }));
              },
              () => announce(t('actionFailed')),
            )
            .finally(() => setSaving(false));
        }}
      >
        {PRESENCES.map((p) => (
          <option key={p} value={p}>
            {t(`presence.${p}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function CaseLink({ line, active, onOpen }: { line: CaseLine; active: boolean; onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <a
      href={`/app/cases/${line.caseId}`}
      className={`case-link${active ? ' active' : ''}`}
      aria-current={active ? 'true' : undefined}
      onClick={(e) => {
        e.preventDefault();
        onOpen();
      }}
    >
      <span className="line-top">
        <strong>{patientName(line.patient, t)}</strong>
        <ChannelBadge channel={line.channel} />
      </span>
      <span className="line-sub">
        {requestLabel(line.requestType, t)}
        {line.department ? ` · ${line.department.name}` : ''}
      </span>
      {line.lastMessage?.body ? <span className="line-preview">{line.lastMessage.body}</span> : null}
      {line.handover ? <span className="line-handover">{t('handoverPreview', { note: line.handover.body })}</span> : null}
    </a>
  );
}

/**
 * The agent's day: presence, open offers, the cases they hold and the queues they serve on the
 * left; the selected case (conversation, composer, context card) beside it. Refreshes on every
 * live frame of the organisation and, as a safety net, every 15 seconds.
 */
export function Workspace({ api, me, caseId, go }: { api: Api; me: Me; caseId: string | null; go: (route: Route) => void }) {
  const { t } = useTranslation();
  const staffId = me.staffId!;
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyOffer, setBusyOffer] = useState<string | null>(null);
  const seenOffers = useRef<Set<string> | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(() => {
    api.get<Inbox>(`/api/v1/agents/${staffId}/inbox`).then(
      (next) => {
        // Announce offers that were not there before (not the ones present at first load).
        if (seenOffers.current) {
          for (const o of next.offers) {
            if (!seenOffers.current.has(o.id)) {
              announce(t('newOffer', { request: requestLabel(o.case?.requestType ?? 'other', t), channel: t(`channel.${o.channel}`, o.channel), patient: patientName(o.case?.patient, t) }));
            }
          }
        }
        seenOffers.current = new Set(next.offers.map((o) => o.id));
        setInbox(next);
        setError(null);
      },
      () => setError(t('loadFailed')),
    );
  }, [api, staffId, t]);

  useEffect(() => {
    load();
    const timer = setInterval(load, 15_000);
    return () => clearInterval(timer);
  }, [load]);

  useStream(api, { scope: 'organization' }, () => {
    // Bursts of frames (one per committed change) become one read.
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(load, 250);
  });

  const answer = async (offerId: string, verb: 'accept' | 'decline', targetCase: string) => {
    setBusyOffer(offerId);
    try {
      await api.post(`/api/v1/offers/${offerId}/${verb}`, { staffId });
      announce(verb === 'accept' ? t('offerAccepted') : t('offerDeclined'));
      if (verb === 'accept') go({ name: 'case', caseId: targetCase });
    } catch (e) {
      announce(e instanceof ApiError && e.status === 409 ? t('offerGone') : t('actionFailed'));
    } finally {
      setBusyOffer(null);
      load();
    }
  };

  const open = (id: string) => go({ name: 'case', caseId: id });

  return (
    <div className="workspace">
      <section className="inbox" aria-labelledby="inbox-title">
        <div className="inbox-head">
          <h1 id="inbox-title">{t('navInbox')}</h1>
          {inbox ? <PresenceSelect api={api} staffId={staffId} value={inbox.agent.presence} onChange={() => load()} /> : null}
        </div>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {!inbox ? (
          <p aria-live="polite">{t('loading')}</p>
        ) : (
          <>
            <section aria-labelledby="offers-title" className="inbox-group">
              <h2 id="offers-title">
                {t('offersTitle')} <span className="count">{inbox.offers.length}</span>
              </h2>
              {inbox.offers.length === 0 ? (
                <p className="muted small">{inbox.agent.presence === 'available' ? t('noOffers') : t('noOffersUnavailable')}</p>
              ) : (
                <ul className="offers" aria-label={t('offersTitle')}>
                  {inbox.offers.map((o) => (
                    <li key={o.id} className="offer">
                      <div className="line-top">
                        <strong>{patientName(o.case?.patient, t)}</strong>
                        <ChannelBadge channel={o.channel} />
                      </div>
                      <p className="line-sub">
                        {requestLabel(o.case?.requestType ?? 'other', t)}
                        {o.reason === 'same_agent' ? <span className="tag">{t('sameAgent')}</span> : null}
                        {o.reason === 'transfer' ? <span className="tag">{t('transferred')}</span> : null}
                      </p>
                      {o.case?.lastMessage?.body ? <p className="line-preview">{o.case.lastMessage.body}</p> : null}
                      {o.case?.handover ? <p className="line-handover">{t('handoverPreview', { note: o.case.handover.body })}</p> : null}
                      <p className="small muted">{t('secondsLeft', { count: o.secondsLeft })}</p>
                      <div className="row">
                        <button type="button" className="primary" disabled={busyOffer === o.id} onClick={() => void answer(o.id, 'accept', o.caseId)}>
                          {t('accept')}
                          <span className="sr-only"> {patientName(o.case?.patient, t)}</span>
                        </button>
                        <button type="button" disabled={busyOffer === o.id} onClick={() => void answer(o.id, 'decline', o.caseId)}>
                          {t('decline')}
                          <span className="sr-only"> {patientName(o.case?.patient, t)}</span>
                        </button>
                        <a
                          href={`/app/cases/${o.caseId}`}
                          className="preview-link"
                          onClick={(e) => {
                            e.preventDefault();
                            open(o.caseId);
                          }}
                        >
                          {t('preview')}
                          <span className="sr-only"> {patientName(o.case?.patient, t)}</span>
                        </a>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section aria-labelledby="mine-title" className="inbox-group">
              <h2 id="mine-title">
                {t('myCases')} <span className="count">{inbox.assigned.length}</span>
              </h2>
              {inbox.assigned.length === 0 ? (
                <p className="muted small">{t('noCases')}</p>
              ) : (
                <ul className="cases" aria-label={t('myCases')}>
                  {inbox.assigned.map((c) => (
                    <li key={c.caseId}>
                      <CaseLink line={c} active={c.caseId === caseId} onOpen={() => open(c.caseId)} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section aria-labelledby="queues-title" className="inbox-group">
              <h2 id="queues-title">{t('myQueues')}</h2>
              {inbox.queues.length === 0 ? (
                <p className="muted small">{t('noQueues')}</p>
              ) : (
                inbox.queues.map((q) => (
                  <details key={q.department?.id ?? 'none'} className="queue" open={q.waitingCases.length > 0}>
                    <summary>
                      {q.department?.name ?? t('noDepartment')} <span className="count">{t('waitingCount', { count: q.waitingCases.length })}</span>
                    </summary>
                    <ul className="cases">
                      {q.waitingCases.map((c) => (
                        <li key={c.caseId}>
                          <CaseLink line={c} active={c.caseId === caseId} onOpen={() => open(c.caseId)} />
                          <span className="small muted wait">{waitText(c.waitSeconds, t)}</span>
                        </li>
                      ))}
                    </ul>
                  </details>
                ))
              )}
            </section>
          </>
        )}
      </section>
      {caseId ? (
        <CaseView key={caseId} api={api} me={me} caseId={caseId} go={go} onChanged={load} />
      ) : (
        <section className="case-empty" aria-labelledby="empty-title">
          <h2 id="empty-title">{t('noCaseOpen')}</h2>
          <p className="muted">{t('noCaseOpenHelp')}</p>
        </section>
      )}
    </div>
  );
}
