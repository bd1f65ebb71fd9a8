-- Which host runs which agent: a lease with an expiry, renewed by its holder; the generation grows by
-- one with every new holder and is the fencing token its writes carry.
CREATE TABLE leases (
  agent_id text PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  node_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  generation bigint NOT NULL
);
CREATE INDEX leases_node ON leases (node_id);
