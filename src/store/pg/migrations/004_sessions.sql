-- The bridge's session map: (mode, agent, conversation) → OpenCode session id and when it was last
-- used (epoch ms). The mode keeps apart ids of the isolated, shared and project servers, as the
-- file store's sessions-<mode>.json does. No foreign key to agents: BoBB itself is not one.
CREATE TABLE opencode_sessions (
  scope text NOT NULL,
  agent_id text NOT NULL,
  conversation text NOT NULL,
  session_id text NOT NULL,
  used_at bigint NOT NULL,
  PRIMARY KEY (scope, agent_id, conversation)
);
CREATE INDEX opencode_sessions_used ON opencode_sessions (scope, used_at);
