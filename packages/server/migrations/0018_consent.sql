CREATE TABLE "contact_preferences" (
	"organization_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"sms" text,
	"email" text,
	"voice" text,
	"portal" text,
	"surveys" boolean DEFAULT true NOT NULL,
	"language" text,
	"time_zone" text,
	"quiet_start" text,
	"quiet_end" text,
	"updated_by_type" text NOT NULL,
	"updated_by_id" text,
	"updated_via" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contact_preferences_organization_id_patient_id_pk" PRIMARY KEY("organization_id","patient_id")
);
--> statement-breakpoint
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;