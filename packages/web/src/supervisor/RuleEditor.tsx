import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RULE_LIMITS, SECONDS_FIELDS, parseSeconds, parseSkills, type RuleRow, type SecondsField } from './model.ts';
import type { Client } from './useSupervisorData.ts';
import { SUPERVISOR_NS } from './strings.ts';

const HELP: Record<SecondsField, 'sameAgentOfferHelp' | 'offerHelp' | 'waitTargetHelp' | 'reofferHelp'> = {
  sameAgentOfferSeconds: 'sameAgentOfferHelp',
  offerSeconds: 'offerHelp',
  waitTargetSeconds: 'waitTargetHelp',
  reofferAfterSeconds: 'reofferHelp',
};

type Draft = Record<SecondsField, string> & { requiredSkills: string; matchLanguage: boolean; matchRequestType: boolean };

function draftOf(rule: RuleRow): Draft {
  return {
    sameAgentOfferSeconds: String(rule.sameAgentOfferSeconds),
    offerSeconds: String(rule.offerSeconds),
    waitTargetSeconds: String(rule.waitTargetSeconds),
    reofferAfterSeconds: String(rule.reofferAfterSeconds),
    requiredSkills: rule.requiredSkills.join(', '),
    matchLanguage: rule.matchLanguage,
    matchRequestType: rule.matchRequestType,
  };
}

/**
 * One department's rule as a form. It checks the bounds itself so the supervisor learns what is
 * wrong next to the field, in their language; the server checks again and has the last word.
 */
export function RuleEditor({ rule, api, onSaved, onCancel }: { rule: RuleRow; api: Client; onSaved: (rule: RuleRow) => void; onCancel: () => void }) {
  const { t } = useTranslation(SUPERVISOR_NS);
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  // Opening the form takes the keyboard to it; its heading names what is being edited.
  useEffect(() => heading.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Partial<Record<keyof Draft, string>> = {};
    const body: Record<string, unknown> = { matchLanguage: draft.matchLanguage, matchRequestType: draft.matchRequestType };
    for (const field of SECONDS_FIELDS) {
      const value = parseSeconds(field, draft[field]);
      if (value === null) found[field] = t('errWholeSeconds', RULE_LIMITS[field]);
      else body[field] = value;
    }
    const skills = parseSkills(draft.requiredSkills);
    if (skills === null) found.requiredSkills = t('errSkills');
    else body.requiredSkills = skills;
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) {
      setFailure(t('fixErrors'));
      return;
    }
    setSaving(true);
    try {
      const saved = await api.put<RuleRow>(`/api/v1/routing/rules/${encodeURIComponent(rule.departmentId)}`, body);
      onSaved(saved);
    } catch (err) {
      setFailure(t('saveFailed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setSaving(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  };

  return (
    <form className="ct-sup-editor" aria-labelledby={`${id}-title`} onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <h4 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('editTitle', { department: rule.department.name })}
      </h4>
      {failure ? (
        <p role="alert" className="ct-sup-error">
          {failure}
        </p>
      ) : null}
      <div className="ct-sup-fields">
        {SECONDS_FIELDS.map((field) => {
          const error = errors[field];
          return (
            <div className="ct-sup-field" key={field}>
              <label htmlFor={`${id}-${field}`}>{t(field)}</label>
              <div className="ct-sup-unit">
                <input
                  id={`${id}-${field}`}
                  name={field}
                  type="number"
                  inputMode="numeric"
                  min={RULE_LIMITS[field].min}
                  max={RULE_LIMITS[field].max}
                  step={1}
                  value={draft[field]}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={`${id}-${field}-help${error ? ` ${id}-${field}-error` : ''}`}
                  onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                />
                <span aria-hidden="true">s</span>
              </div>
              <p id={`${id}-${field}-help`} className="ct-sup-help">
                {t(HELP[field], RULE_LIMITS[field])}
              </p>
              {error ? (
                <p id={`${id}-${field}-error`} className="ct-sup-field-error">
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
        <div className="ct-sup-field">
          <label htmlFor={`${id}-skills`}>{t('requiredSkills')}</label>
          <input
            id={`${id}-skills`}
            name="requiredSkills"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={draft.requiredSkills}
            aria-invalid={errors.requiredSkills ? true : undefined}
            aria-describedby={`${id}-skills-help${errors.requiredSkills ? ` ${id}-skills-error` : ''}`}
            onChange={(e) => setDraft({ ...draft, requiredSkills: e.target.value })}
          />
          <p id={`${id}-skills-help`} className="ct-sup-help">
            {t('requiredSkillsHelp')}
          </p>
          {errors.requiredSkills ? (
            <p id={`${id}-skills-error`} className="ct-sup-field-error">
              {errors.requiredSkills}
            </p>
          ) : null}
        </div>
        {(['matchLanguage', 'matchRequestType'] as const).map((field) => (
          <div className="ct-sup-field ct-sup-check" key={field}>
            <input
              id={`${id}-${field}`}
              name={field}
              type="checkbox"
              checked={draft[field]}
              aria-describedby={`${id}-${field}-help`}
              onChange={(e) => setDraft({ ...draft, [field]: e.target.checked })}
            />
            <label htmlFor={`${id}-${field}`}>{t(field)}</label>
            <p id={`${id}-${field}-help`} className="ct-sup-help">
              {t(field === 'matchLanguage' ? 'matchLanguageHelp' : 'matchRequestTypeHelp')}
            </p>
          </div>
        ))}
      </div>
      <div className="ct-sup-buttons">
        <button type="submit" className="ct-sup-primary" disabled={saving}>
          {saving ? t('saving') : t('save')}
        </button>
        <button type="button" onClick={onCancel} disabled={saving}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
