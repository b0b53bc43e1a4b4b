-- Custom SQL migration file, put your code below! --
-- The application's restricted login (docs/operations.md) works through carethread_app's
-- grants. It appends to the audit log but may not change or delete rows: the append-only
-- trigger lets a DELETE through when carethread.audit_purge is on, a setting any session can
-- set, so the privilege itself is taken away. The retention purge runs with its owner's rights
-- instead (SECURITY DEFINER, fixed search_path), and keeps refusing rows that are too young.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carethread_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM carethread_app;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'carethread: cannot revoke from carethread_app';
END $$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION carethread_audit_purge(uuid, bigint, timestamptz) SECURITY DEFINER SET search_path = %I, pg_temp', current_schema());
END $$;
