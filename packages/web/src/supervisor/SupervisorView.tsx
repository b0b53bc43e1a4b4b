import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  canEditRules,
  formatDuration,
  isoDuration,
  queueKey,
  queueNow,
  sortQueues,
  type AgentRow,
  type QueueRow,
  type RuleRow,
} from './model.ts';
import { RuleEditor } from './RuleEditor.tsx';
import { SUPERVISOR_NS, registerSupervisorStrings } from './strings.ts';
import { clientOf, useSupervisorData, type Api } from './useSupervisorData.ts';
import './supervisor.css';

export interface SupervisorViewProps {
  /**
   * How to call the API: a fetch wrapper `(path, init) => Promise<T>` that adds the bearer token,
   * keeps `init` and throws on a non-2xx answer, or the shared workspace's client object.
   */
  api: Api;
  /**
   * The token, for the live stream (browsers cannot set headers on a websocket). Optional with
   * the workspace's client (it knows its stream address); without either the view refreshes on a timer only.
   */
  token?: string;
  /** The fallback refresh, in seconds, for changes the stream does not announce. */
  refreshSeconds?: number;
}

/**
 * The supervisor's live picture of the contact centre: queues per department (what waits, for
 * how long, who could take it, which cases are over the wait target), agents' presence and
 * load per channel, and the routing rules (editable by supervisors and administrators).
 */
