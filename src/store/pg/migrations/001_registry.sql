-- The registry: one row of fleet-wide settings (its version is the registry's compare-and-swap
-- counter) and one JSONB document per agent, each with its own version.
CREATE TABLE registry_meta (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  next_port integer NOT NULL,
  extra jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
