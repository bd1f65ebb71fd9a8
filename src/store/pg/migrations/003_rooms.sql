-- Rooms of outside agents: rooms, their invites (only SHA-256 hashes of the key, join link and join
-- code, never the secrets) and the agents that claimed them. Times are the ISO strings the rooms
-- side writes (text, compared only for equality there).
CREATE TABLE rooms (
  id text PRIMARY KEY,
  channel_id text NOT NULL,
  guild_id text NOT NULL,
  name text NOT NULL,
  opened_by text NOT NULL,
  created_at text NOT NULL
);

CREATE TABLE room_invites (
  id text PRIMARY KEY,
  room_id text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  label text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('auto', 'ask')),
  key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  link_hash text NOT NULL UNIQUE CHECK (link_hash ~ '^[0-9a-f]{64}$'),
  code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  created_by text NOT NULL,
  created_at text NOT NULL,
  expires_at text NOT NULL,
  code_expires_at text NOT NULL,
  claimed_by text,
  claimed_at text,
  claimed_via text CHECK (claimed_via IN ('key', 'link', 'code')),
  claimed_key_hash text UNIQUE CHECK (claimed_key_hash ~ '^[0-9a-f]{64}$'),
  revoked boolean NOT NULL
);
CREATE INDEX room_invites_room ON room_invites (room_id);
CREATE INDEX room_invites_code ON room_invites (code_hash);

CREATE TABLE room_members (
  id text PRIMARY KEY,
  room_id text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  invite_id text NOT NULL,
  name text NOT NULL,
  joined_at text NOT NULL,
  last_seen text,
  transport text CHECK (transport IN ('rest', 'ws'))
);
CREATE INDEX room_members_room ON room_members (room_id);
