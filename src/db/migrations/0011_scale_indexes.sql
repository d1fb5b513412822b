DROP INDEX "conversations_workspace_last_idx";--> statement-breakpoint
DROP INDEX "activities_workspace_lead_idx";--> statement-breakpoint
DROP INDEX "leads_workspace_assignee_idx";--> statement-breakpoint
DROP INDEX "leads_workspace_status_idx";--> statement-breakpoint
DROP INDEX "messages_conversation_idx";--> statement-breakpoint
DROP INDEX "messages_workspace_created_idx";--> statement-breakpoint
CREATE INDEX "conversations_workspace_activity_idx" ON "conversations" USING btree ("workspace_id",coalesce("last_message_at", "created_at"),"id");--> statement-breakpoint
CREATE INDEX "conversations_contact_name_trgm_idx" ON "conversations" USING gin (lower("contact_name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "conversations_contact_phone_trgm_idx" ON "conversations" USING gin ("contact_phone" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "conversations_workspace_created_idx" ON "conversations" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "conversations_workspace_member_idx" ON "conversations" USING btree ("workspace_id","member_id") WHERE "conversations"."member_id" is not null;--> statement-breakpoint
CREATE INDEX "activities_workspace_lead_idx" ON "activities" USING btree ("workspace_id","lead_id","created_at","id");--> statement-breakpoint
CREATE INDEX "leads_workspace_assignee_idx" ON "leads" USING btree ("workspace_id","assignee_id","id");--> statement-breakpoint
CREATE INDEX "leads_workspace_status_idx" ON "leads" USING btree ("workspace_id","status","id");--> statement-breakpoint
CREATE INDEX "messages_conversation_idx" ON "messages" USING btree ("conversation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "messages_workspace_created_idx" ON "messages" USING btree ("workspace_id","created_at","conversation_id","direction","type","status");