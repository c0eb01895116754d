-- In-call chat (docs/decisions/0024-chat.md): the messages of a consultation, kept with it so the
-- record can take them, numbered 1, 2, 3, … per consultation by the server.
-- `consultation` is the consultation id of the signalling tickets (`appt-{id}`, or a demo's).
CREATE TABLE chat_message (
  consultation text NOT NULL,
  seq          integer NOT NULL CHECK (seq > 0),
  -- The id the author's page made (a UUID): posting it again stores nothing twice.
  id           uuid NOT NULL,
  author_peer  text NOT NULL,
  author_role  text NOT NULL CHECK (author_role IN ('patient', 'clinician', 'guest')),
  author_kind  text,
  author_name  text NOT NULL,
  author_session text,
  body         text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
  sent_at      timestamptz NOT NULL,
  PRIMARY KEY (consultation, seq),
  UNIQUE (consultation, id)
);

-- The last sequence number given in a consultation: the row lock taken to move it on orders the
-- messages of one consultation by commit, across server instances on one PostgreSQL.
CREATE TABLE chat_counter (
  consultation text PRIMARY KEY,
  last_seq     integer NOT NULL
);

-- How far each participant has received and read (only ever moves forward).
CREATE TABLE chat_mark (
  consultation text NOT NULL,
  peer_id      text NOT NULL,
  received_seq integer NOT NULL DEFAULT 0,
  read_seq     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (consultation, peer_id)
);
