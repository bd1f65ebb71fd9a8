-- Per bot and channel, the newest message the bot's host saw (the file mode's data/last-seen.json):
-- a host that takes a bot over reads from here what the bot missed while it moved between hosts.
-- Written only under the writer's lease (fenced); message ids are Discord snowflakes.
CREATE TABLE last_seen (
  agent_id text NOT NULL,
  channel_id text NOT NULL,
  message_id numeric(20) NOT NULL,
  PRIMARY KEY (agent_id, channel_id)
);
