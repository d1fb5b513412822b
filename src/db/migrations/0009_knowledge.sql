CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kb_simple') THEN
    CREATE TEXT SEARCH CONFIGURATION kb_simple (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION kb_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
  END IF;
END $$;--> statement-breakpoint
CREATE TABLE "knowledge_chunks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"link_id" uuid NOT NULL,
	"record" text NOT NULL,
	"part" integer DEFAULT 0 NOT NULL,
	"text" text NOT NULL,
	"search_text" text NOT NULL,
	"key_text" text DEFAULT '' NOT NULL,
	"tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('kb_simple'::regconfig, search_text), 'A') || setweight(to_tsvector('kb_simple'::regconfig, key_text), 'D')) STORED,
	"keys" text[] DEFAULT '{}' NOT NULL,
	"contact_keys" text[],
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"page_id" text NOT NULL,
	"channels" text[] NOT NULL,
	"active_channels" text[] NOT NULL,
	"name" text NOT NULL,
	"url" text,
	"type" text NOT NULL,
	"description" text,
	"visibility" text DEFAULT 'public' NOT NULL,
	"key_fields" text[],
	"header_names" text[] DEFAULT '{}' NOT NULL,
	"secrets" text,
	"push_secret_hash" text,
	"document" text,
	"document_format" text,
	"file_name" text,
	"refresh_minutes" integer DEFAULT 30 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"sync_started_at" timestamp with time zone,
	"last_fetched_at" timestamp with time zone,
	"last_changed_at" timestamp with time zone,
	"next_fetch_at" timestamp with time zone,
	"retries" integer DEFAULT 0 NOT NULL,
	"content_hash" text,
	"records" integer DEFAULT 0 NOT NULL,
	"chunks" integer DEFAULT 0 NOT NULL,
	"last_error_status" integer,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_syncs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"link_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"reason" text,
	"records" integer,
	"chunks" integer,
	"added" integer,
	"removed" integer,
	"bytes" integer,
	"pages" integer,
	"duration_ms" integer,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_terms" (
	"workspace_id" uuid NOT NULL,
	"word" text NOT NULL,
	"ndoc" integer NOT NULL,
	CONSTRAINT "knowledge_terms_workspace_id_word_pk" PRIMARY KEY("workspace_id","word")
);
--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_link_id_knowledge_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."knowledge_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_links" ADD CONSTRAINT "knowledge_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_links" ADD CONSTRAINT "knowledge_links_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_syncs" ADD CONSTRAINT "knowledge_syncs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_syncs" ADD CONSTRAINT "knowledge_syncs_link_id_knowledge_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."knowledge_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_terms" ADD CONSTRAINT "knowledge_terms_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_link_idx" ON "knowledge_chunks" USING btree ("link_id","record","part");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_tsv_idx" ON "knowledge_chunks" USING gin ("tsv") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "knowledge_chunks_public_tsv_idx" ON "knowledge_chunks" USING gin ("tsv") WITH (fastupdate=false) WHERE "knowledge_chunks"."contact_keys" is null;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_keys_idx" ON "knowledge_chunks" USING gin ("keys") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "knowledge_chunks_contact_keys_idx" ON "knowledge_chunks" USING gin ("contact_keys") WITH (fastupdate=false);--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_links_page_url_key" ON "knowledge_links" USING btree ("workspace_id","page_id","url") WHERE "knowledge_links"."url" is not null;--> statement-breakpoint
CREATE INDEX "knowledge_links_due_idx" ON "knowledge_links" USING btree ("next_fetch_at") WHERE "knowledge_links"."type" = 'api' and "knowledge_links"."status" <> 'failed';--> statement-breakpoint
CREATE INDEX "knowledge_syncs_link_idx" ON "knowledge_syncs" USING btree ("link_id","started_at");--> statement-breakpoint
CREATE INDEX "knowledge_terms_word_trgm_idx" ON "knowledge_terms" USING gin ("word" gin_trgm_ops);
--> statement-breakpoint
DO $$ BEGIN
  -- The vector leg exists only where pgvector does (PGlite has it; a PostgreSQL without it still migrates).
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    EXECUTE 'CREATE EXTENSION IF NOT EXISTS vector';
    EXECUTE 'CREATE TABLE IF NOT EXISTS knowledge_embeddings (
      chunk_id uuid PRIMARY KEY REFERENCES knowledge_chunks(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      model text NOT NULL,
      hash text NOT NULL,
      embedding vector NOT NULL
    )';
    EXECUTE 'CREATE INDEX IF NOT EXISTS knowledge_embeddings_workspace_idx ON knowledge_embeddings (workspace_id, model)';
  END IF;
END $$;
