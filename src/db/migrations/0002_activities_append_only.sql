-- The activity timeline is append-only: history is never rewritten. (DELETE stays possible so a
-- lead can be erased on request; its activities go with it.)
CREATE OR REPLACE FUNCTION parley_reject_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'activities are append-only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER activities_append_only BEFORE UPDATE ON activities
  FOR EACH ROW EXECUTE FUNCTION parley_reject_update();
