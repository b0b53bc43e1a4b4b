-- The audit log is evidence (45 CFR 164.312(b)): rows are appended, never changed. The only
-- deletion allowed is the retention purge below, which removes a whole prefix of one
-- organisation's chain and is followed, in the same transaction, by a checkpoint row.
CREATE OR REPLACE FUNCTION carethread_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('carethread.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION carethread_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION carethread_audit_append_only();
--> statement-breakpoint
-- Deletes the prefix seq <= through_seq of one organisation's chain, refusing unless every row
-- in it is older than the cutoff and the cutoff is in the past. Returns the rows deleted.
CREATE OR REPLACE FUNCTION carethread_audit_purge(org uuid, through_seq bigint, cutoff timestamptz) RETURNS bigint AS $$
DECLARE
  n bigint;
BEGIN
  IF cutoff > now() THEN
    RAISE EXCEPTION 'audit purge: the cutoff must be in the past';
  END IF;
  IF EXISTS (SELECT 1 FROM audit_log WHERE organization_id = org AND seq <= through_seq AND at >= cutoff) THEN
    RAISE EXCEPTION 'audit purge: rows up to seq % are not all older than the retention', through_seq;
  END IF;
  PERFORM set_config('carethread.audit_purge', 'on', true);
  DELETE FROM audit_log WHERE organization_id = org AND seq <= through_seq;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('carethread.audit_purge', 'off', true);
  RETURN n;
END;
$$ LANGUAGE plpgsql;
