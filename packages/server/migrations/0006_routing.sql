CREATE TABLE "agent_profiles" (
	"staff_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"languages" text[] DEFAULT '{en}'::text[] NOT NULL,
	"request_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"department_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"capacity" jsonb NOT NULL,
	"presence" text DEFAULT 'offline' NOT NULL,
	"presence_since" timestamp with time zone NOT NULL,
	"last_offered_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"staff_id" uuid,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"to_staff_id" uuid,
	"to_department_id" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_routing" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"department_id" uuid,
	"department_pinned" boolean DEFAULT false NOT NULL,
	"waiting_since" timestamp with time zone,
	"interaction_id" uuid,
	"channel" text,
	"language" text,
	"preferred_agent_id" uuid,
	"preferred_reason" text,
	"last_agent_id" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"interaction_id" uuid,
	"channel" text NOT NULL,
	"via" text NOT NULL,
	"assigned_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"release_reason" text
);
--> statement-breakpoint
CREATE TABLE "routing_offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"interaction_id" uuid,
	"channel" text NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'offered' NOT NULL,
	"offered_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"outcome_reason" text
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"department_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"required_skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"match_language" boolean DEFAULT true NOT NULL,
	"match_request_type" boolean DEFAULT true NOT NULL,
	"same_agent_offer_seconds" integer DEFAULT 30 NOT NULL,
	"offer_seconds" integer DEFAULT 30 NOT NULL,
	"wait_target_seconds" integer DEFAULT 120 NOT NULL,
	"reoffer_after_seconds" integer DEFAULT 120 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_profiles" ADD CONSTRAINT "agent_profiles_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_profiles" ADD CONSTRAINT "agent_profiles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_routing" ADD CONSTRAINT "case_routing_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_routing" ADD CONSTRAINT "case_routing_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_routing" ADD CONSTRAINT "case_routing_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_assignments" ADD CONSTRAINT "routing_assignments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_assignments" ADD CONSTRAINT "routing_assignments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_assignments" ADD CONSTRAINT "routing_assignments_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_offers" ADD CONSTRAINT "routing_offers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_offers" ADD CONSTRAINT "routing_offers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_offers" ADD CONSTRAINT "routing_offers_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_profiles_org_presence" ON "agent_profiles" USING btree ("organization_id","presence");--> statement-breakpoint
CREATE INDEX "case_notes_case" ON "case_notes" USING btree ("organization_id","case_id","created_at");--> statement-breakpoint
CREATE INDEX "case_routing_waiting" ON "case_routing" USING btree ("organization_id","waiting_since") WHERE waiting_since is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "routing_assignments_one_open_per_case" ON "routing_assignments" USING btree ("case_id") WHERE released_at is null;--> statement-breakpoint
CREATE INDEX "routing_assignments_agent_open" ON "routing_assignments" USING btree ("organization_id","staff_id") WHERE released_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "routing_offers_one_open_per_case" ON "routing_offers" USING btree ("case_id") WHERE status = 'offered';--> statement-breakpoint
CREATE INDEX "routing_offers_agent" ON "routing_offers" USING btree ("organization_id","staff_id","status");--> statement-breakpoint
CREATE INDEX "routing_offers_due" ON "routing_offers" USING btree ("expires_at") WHERE status = 'offered';--> statement-breakpoint
CREATE INDEX "routing_offers_case" ON "routing_offers" USING btree ("case_id","offered_at");--> statement-breakpoint
CREATE INDEX "routing_rules_org" ON "routing_rules" USING btree ("organization_id");