import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Api } from '../api.ts';
import { requestLabel } from './format.ts';
import { Modal } from './Modal.tsx';
import { DISPOSITIONS, REQUEST_TYPES, type AgentView, type Me } from './types.ts';

const message = (e: unknown, fallback: string) => (e instanceof ApiError ? (e.body?.message ?? fallback) : fallback);

/** Hand a case to a colleague or a department; the note is what they read first. */
export function TransferDialog({ api, me, caseId, onClose, onDone }: { api: Api; me: Me; caseId: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<'agent' | 'department'>('agent');
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [departments, setDepartments] = useState<Array<{ id: string; name: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<AgentView[]>('/api/v1/agents').then((a) => setAgents(a.filter((x) => x.staffId !== me.staffId)), () => undefined);
    api.get<Array<{ id: string; name: string }>>('/api/v1/departments').then(setDepartments, () => undefined);
  }, [api, me.staffId]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const to = String(form.get('to') ?? '');
    const note = String(form.get('note') ?? '').trim();
    if (!to || !note) return setError(t('transferIncomplete'));
    setBusy(true);
    try {
      await api.post(`/api/v1/cases/${caseId}/transfer`, {
        ...(target === 'agent' ? { toStaffId: to } : { toDepartmentId: to }),
        note,
        ...(me.staffId ? { staffId: me.staffId } : {}),
      });
      onDone();
    } catch (err) {
      setError(message(err, t('actionFailed')));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('transferTitle')} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <fieldset>
          <legend>{t('transferTo')}</legend>
          <label className="check">
            <input type="radio" name="target" checked={target === 'agent'} onChange={() => setTarget('agent')} />
            {t('anAgent')}
          </label>
          <label className="check">
            <input type="radio" name="target" checked={target === 'department'} onChange={() => setTarget('department')} />
            {t('aDepartment')}
          </label>
        </fieldset>
        <label htmlFor="transfer-to">{target === 'agent' ? t('agent') : t('department')}</label>
        <select id="transfer-to" name="to" required key={target} defaultValue="">
          <option value="" disabled>
            {t('choose')}
          </option>
          {target === 'agent'
            ? agents.map((a) => (
                <option key={a.staffId} value={a.staffId}>
                  {a.name} — {t(`presence.${a.presence}`)}
                </option>
              ))
            : departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
        </select>
        <label htmlFor="transfer-note">{t('handoverNote')}</label>
        <textarea id="transfer-note" name="note" rows={4} required aria-describedby="transfer-note-help" />
        <p id="transfer-note-help" className="small muted">
          {t('handoverHelp')}
        </p>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="row end">
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('transfer')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Close a case with its request type (as it turned out to be) and a disposition. */
export function ResolveDialog({ api, me, caseId, requestType, onClose, onDone }: { api: Api; me: Me; caseId: string; requestType: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const resolution = String(form.get('resolution') ?? '').trim();
    const body = {
      requestType: String(form.get('requestType')),
      disposition: String(form.get('disposition')),
      ...(resolution ? { resolution } : {}),
      ...(me.staffId ? { staffId: me.staffId } : {}),
    };
    setBusy(true);
    try {
      await api.post(`/api/v1/cases/${caseId}/resolve`, body);
      onDone();
    } catch (err) {
      setError(message(err, t('actionFailed')));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('resolveTitle')} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label htmlFor="resolve-type">{t('requestTypeLabel')}</label>
        <select id="resolve-type" name="requestType" defaultValue={requestType}>
          {REQUEST_TYPES.map((r) => (
            <option key={r} value={r}>
              {requestLabel(r, t)}
            </option>
          ))}
        </select>
        <label htmlFor="resolve-disposition">{t('disposition')}</label>
        <select id="resolve-disposition" name="disposition" defaultValue="resolved">
          {DISPOSITIONS.map((d) => (
            <option key={d} value={d}>
              {t(`dispositionName.${d}`)}
            </option>
          ))}
        </select>
        <label htmlFor="resolve-text">{t('resolutionLabel')}</label>
        <textarea id="resolve-text" name="resolution" rows={3} maxLength={500} />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="row end">
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('resolve')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
