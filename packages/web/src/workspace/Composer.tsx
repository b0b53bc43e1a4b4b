import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isMissingEndpoint, type Api } from '../api.ts';
import { announce } from './announce.tsx';
import { agoFrom, channelLabel, factLabel } from './format.ts';
import { ASKABLE_FACTS, type ContextCard, type Conversation, type KnownValue, type Me } from './types.ts';

interface KnownAsk {
  fact: string;
  known: KnownValue;
}

interface Canned {
  id: string;
  title: string;
}

/** Tolerant reading of `{fact, known:{…}}` or `{fact|name, value, …}` lines from the server. */
function knownLines(list: unknown): KnownAsk[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw: Record<string, unknown>) => {
    const fact = String(raw.fact ?? raw.name ?? '');
    const known = (raw.known ?? (raw.value !== undefined ? raw : null)) as KnownValue | null;
    return fact && known ? [{ fact, known }] : [];
  });
}

function KnownNotice({ item, onUse }: { item: KnownAsk; onUse?: () => void }) {
  const { t, i18n } = useTranslation();
  const channel = item.known.channel ?? item.known.sourceChannel ?? null;
  const at = item.known.at ?? item.known.observedAt;
  return (
    <li className="known">
      <span>
        {t('alreadyKnown', { fact: factLabel(item.fact, t), value: item.known.value })}
        <span className="muted">
          {' — '}
          {t('knownFrom', { source: channel ? channelLabel(channel, t) : t(`source.${item.known.source}`, item.known.source), age: at ? agoFrom(at, i18n.language) : '' })}
        </span>
      </span>
      {onUse ? (
        <button type="button" className="link" onClick={onUse}>
          {t('useKnown')}
          <span className="sr-only"> {factLabel(item.fact, t)}</span>
        </button>
      ) : null}
    </li>
  );
}

/**
 * Reply on the patient's current channel (or an explicitly chosen one), or write an internal
 * note. While the agent types, the server says which facts the text asks for and which of them
 * are already known; sending such a question anyway is a deliberate second step.
 */
