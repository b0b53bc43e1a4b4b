CREATE TABLE "billing_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"statement_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"service_date" text,
	"code" text NOT NULL,
	"description" text NOT NULL,
	"charge_cents" bigint NOT NULL,
	"insurance_paid_cents" bigint NOT NULL,
	"adjustment_cents" bigint NOT NULL,
	"patient_owes_cents" bigint NOT NULL,
	"copay_cents" bigint,
	"coinsurance_cents" bigint,
	"deductible_cents" bigint
);
--> statement-breakpoint
CREATE TABLE "billing_statements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"patient_id" uuid NOT NULL,
	"statement_date" text NOT NULL,
	"due_date" text,
	"currency" text DEFAULT 'USD' NOT NULL,
	"total_charge_cents" bigint NOT NULL,
	"insurance_paid_cents" bigint NOT NULL,
	"adjustment_cents" bigint NOT NULL,
	"patient_balance_cents" bigint NOT NULL,
	"imported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"case_id" uuid,
	"patient_id" uuid NOT NULL,
	"department_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lab_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"patient_id" uuid NOT NULL,
	"code" text,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"effective_date" text,
	"issued_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_lines" ADD CONSTRAINT "billing_lines_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_lines" ADD CONSTRAINT "billing_lines_statement_id_billing_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."billing_statements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_statements" ADD CONSTRAINT "billing_statements_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_statements" ADD CONSTRAINT "billing_statements_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_tasks" ADD CONSTRAINT "care_tasks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_tasks" ADD CONSTRAINT "care_tasks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_tasks" ADD CONSTRAINT "care_tasks_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_tasks" ADD CONSTRAINT "care_tasks_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_tasks" ADD CONSTRAINT "care_tasks_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_lines_statement_line" ON "billing_lines" USING btree ("statement_id","line_no");--> statement-breakpoint
CREATE INDEX "billing_lines_org" ON "billing_lines" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_statements_org_external" ON "billing_statements" USING btree ("organization_id","external_id");--> statement-breakpoint
CREATE INDEX "billing_statements_patient" ON "billing_statements" USING btree ("organization_id","patient_id","statement_date");--> statement-breakpoint
CREATE INDEX "care_tasks_org_kind_status" ON "care_tasks" USING btree ("organization_id","kind","status","due_at");--> statement-breakpoint
CREATE INDEX "care_tasks_org_department" ON "care_tasks" USING btree ("organization_id","department_id","status");--> statement-breakpoint
CREATE INDEX "care_tasks_patient" ON "care_tasks" USING btree ("organization_id","patient_id");--> statement-breakpoint
CREATE INDEX "care_tasks_case" ON "care_tasks" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lab_results_org_external" ON "lab_results" USING btree ("organization_id","external_id");--> statement-breakpoint
CREATE INDEX "lab_results_patient" ON "lab_results" USING btree ("organization_id","patient_id","status");