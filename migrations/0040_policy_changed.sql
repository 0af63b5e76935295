-- A change to the matching policy (a new version, or any other write) is announced on commit (NOTIFY
-- is transactional): each server process keeps the policy in force between changes (it is read by
-- every recommendation) and forgets it when told. The payload is the table's name.
CREATE FUNCTION announce_policy_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('policy_changed', TG_TABLE_NAME);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER matching_policies_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON matching_policies FOR EACH STATEMENT EXECUTE FUNCTION announce_policy_change();