export function Composer({ api, me, caseId, conversation, card, onSent }: { api: Api; me: Me; caseId: string; conversation: Conversation; card: ContextCard; onSent: () => void }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const current = conversation.currentChannel ?? card.case?.channels[0] ?? 'sms';
  const [channel, setChannel] = useState(current);
  const [checks, setChecks] = useState<KnownAsk[]>([]);
  const [conflict, setConflict] = useState<KnownAsk[] | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [features, setFeatures] = useState({ askCheck: true, reply: true, canned: true });
  const [canned, setCanned] = useState<Canned[] | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [askKnown, setAskKnown] = useState<KnownAsk | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  // Focus moves to the warning once it is on screen (after React commits it, not before).
  useEffect(() => {
    if (conflict) conflictRef.current?.focus();
  }, [conflict]);
  const ids = { text: useId(), channel: useId(), canned: useId(), hint: useId() };

  // Channels the patient can be answered on: those of this case, plus phone/email on file.
  const channels = [...new Set([current, ...(card.case?.channels ?? []), ...(card.patient?.identifiers.some((i) => i.kind === 'phone') ? ['sms'] : []), ...(card.patient?.identifiers.some((i) => i.kind === 'email') ? ['email'] : [])])];

  const language = card.preferences.language ?? i18n.language;
  useEffect(() => {
    api.get<unknown>(`/api/v1/canned-responses?language=${encodeURIComponent(language)}`).then(
      (r) => {
        const list = (Array.isArray(r) ? r : ((r as { items?: unknown[] }).items ?? [])) as Array<Record<string, unknown>>;
        setCanned(list.map((c) => ({ id: String(c.id), title: String(c.title ?? c.name ?? c.shortcut ?? c.id) })));
      },
      (e) => {
        if (isMissingEndpoint(e)) setFeatures((f) => ({ ...f, canned: false }));
      },
    );
  }, [api, language]);

  // The known-fact check while typing: debounced, and only for replies (notes ask nobody).
  useEffect(() => {
    if (!features.askCheck || note || text.trim().length < 6) {
      setChecks([]);
      return;
    }
    const timer = setTimeout(() => {
      api.post<{ asks: Array<{ fact: string; known: KnownValue | null }> }>(`/api/v1/cases/${caseId}/ask-check`, { text }).then(
        (r) => setChecks(r.asks.filter((a): a is KnownAsk => a.known !== null)),
        (e) => {
          if (isMissingEndpoint(e)) setFeatures((f) => ({ ...f, askCheck: false }));
        },
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [api, caseId, text, note, features.askCheck]);

  const useKnown = (item: KnownAsk) => {
    setText(t('confirmKnown', { fact: factLabel(item.fact, t), value: item.known.value }));
    setChecks([]);
    textRef.current?.focus();
  };

  const send = async (sendAnyway = false) => {
    const body = text.trim();
    if (!body) return;
    setSending(true);
    setError(null);
    try {
      if (note) {
        await api.post(`/api/v1/cases/${caseId}/notes`, { body, ...(me.staffId ? { staffId: me.staffId } : {}) });
        announce(t('noteAdded'));
      } else {
        const payload = { text: body, ...(channel !== current ? { channel } : {}), ...(me.staffId ? { staffId: me.staffId } : {}) };
        if (features.reply) {
          try {
            await api.post(`/api/v1/cases/${caseId}/reply`, { ...payload, ...(sendAnyway ? { sendAnyway: true } : {}) });
          } catch (e) {
            if (!isMissingEndpoint(e)) throw e;
            setFeatures((f) => ({ ...f, reply: false }));
            await api.post(`/api/v1/cases/${caseId}/messages`, { ...payload, actor: 'agent' });
          }
        } else {
          await api.post(`/api/v1/cases/${caseId}/messages`, { ...payload, actor: 'agent' });
        }
        announce(t('replySent', { channel: channelLabel(channel, t) }));
      }
      setText('');
      setChecks([]);
      setConflict(null);
      setMissing([]);
      onSent();
      textRef.current?.focus();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.body?.error === 'fact_already_known') {
        setConflict(knownLines(e.body.known));
      } else {
        setError(e instanceof ApiError ? (e.body?.message ?? t('actionFailed')) : t('actionFailed'));
      }
    } finally {
      setSending(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(false);
  };

  const ask = async (fact: string, insist = false) => {
    try {
      const r = await api.post<{ outcome: string; known: KnownValue | null }>(`/api/v1/cases/${caseId}/asks`, {
        fact,
        actor: 'agent',
        ...(insist ? { insist: true } : {}),
        ...(me.staffId ? { staffId: me.staffId } : {}),
      });
      if (r.outcome === 'known' && r.known) {
        setAskKnown({ fact, known: r.known });
        return;
      }
      setAskKnown(null);
      setText(t(`askText.${fact}`, { defaultValue: t('askTextGeneric', { fact: factLabel(fact, t) }) }));
      announce(r.outcome === 'repeat_ask' ? t('repeatAskRecorded') : t('askRecorded', { fact: factLabel(fact, t) }));
      textRef.current?.focus();
    } catch {
      announce(t('actionFailed'));
    }
  };

  const pickCanned = async (id: string) => {
    if (!id) return;
    try {
      const r = await api.post<{ text: string; missing: string[] }>(`/api/v1/cases/${caseId}/canned-responses/${id}/render`, {});
      setText(r.text);
      setMissing(r.missing ?? []);
      textRef.current?.focus();
    } catch {
      announce(t('actionFailed'));
    }
  };

  const knownNames = new Set(card.facts.map((f) => f.name));
  const missingFacts = ASKABLE_FACTS.filter((f) => !knownNames.has(f));

  return (
    <form className={`composer${note ? ' is-note' : ''}`} onSubmit={submit} aria-label={t('composer')}>
      {!note && missingFacts.length > 0 ? (
        <div className="asks" role="group" aria-label={t('askFor')}>
          <span className="small muted">{t('askFor')}</span>
          {missingFacts.map((fact) => (
            <button key={fact} type="button" className="chip" onClick={() => void ask(fact)}>
              {factLabel(fact, t)}
            </button>
          ))}
        </div>
      ) : null}
      {askKnown ? (
        <div className="known-box" role="status">
          <ul>
            <KnownNotice item={askKnown} />
          </ul>
          <div className="row">
            <button type="button" onClick={() => setAskKnown(null)}>
              {t('keepKnown')}
            </button>
            <button type="button" className="warn" onClick={() => void ask(askKnown.fact, true).then(() => setAskKnown(null))}>
              {t('askAnyway')}
            </button>
          </div>
        </div>
      ) : null}
      <div className="composer-controls">
        <label className="check">
          <input type="checkbox" checked={note} onChange={(e) => setNote(e.target.checked)} />
          {t('internalNoteToggle')}
        </label>
        {!note ? (
          <span className="field-inline">
            <label htmlFor={ids.channel}>{t('sendOn')}</label>
            <select id={ids.channel} value={channel} onChange={(e) => setChannel(e.target.value)}>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {channelLabel(c, t)}
                  {c === current ? ` (${t('currentChannel')})` : ''}
                </option>
              ))}
            </select>
          </span>
        ) : null}
        {!note && features.canned && canned && canned.length > 0 ? (
          <span className="field-inline">
            <label htmlFor={ids.canned}>{t('cannedResponses')}</label>
            <select id={ids.canned} value="" onChange={(e) => void pickCanned(e.target.value)}>
              <option value="">{t('cannedPick')}</option>
              {canned.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </span>
        ) : null}
      </div>
      {!note && channel !== current ? (
        <p className="switch-note small" role="note">
          {t('switchingChannel', { from: channelLabel(current, t), to: channelLabel(channel, t) })}
        </p>
      ) : null}
      <label htmlFor={ids.text} className="sr-only">
        {note ? t('noteLabel') : t('replyLabel')}
      </label>
      <textarea
        id={ids.text}
        ref={textRef}
        value={text}
        rows={3}
        placeholder={note ? t('notePlaceholder') : t('replyPlaceholder', { channel: channelLabel(channel, t) })}
        aria-describedby={ids.hint}
        onChange={(e) => {
          setText(e.target.value);
          setConflict(null);
        }}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter sends; Enter alone is a new line (replies are often several lines).
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send(false);
          }
        }}
      />
      <p id={ids.hint} className="sr-only">
        {t('composerHint')}
      </p>
      <div aria-live="polite">
        {checks.length > 0 && !conflict ? (
          <ul className="known-inline" aria-label={t('knownWhileTyping')}>
            {checks.map((c) => (
              <KnownNotice key={c.fact} item={c} onUse={() => useKnown(c)} />
            ))}
          </ul>
        ) : null}
      </div>
      {missing.length > 0 ? <p className="small warn-text">{t('cannedMissing', { names: missing.join(', ') })}</p> : null}
      {conflict ? (
        <div className="known-box conflict" role="alert" tabIndex={-1} ref={conflictRef}>
          <p>
            <strong>{t('conflictTitle')}</strong>
          </p>
          <ul>
            {conflict.map((c) => (
              <KnownNotice key={c.fact} item={c} onUse={() => useKnown(c)} />
            ))}
          </ul>
          <div className="row">
            <button type="button" onClick={() => textRef.current?.focus()}>
              {t('editMessage')}
            </button>
            <button type="button" className="warn" disabled={sending} onClick={() => void send(true)}>
              {t('sendAnyway')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <div className="row end">
        <span className="small muted">{t('ctrlEnter')}</span>
        <button type="submit" className="primary" disabled={sending || !text.trim()}>
          {note ? t('addNote') : t('sendReply', { channel: channelLabel(channel, t) })}
        </button>
      </div>
    </form>
  );
}

