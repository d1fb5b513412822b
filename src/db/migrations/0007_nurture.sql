CREATE TABLE "digest_runs" (
	"workspace_id" uuid NOT NULL,
	"local_date" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "digest_runs_workspace_id_local_date_pk" PRIMARY KEY("workspace_id","local_date")
);
--> statement-breakpoint
CREATE TABLE "message_master" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"trigger" text DEFAULT 'demo_done' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_master_steps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"delay_days" integer DEFAULT 0 NOT NULL,
	"delay_hours" integer DEFAULT 0 NOT NULL,
	"send_time" text,
	"title" text,
	"text" text NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_master_steps_delay" CHECK ("message_master_steps"."delay_days" >= 0 AND "message_master_steps"."delay_hours" >= 0)
);
--> statement-breakpoint
CREATE TABLE "nurture_enrollments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"trigger_key" text NOT NULL,
	"triggered_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"stop_reason" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"lead_id" uuid,
	"kind" text NOT NULL,
	"enrollment_id" uuid,
	"step_id" uuid,
	"task_id" uuid,
	"assignee_id" uuid,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"sent_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"reason" text,
	"message_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"enqueued_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "digest_runs" ADD CONSTRAINT "digest_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_master" ADD CONSTRAINT "message_master_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_master" ADD CONSTRAINT "message_master_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_master_steps" ADD CONSTRAINT "message_master_steps_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_master_steps" ADD CONSTRAINT "message_master_steps_sequence_id_message_master_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."message_master"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nurture_enrollments" ADD CONSTRAINT "nurture_enrollments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nurture_enrollments" ADD CONSTRAINT "nurture_enrollments_sequence_id_message_master_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."message_master"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nurture_enrollments" ADD CONSTRAINT "nurture_enrollments_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nurture_enrollments" ADD CONSTRAINT "nurture_enrollments_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_enrollment_id_nurture_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."nurture_enrollments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_step_id_message_master_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."message_master_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_master_workspace_trigger_idx" ON "message_master" USING btree ("workspace_id","trigger");--> statement-breakpoint
CREATE INDEX "message_master_steps_sequence_idx" ON "message_master_steps" USING btree ("sequence_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "nurture_enrollments_event_key" ON "nurture_enrollments" USING btree ("sequence_id","lead_id","trigger_key");--> statement-breakpoint
CREATE UNIQUE INDEX "nurture_enrollments_active_key" ON "nurture_enrollments" USING btree ("sequence_id","lead_id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "nurture_enrollments_workspace_lead_idx" ON "nurture_enrollments" USING btree ("workspace_id","lead_id");--> statement-breakpoint
CREATE INDEX "reminders_workspace_lead_idx" ON "reminders" USING btree ("workspace_id","lead_id","due_at");--> statement-breakpoint
CREATE INDEX "reminders_scheduled_due_idx" ON "reminders" USING btree ("due_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_enrollment_step_key" ON "reminders" USING btree ("enrollment_id","step_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_task_due_key" ON "reminders" USING btree ("task_id","due_at");