export function SupervisorView({ api, token, refreshSeconds = 15 }: SupervisorViewProps) {
  // Safe to call on every render: adds the bundles once, as soon as the host's i18next exists.
  registerSupervisorStrings();
  const { t, i18n } = useTranslation(SUPERVISOR_NS);
  const titleId = useId();
  const client = useMemo(() => clientOf(api, token), [api, token]);
  const { data, me, error, live, refresh } = useSupervisorData(client, refreshSeconds);
  const [now, setNow] = useState(() => Date.now());
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const lastBreaches = useRef<Map<string, number> | null>(null);
  const editButtons = useRef(new Map<string, HTMLButtonElement>());

  // Waits grow every second between fetches.
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  const lng = i18n.resolvedLanguage ?? i18n.language;
  const clock = useMemo(() => new Intl.DateTimeFormat(lng, { hour: '2-digit', minute: '2-digit', second: '2-digit' }), [lng]);
  const shortClock = useMemo(() => new Intl.DateTimeFormat(lng, { hour: '2-digit', minute: '2-digit' }), [lng]);

  const elapsed = data ? (now - data.fetchedAt) / 1000 : 0;
  const queues = useMemo(
    () => (data ? sortQueues(data.queues.queues.map((q) => ({ q, ...queueNow(q, elapsed) }))) : []),
    [data, Math.floor(elapsed)],
  );
  const deptName = (q: QueueRow) => q.department?.name ?? t('noDepartment');

  // Tell screen-reader users, politely, when a queue starts (or stops) breaching its target.
  useEffect(() => {
    if (!data) return;
    const current = new Map(queues.map(({ q, breachingCount }) => [queueKey(q), breachingCount]));
    const before = lastBreaches.current;
    const lines: string[] = [];
    for (const { q, breachingCount } of queues) {
      const previous = before?.get(queueKey(q)) ?? 0;
      if (breachingCount > previous) lines.push(t('breachAnnounce', { department: deptName(q), count: breachingCount }));
      else if (breachingCount === 0 && previous > 0) lines.push(t('breachCleared', { department: deptName(q) }));
    }
    lastBreaches.current = current;
    if (lines.length > 0) setAnnouncement(lines.join(' '));
    // deptName/t change with the language only; the counts are what matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queues]);

  const totals = useMemo(() => {
    const agents = data?.agents ?? [];
    return {
      waiting: queues.reduce((n, r) => n + r.q.waiting, 0),
      breaching: queues.reduce((n, r) => n + r.breachingCount, 0),
      available: agents.filter((a) => a.presence === 'available').length,
      longest: queues.reduce((n, r) => Math.max(n, r.longestWaitSeconds), 0),
    };
  }, [queues, data]);

  const departmentNames = useMemo(() => {
    const names = new Map<string, string>();
    for (const r of data?.rules ?? []) names.set(r.departmentId, r.department.name);
    for (const q of data?.queues.queues ?? []) if (q.department) names.set(q.department.id, q.department.name);
    return names;
  }, [data]);

  const mayEdit = canEditRules(me?.role);
  const editingRule = data?.rules.find((r) => r.departmentId === editing) ?? null;

  const closeEditor = (departmentId: string) => {
    setEditing(null);
    // Back to the button that opened the form, so the keyboard user keeps their place.
    window.setTimeout(() => editButtons.current.get(departmentId)?.focus(), 0);
  };

  return (
    <section className="ct-sup" aria-labelledby={titleId} lang={lng}>
      <header className="ct-sup-header">
        <div>
          <h2 id={titleId}>{t('title')}</h2>
          <p className="ct-sup-intro">{t('intro')}</p>
        </div>
        <div className="ct-sup-status">
          <span className={`ct-sup-live ${live ? 'is-live' : 'is-polling'}`}>
            <span className="ct-sup-dot" aria-hidden="true" />
            {live ? t('live') : t('polling', { seconds: refreshSeconds })}
          </span>
          {data ? <span className="ct-sup-updated">{t('updatedAt', { time: clock.format(new Date(data.fetchedAt)) })}</span> : null}
          <button type="button" onClick={refresh}>
            {t('refresh')}
          </button>
        </div>
      </header>

      <p className="ct-sup-sr" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </p>

      {error ? (
        <p role="alert" className="ct-sup-error">
          {t('loadFailed', { message: error })}
        </p>
      ) : null}

      {!data ? (
        <p className="ct-sup-loading">{t('loading')}</p>
      ) : (
        <>
          {data.queues.codeEntry && data.queues.codeEntry.state !== 'open' ? (
            <p role="alert" className="ct-sup-error" data-testid="code-entry">
              {t(data.queues.codeEntry.state === 'paused' ? 'codeEntryPaused' : 'codeEntrySlowed', {
                failures: data.queues.codeEntry.failuresInWindow,
                minutes: data.queues.codeEntry.windowMinutes,
                until: data.queues.codeEntry.pausedUntil ? shortClock.format(new Date(data.queues.codeEntry.pausedUntil)) : '',
              })}
            </p>
          ) : null}
          <ul className="ct-sup-tiles" aria-label={t('summaryLabel')}>
            <li>
              <span className="ct-sup-tile-label">{t('totalWaiting')}</span>
              <span className="ct-sup-tile-value" data-testid="total-waiting">
                {totals.waiting}
              </span>
            </li>
            <li className={totals.breaching > 0 ? 'is-breach' : undefined}>
              <span className="ct-sup-tile-label">{t('totalBreaching')}</span>
              <span className="ct-sup-tile-value" data-testid="total-breaching">
                {totals.breaching > 0 ? <span aria-hidden="true">▲ </span> : null}
                {totals.breaching}
              </span>
            </li>
            <li>
              <span className="ct-sup-tile-label">{t('agentsAvailableTotal')}</span>
              <span className="ct-sup-tile-value">{totals.available}</span>
            </li>
            <li>
              <span className="ct-sup-tile-label">{t('longestWaitTotal')}</span>
              <span className="ct-sup-tile-value">
                <time dateTime={isoDuration(totals.longest)}>{formatDuration(totals.longest)}</time>
              </span>
            </li>
          </ul>

          <QueuesTable rows={queues} deptName={deptName} />
          <AgentsTable agents={data.agents} departmentNames={departmentNames} shortClock={shortClock} />

          <section className="ct-sup-panel" aria-labelledby={`${titleId}-rules`}>
            <h3 id={`${titleId}-rules`}>{t('rulesTitle')}</h3>
            {me && !mayEdit ? <p className="ct-sup-help">{t('readOnly')}</p> : null}
            {notice ? (
              <p role="status" className="ct-sup-notice">
                {notice}
              </p>
            ) : null}
            <RulesTable
              rules={data.rules}
              mayEdit={mayEdit}
              editing={editing}
              buttonRef={(departmentId, el) => {
                if (el) editButtons.current.set(departmentId, el);
                else editButtons.current.delete(departmentId);
              }}
              onEdit={(departmentId) => {
                setNotice(null);
                setEditing(departmentId);
              }}
            />
            {editingRule && mayEdit ? (
              <RuleEditor
                key={editingRule.departmentId}
                rule={editingRule}
                api={client}
                onCancel={() => closeEditor(editingRule.departmentId)}
                onSaved={(saved) => {
                  setNotice(t('saved', { department: saved.department.name }));
                  closeEditor(saved.departmentId);
                  refresh();
                }}
              />
            ) : null}
          </section>
        </>
      )}
    </section>
  );
}

/** A table that scrolls sideways on narrow screens, reachable by keyboard and named by its caption. */
function Scroll({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    <div className="ct-sup-scroll" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </div>
  );
}

function QueuesTable({ rows, deptName }: { rows: Array<{ q: QueueRow; breachingCount: number; longestWaitSeconds: number }>; deptName: (q: QueueRow) => string }) {
  const { t } = useTranslation(SUPERVISOR_NS);
  const id = useId();
  return (
    <section className="ct-sup-panel" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('queuesTitle')}</h3>
      {rows.length === 0 ? (
        <p>{t('noQueues')}</p>
      ) : (
        <Scroll labelledBy={`${id}-caption`}>
          <table className="ct-sup-table" data-testid="queues">
            <caption id={`${id}-caption`}>{t('queuesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('department')}</th>
                <th scope="col" className="num">
                  {t('waiting')}
                </th>
                <th scope="col" className="num">
                  {t('offered')}
                </th>
                <th scope="col" className="num">
                  {t('longestWait')}
                </th>
                <th scope="col" className="num">
                  {t('agentsAvailable')}
                </th>
                <th scope="col" className="num">
                  {t('overTarget')}
                </th>
                <th scope="col" className="num">
                  {t('waitTarget')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ q, breachingCount, longestWaitSeconds }) => (
                <tr key={queueKey(q)} className={breachingCount > 0 ? 'is-breach' : undefined} data-queue={q.department?.slug ?? 'none'}>
                  <th scope="row">
                    {deptName(q)}
                    {breachingCount > 0 ? <span className="ct-sup-badge is-breach">{t('breachBadge')}</span> : null}
                  </th>
                  <td className="num" data-col="waiting">
                    {q.waiting}
                  </td>
                  <td className="num">{q.offered}</td>
                  <td className="num">
                    <time dateTime={isoDuration(longestWaitSeconds)}>{q.waiting > 0 ? formatDuration(longestWaitSeconds) : '—'}</time>
                  </td>
                  <td className="num">{t('agentsAvailableOf', { available: q.agentsAvailable, serving: q.agentsServing })}</td>
                  <td className="num" data-col="breaching">
                    {breachingCount > 0 ? <span aria-hidden="true">▲ </span> : null}
                    {breachingCount}
                  </td>
                  <td className="num">{formatDuration(q.waitTargetSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}

function AgentsTable({ agents, departmentNames, shortClock }: { agents: AgentRow[]; departmentNames: Map<string, string>; shortClock: Intl.DateTimeFormat }) {
  const { t } = useTranslation(SUPERVISOR_NS);
  const id = useId();
  const sorted = [...agents].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="ct-sup-panel" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('agentsTitle')}</h3>
      {sorted.length === 0 ? (
        <p>{t('noAgents')}</p>
      ) : (
        <Scroll labelledBy={`${id}-caption`}>
          <table className="ct-sup-table" data-testid="agents">
            <caption id={`${id}-caption`}>{t('agentsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('agent')}</th>
                <th scope="col">{t('presence')}</th>
                {CHANNELS.map((c) => (
                  <th scope="col" className="num" key={c}>
                    {t(`ch_${c}`)}
                  </th>
                ))}
                <th scope="col">{t('departments')}</th>
                <th scope="col">{t('languages')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((a) => (
                <tr key={a.staffId} data-agent={a.staffId}>
                  <th scope="row">
                    <span className="ct-sup-name">{a.name}</span>
                    <span className="ct-sup-sub">{t(`role_${a.role}`, { defaultValue: a.role })}</span>
                  </th>
                  <td data-col="presence">
                    <span className={`ct-sup-presence is-${a.presence}`}>
                      <span className="ct-sup-dot" aria-hidden="true" />
                      {t(`pr_${a.presence}`, { defaultValue: a.presence })}
                    </span>
                    <span className="ct-sup-sub">
                      {a.configured && a.presenceSince ? t('since', { time: shortClock.format(new Date(a.presenceSince)) }) : t('notConfigured')}
                    </span>
                  </td>
                  {CHANNELS.map((c) => {
                    const capacity = a.capacity[c] ?? 0;
                    const held = a.held[c] ?? 0;
                    const offered = a.offered[c] ?? 0;
                    const full = capacity > 0 && held >= capacity;
                    return (
                      <td className={`num ct-sup-load${full ? ' is-full' : ''}`} key={c} data-col={c}>
                        {capacity === 0 && held === 0 ? (
                          <span className="ct-sup-muted">—</span>
                        ) : (
                          <>
                            <span>
                              {held}/{capacity}
                            </span>
                            {full ? <span className="ct-sup-sr"> ({t('atCapacity')})</span> : null}
                            {held > 0 ? (
                              <span className="ct-sup-meter" aria-hidden="true">
                                <span style={{ width: `${capacity > 0 ? Math.min(100, (held / capacity) * 100) : 100}%` }} />
                              </span>
                            ) : null}
                            {offered > 0 ? <span className="ct-sup-sub">{t('offeredCount', { count: offered })}</span> : null}
                          </>
                        )}
                      </td>
                    );
                  })}
                  <td>{a.departmentIds.length === 0 ? t('allDepartments') : a.departmentIds.map((d) => departmentNames.get(d) ?? '?').join(', ')}</td>
                  <td>{a.languages.map((l) => l.toUpperCase()).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}

function RulesTable({
  rules,
  mayEdit,
  editing,
  onEdit,
  buttonRef,
}: {
  rules: RuleRow[];
  mayEdit: boolean;
  editing: string | null;
  onEdit: (departmentId: string) => void;
  buttonRef: (departmentId: string, el: HTMLButtonElement | null) => void;
}) {
  const { t } = useTranslation(SUPERVISOR_NS);
  const id = useId();
  const yesNo = (v: boolean) => (v ? t('yes') : t('no'));
  return (
    <Scroll labelledBy={`${id}-caption`}>
      <table className="ct-sup-table ct-sup-rules" data-testid="rules">
        <caption id={`${id}-caption`}>{t('rulesCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('department')}</th>
            <th scope="col" className="num">
              {t('sameAgentOfferSeconds')}
            </th>
            <th scope="col" className="num">
              {t('offerSeconds')}
            </th>
            <th scope="col" className="num">
              {t('waitTargetSeconds')}
            </th>
            <th scope="col" className="num">
              {t('reofferAfterSeconds')}
            </th>
            <th scope="col">{t('matchLanguage')}</th>
            <th scope="col">{t('matchRequestType')}</th>
            <th scope="col">{t('requiredSkills')}</th>
            {mayEdit ? <th scope="col">{t('actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {[...rules].sort((a, b) => a.department.name.localeCompare(b.department.name)).map((r) => (
            <tr key={r.departmentId} data-rule={r.department.slug} className={editing === r.departmentId ? 'is-editing' : undefined}>
              <th scope="row">
                {r.department.name}
                {r.isDefault ? <span className="ct-sup-badge">{t('defaultRule')}</span> : null}
              </th>
              <td className="num" data-col="sameAgentOfferSeconds">
                {r.sameAgentOfferSeconds} s
              </td>
              <td className="num">{r.offerSeconds} s</td>
              <td className="num" data-col="waitTargetSeconds">
                {formatDuration(r.waitTargetSeconds)}
              </td>
              <td className="num">{formatDuration(r.reofferAfterSeconds)}</td>
              <td>{yesNo(r.matchLanguage)}</td>
              <td>{yesNo(r.matchRequestType)}</td>
              <td>{r.requiredSkills.length ? r.requiredSkills.join(', ') : <span className="ct-sup-muted">{t('none')}</span>}</td>
              {mayEdit ? (
                <td>
                  <button
                    type="button"
                    ref={(el) => buttonRef(r.departmentId, el)}
                    aria-label={t('editRuleOf', { department: r.department.name })}
                    aria-expanded={editing === r.departmentId}
                    onClick={() => onEdit(r.departmentId)}
                  >
                    {t('edit')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
