-- A person's stop word is seen by every host; the one that inserts the message's row acknowledges it
-- (one reaction, not one per host). Rows older than a day are deleted as new ones come.
CREATE TABLE stop_acks (
  message_id text PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now()
);
