CREATE TABLE "data_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"check" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "identities_org_kind_value_patient";--> statement-breakpoint
DROP INDEX "interactions_contact";--> statement-breakpoint
DROP INDEX "patients_org_dob";--> statement-breakpoint
ALTER TABLE "assistant_dialogues" ALTER COLUMN "state" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "care_tasks" ALTER COLUMN "details" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "care_tasks" ALTER COLUMN "details" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "payload" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "value_index" text;--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "contact_index" text;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "birth_date_index" text;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "name_index" text[];--> statement-breakpoint
CREATE UNIQUE INDEX "identities_org_kind_value_index_patient" ON "identities" USING btree ("organization_id","kind","value_index","patient_id");--> statement-breakpoint
CREATE INDEX "interactions_contact_index" ON "interactions" USING btree ("organization_id","channel","contact_index","status");--> statement-breakpoint
CREATE INDEX "patients_org_dob_index" ON "patients" USING btree ("organization_id","birth_date_index");--> statement-breakpoint
CREATE INDEX "patients_name_index" ON "patients" USING gin ("name_index");--> statement-breakpoint
-- The first data key version. Existing plaintext values and missing blind indexes are sealed by
-- the start-up sweep (store/key-rotation.ts), which needs the master secret SQL does not have.
INSERT INTO "data_keys" ("id", "status", "activated_at") VALUES ('initial', 'active', now());
