import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Api } from '../api.ts';
import type { Route } from '../App.tsx';
import { announce } from './announce.tsx';
import { ChannelBadge } from './Badge.tsx';
import { Composer } from './Composer.tsx';
import { ContextCardView } from './ContextCard.tsx';
import { ResolveDialog, TransferDialog } from './dialogs.tsx';
import { patientName, requestLabel, time } from './format.ts';
import { useStream } from './stream.ts';
import { Timeline } from './Timeline.tsx';
import type { ContextCard, Conversation, ConversationItem, Me } from './types.ts';

function Item({ item, current, staffName }: { item: ConversationItem; current: string | null; staffName: (id: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  if (item.type === 'note') {
    const who = staffName(item.staffId);
    return (
      <li className={`item note${item.kind === 'handover' ? ' handover' : ''}`}>
        <div className="item-meta">
          <span className="badge note-badge">{item.kind === 'handover' ? t('handover') : t('internalNote')}</span>
          {who ? <span>{who}</span> : null}
          {item.kind === 'handover' && item.toStaffId ? <span>→ {staffName(item.toStaffId) ?? t('anotherAgent')}</span> : null}
          <time dateTime={item.occurredAt}>{time(item.occurredAt, i18n.language)}</time>
        </div>
        <p className="body">{item.body}</p>
      </li>
    );
  }
  const who = item.actor === 'patient' ? t('actor.patient') : item.actor === 'agent' ? (staffName(item.staffId) ?? t('actor.agent')) : t(`actor.${item.actor}`, item.actor);
  return (
    <li className={`item msg ${item.direction === 'inbound' ? 'in' : 'out'} actor-${item.actor}${item.channel === current ? ' on-current' : ''}`}>
      <div className="item-meta">
        <ChannelBadge channel={item.channel} current={item.channel === current} />
        <span className="who">{who}</span>
        <time dateTime={item.occurredAt}>{time(item.occurredAt, i18n.language)}</time>
      </div>
      {item.subject ? <p className="subject">{item.subject}</p> : null}
      {item.body ? <p className="body">{item.body}</p> : <p className="body muted">{t('noText')}</p>}
      {item.mediaUrls.length > 0 ? (
        <ul className="attachments" aria-label={t('attachments')}>
          {item.mediaUrls.map((url, i) => (
            <li key={url}>
              <a href={url} target="_blank" rel="noopener noreferrer">
                {t('attachmentN', { n: i + 1 })}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

type Tab = 'conversation' | 'timeline';

/** One case: the conversation across every channel, the composer, the timeline tab and the card. */
export function CaseView({ api, me, caseId, go, onChanged }: { api: Api; me: Me; caseId: string; go: (r: Route) => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [card, setCard] = useState<ContextCard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('conversation');
  const [dialog, setDialog] = useState<'transfer' | 'resolve' | null>(null);
  const [staff, setStaff] = useState<Map<string, string>>(new Map());
  const listRef = useRef<HTMLOListElement>(null);
  const lastCount = useRef<number | null>(null);

  const loadConversation = useCallback(() => {
    api.get<Conversation>(`/api/v1/cases/${caseId}/conversation`).then(
      (c) => {
        const inbound = c.items.filter((i) => i.type === 'message' && i.direction === 'inbound').length;
        if (lastCount.current !== null && inbound > lastCount.current) announce(t('newMessage'));
        lastCount.current = inbound;
        setConversation(c);
      },
      () => setError(t('loadFailed')),
    );
  }, [api, caseId, t]);
  const loadCard = useCallback(() => {
    api.get<ContextCard>(`/api/v1/cases/${caseId}/context`).then(setCard, () => setError(t('loadFailed')));
  }, [api, caseId]);

  useEffect(() => {
    loadConversation();
    loadCard();
    api.get<Array<{ staffId: string; name: string }>>('/api/v1/agents').then(
      (agents) => setStaff(new Map(agents.map((a) => [a.staffId, a.name]))),
      () => undefined,
    );
  }, [api, loadConversation, loadCard]);

  // Case subscribers receive the fresh card with each frame: no second read needed for it.
  useStream(api, { caseId }, (frame) => {
    if (frame.type === 'case_updated' && frame.caseId !== caseId) return;
    if (frame.type === 'case_updated' && frame.card) setCard(frame.card as ContextCard);
    else loadCard();
    loadConversation();
  });

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [conversation?.items.length, tab]);

  const staffName = (id: string | null) => (id ? (staff.get(id) ?? null) : null);
  const refresh = () => {
    loadConversation();
    loadCard();
    onChanged();
  };

  const tabKeys = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next: Tab = e.key === 'Home' ? 'conversation' : e.key === 'End' ? 'timeline' : tab === 'conversation' ? 'timeline' : 'conversation';
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  if (error && !conversation) {
    return (
      <section className="case">
        <p role="alert" className="error">
          {error}
        </p>
      </section>
    );
  }
  if (!conversation || !card) {
    return (
      <section className="case">
        <p aria-live="polite">{t('loading')}</p>
      </section>
    );
  }
  const open = conversation.case.status === 'open';
  const mine = conversation.case.ownerId === me.staffId;

  return (
    <>
      <section className="case" aria-labelledby="case-title">
        <header className="case-head">
          <div>
            <h2 id="case-title">
              {patientName(card.patient, t)} · {requestLabel(conversation.case.requestType, t)}
            </h2>
            <p className="small muted">
              {t(`status.${conversation.case.status}`, conversation.case.status)}
              {card.case?.department ? ` · ${card.case.department.name}` : ''} · {t('currentChannelIs')} <ChannelBadge channel={conversation.currentChannel} current />
              {!mine && open ? <span className="tag">{t('notYours')}</span> : null}
            </p>
          </div>
          {open ? (
            <div className="row">
              <button type="button" onClick={() => setDialog('transfer')}>
                {t('transfer')}
              </button>
              <button type="button" onClick={() => setDialog('resolve')}>
                {t('resolve')}
              </button>
            </div>
          ) : null}
        </header>
        <div role="tablist" aria-label={t('caseViews')} className="tabs">
          {(['conversation', 'timeline'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              id={`tab-${name}`}
              aria-selected={tab === name}
              aria-controls={`panel-${name}`}
              tabIndex={tab === name ? 0 : -1}
              onClick={() => setTab(name)}
              onKeyDown={tabKeys}
            >
              {t(`tab.${name}`)}
            </button>
          ))}
        </div>
        {tab === 'conversation' ? (
          <div role="tabpanel" id="panel-conversation" aria-labelledby="tab-conversation" className="panel conversation-panel">
            <ol ref={listRef} className="thread" aria-label={t('messages')} tabIndex={0}>
              {conversation.items.length === 0 ? <li className="muted">{t('noMessages')}</li> : null}
              {conversation.items.map((item) => (
                <Item key={`${item.type}-${item.id}`} item={item} current={conversation.currentChannel} staffName={staffName} />
              ))}
            </ol>
            {open ? <Composer api={api} me={me} caseId={caseId} conversation={conversation} card={card} onSent={refresh} /> : <p className="muted">{t('caseClosed')}</p>}
          </div>
        ) : (
          <div role="tabpanel" id="panel-timeline" aria-labelledby="tab-timeline" className="panel">
            {card.patient ? <Timeline api={api} patientId={card.patient.id} /> : <p className="muted">{t('noPatient')}</p>}
          </div>
        )}
      </section>
      <ContextCardView api={api} caseId={caseId} card={card} onVerified={loadCard} go={go} />
      {dialog === 'transfer' ? (
        <TransferDialog
          api={api}
          me={me}
          caseId={caseId}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            announce(t('transferDone'));
            onChanged();
            go({ name: 'inbox' });
          }}
        />
      ) : null}
      {dialog === 'resolve' ? (
        <ResolveDialog
          api={api}
          me={me}
          caseId={caseId}
          requestType={conversation.case.requestType}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            announce(t('resolveDone'));
            refresh();
          }}
        />
      ) : null}
    </>
  );
}

