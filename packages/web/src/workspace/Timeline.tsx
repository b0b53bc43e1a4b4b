import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isMissingEndpoint, type Api } from '../api.ts';
import { ChannelBadge } from './Badge.tsx';
import { dateTime, requestLabel } from './format.ts';
import { CHANNELS } from './types.ts';

interface Entry {
  id: string;
  kind: string;
  at: string;
  case?: { requestType: string; status: string; lastChannel: string | null; disposition: string | null };
  interaction?: { channel: string; direction: string | null; status: string; messageCount: number };
  appointment?: { start: string; status: string };
}

const KINDS = ['case', 'interaction', 'appointment', 'survey'] as const;
const PAGE = 30;

/** Everything of the patient across channels, newest first, with filters and "load older". */
export function Timeline({ api, patientId }: { api: Api; patientId: string }) {
  const { t, i18n } = useTranslation();
  const [kinds, setKinds] = useState('');
  const [channel, setChannel] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'ok' | 'missing' | 'error'>('ok');
  const ids = { kinds: useId(), channel: useId(), from: useId(), to: useId() };

  const query = useCallback(
    (before?: string) => {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (kinds) q.set('kinds', kinds);
      if (channel) q.set('channel', channel);
      if (from) q.set('from', new Date(`${from}T00:00:00`).toISOString());
      if (to) q.set('to', new Date(`${to}T23:59:59`).toISOString());
      if (before) q.set('before', before);
      return api.get<unknown>(`/api/v1/patients/${patientId}/timeline?${q}`).then((r) => {
        const page = r as { items: Entry[]; nextCursor: string | null };
        return { list: page.items, cursor: page.nextCursor };
      });
    },
    [api, patientId, kinds, channel, from, to],
  );

  useEffect(() => {
    setEntries(null);
    query().then(
      ({ list, cursor: next }) => {
        setEntries(list);
        setCursor(next);
        setState('ok');
      },
      (e) => setState(isMissingEndpoint(e) ? 'missing' : 'error'),
    );
  }, [query]);

  const describe = (e: Entry): string => {
    if (e.case) {
      const request = requestLabel(e.case.requestType, t);
      return e.case.status === 'resolved' && e.case.disposition
        ? t('tlCaseResolved', { request, disposition: t(`dispositionName.${e.case.disposition}`, e.case.disposition) })
        : t('tlCase', { request, status: t(`status.${e.case.status}`, e.case.status).toLowerCase() });
    }
    if (e.interaction) {
      return t('tlInteraction', { count: e.interaction.messageCount, direction: t(`direction.${e.interaction.direction ?? 'unknown'}`), status: e.interaction.status });
    }
    if (e.appointment) return t('tlAppointment', { start: dateTime(e.appointment.start, i18n.language), status: e.appointment.status });
    return t(`timelineKind.${e.kind}`, e.kind);
  };

  if (state === 'missing') return <p className="muted">{t('timelineUnavailable')}</p>;
  return (
    <div className="timeline">
      <h3 className="sr-only">{t('tab.timeline')}</h3>
      <div className="filters" role="group" aria-label={t('filters')}>
        <span className="field">
          <label htmlFor={ids.kinds}>{t('filterKind')}</label>
          <select id={ids.kinds} value={kinds} onChange={(e) => setKinds(e.target.value)}>
            <option value="">{t('all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`timelineKind.${k}`)}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor={ids.channel}>{t('filterChannel')}</label>
          <select id={ids.channel} value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">{t('all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor={ids.from}>{t('filterFrom')}</label>
          <input id={ids.from} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </span>
        <span className="field">
          <label htmlFor={ids.to}>{t('filterTo')}</label>
          <input id={ids.to} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </span>
      </div>
      {state === 'error' ? (
        <p role="alert" className="error">
          {t('loadFailed')}
        </p>
      ) : entries === null ? (
        <p aria-live="polite">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="muted">{t('timelineEmpty')}</p>
      ) : (
        <ol className="timeline-list" aria-label={t('tab.timeline')}>
          {entries.map((e, i) => (
            <li key={e.id ?? `${e.kind}-${e.at}-${i}`} className={`tl tl-${e.kind}`}>
              <div className="item-meta">
                <span className="badge kind">{t(`timelineKind.${e.kind}`, e.kind)}</span>
                {e.interaction ? <ChannelBadge channel={e.interaction.channel} /> : e.case?.lastChannel ? <ChannelBadge channel={e.case.lastChannel} /> : null}
                <time dateTime={e.at}>{dateTime(e.at, i18n.language)}</time>
              </div>
              <p className="body">{describe(e)}</p>
            </li>
          ))}
        </ol>
      )}
      {cursor && entries && entries.length > 0 ? (
        <button
          type="button"
          onClick={() =>
            void query(cursor).then(({ list, cursor: next }) => {
              setEntries([...entries, ...list]);
              setCursor(next);
            })
          }
        >
          {t('loadOlder')}
        </button>
      ) : null}
    </div>
  );
}
