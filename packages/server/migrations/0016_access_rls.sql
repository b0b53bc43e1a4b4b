-- Custom SQL migration file, put your code below! --
-- Row-level security as a second wall between organisations (issue 6 point 2, docs/security.md).
-- Every PHI table gets one policy: a row is visible and writable only when its organization_id
-- equals the transaction's setting carethread.organization_id (SET LOCAL / set_config(..., true)).
-- Without the setting nothing is visible. Superusers and the tables' owner (the role that ran
-- these migrations) bypass RLS, so the application's own connection is not limited by this yet;
-- a restricted role (reporting, support tools) is. The nullif keeps an unset or reset setting
-- (''), which would not cast to uuid, from turning into an error instead of "no rows".
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'patients', 'patient_blocks', 'identities', 'patient_merges', 'match_reviews', 'cases',
    'interactions', 'messages', 'facts', 'continuations', 'outbox', 'consents', 'events',
    'case_notes', 'care_tasks', 'lab_results', 'billing_statements', 'billing_lines',
    'appointments', 'waitlist_entries', 'break_glass_accesses'
  ] LOOP
    IF EXISTS (
      SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = t AND column_name = 'organization_id'
    ) THEN
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
      EXECUTE format('DROP POLICY IF EXISTS carethread_tenant ON %I', t);
      EXECUTE format(
        'CREATE POLICY carethread_tenant ON %I USING (organization_id = nullif(current_setting(''carethread.organization_id'', true), '''')::uuid) WITH CHECK (organization_id = nullif(current_setting(''carethread.organization_id'', true), '''')::uuid)',
        t
      );
    END IF;
  END LOOP;
END $$;
