-- Custom SQL migration file, put your code below! --
-- Contact preferences are about a patient: the same tenant wall as the other PHI tables (0016).
ALTER TABLE "contact_preferences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP POLICY IF EXISTS carethread_tenant ON "contact_preferences";--> statement-breakpoint
CREATE POLICY carethread_tenant ON "contact_preferences" USING (organization_id = nullif(current_setting('carethread.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('carethread.organization_id', true), '')::uuid);
