-- BoBB itself is leased like the other agents but has no row in agents: the lease no longer points
-- at agents by a foreign key; a trigger drops an agent's lease when the agent is removed instead.
ALTER TABLE leases DROP CONSTRAINT IF EXISTS leases_agent_id_fkey;

CREATE FUNCTION bobb_drop_lease() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM leases WHERE agent_id = OLD.id;
  RETURN OLD;
END;
$$;
CREATE TRIGGER agents_drop_lease AFTER DELETE ON agents FOR EACH ROW EXECUTE FUNCTION bobb_drop_lease();

-- Every supervisor's heartbeat: a host counts as live while seen_at is younger than a lease period;
-- each host claims only its fair share of the agents among the live ones.
CREATE TABLE nodes (
  node_id text PRIMARY KEY,
  seen_at timestamptz NOT NULL,
  ttl_ms integer NOT NULL
);
