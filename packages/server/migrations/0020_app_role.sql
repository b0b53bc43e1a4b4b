-- Custom SQL migration file, put your code below! --
-- The restricted role that organisation-scoped work runs as (store/tenant-scope.ts, db.ts), so
-- the row-level security policies of 0016 and 0019 wall every API request into its own
-- organisation. The role cannot log in; the application's login takes it on with SET ROLE for
-- the duration of a request's connection use. Where the migrating login may not create roles
-- (some managed databases), this does nothing and the application runs without the wall, which
-- `carethread start` reports.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carethread_app') THEN
    CREATE ROLE carethread_app NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'carethread: cannot create role carethread_app; row-level security will not wall the application';
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carethread_app') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO carethread_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO carethread_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO carethread_app', current_schema());
    -- Tables and sequences of later migrations too.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO carethread_app', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO carethread_app', current_schema());
    BEGIN
      EXECUTE format('GRANT carethread_app TO %I', current_user);
    EXCEPTION WHEN others THEN
      NULL; -- a superuser needs no membership; a login that cannot be granted runs without the wall
    END;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'carethread: cannot grant to carethread_app; row-level security will not wall the application';
END $$;
