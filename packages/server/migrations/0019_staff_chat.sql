-- Messages between staff (docs/staff.md, "Messages"; docs/decisions/0044-staff-messages.md):
-- conversations of two to eight members of staff, optionally about a patient; who is in each, with
-- how far they have read; the messages, numbered 1, 2, 3, … per conversation by the server.

CREATE TABLE staff_conversation (
  -- The id the starter's client made (a UUID): asking again with it makes nothing twice.
  id          uuid PRIMARY KEY,
  created_by  integer NOT NULL REFERENCES practitioner (id),
  -- Groups only (at most 80 UTF-16 code units, checked by the server).
  title       text CHECK (title IS NULL OR char_length(title) BETWEEN 1 AND 80),
  patient_id  integer REFERENCES patient (id),
  created_at  timestamptz NOT NULL,
  -- The last sequence number given: the row lock taken to move it on orders the messages of one
  -- conversation by commit, across server instances on one PostgreSQL.
  last_seq    integer NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  -- When it last had a message (or started): the list is most recent first.
  last_at     timestamptz NOT NULL,
  -- For a one-to-one conversation with no patient, the two practitioner ids ("3:12", smaller
  -- first): there is at most one such conversation between two people.
  pair        text UNIQUE
);

CREATE TABLE staff_conversation_member (
  conversation    uuid NOT NULL REFERENCES staff_conversation (id),
  practitioner_id integer NOT NULL REFERENCES practitioner (id),
  -- The highest sequence number this member has read (only ever moves forward).
  read_up_to      integer NOT NULL DEFAULT 0 CHECK (read_up_to >= 0),
  joined_at       timestamptz NOT NULL,
  PRIMARY KEY (conversation, practitioner_id)
);
CREATE INDEX staff_conversation_member_practitioner ON staff_conversation_member (practitioner_id);

CREATE TABLE staff_message (
  conversation uuid NOT NULL REFERENCES staff_conversation (id),
  seq          integer NOT NULL CHECK (seq > 0),
  -- The id the author's client made (a UUID): posting it again stores nothing twice.
  id           uuid NOT NULL,
  author       integer NOT NULL REFERENCES practitioner (id),
  body         text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
  sent_at      timestamptz NOT NULL,
  PRIMARY KEY (conversation, seq),
  UNIQUE (conversation, id)
);
