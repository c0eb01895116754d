-- Join links (docs/security.md): one invitation per participant of a video appointment, signed
-- (EdDSA), single-use, role-bound, valid from shortly before the start until after the end.
CREATE TABLE join_invitation (
  jti            text PRIMARY KEY,
  appointment_id integer NOT NULL REFERENCES appointment (id),
  role           text NOT NULL CHECK (role IN ('patient', 'clinician')),
  not_before     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  issued_at      timestamptz NOT NULL,
  redeemed_at    timestamptz,
  revoked_at     timestamptz
);

CREATE INDEX join_invitation_appointment ON join_invitation (appointment_id, role);

-- Every session started, by a link or for a vendor backend: who, when, until when.
CREATE TABLE join_session (
  id             text PRIMARY KEY,
  appointment_id integer NOT NULL REFERENCES appointment (id),
  role           text NOT NULL CHECK (role IN ('patient', 'clinician')),
  peer_id        text NOT NULL,
  invitation_jti text REFERENCES join_invitation (jti),
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL
);

CREATE INDEX join_session_appointment ON join_session (appointment_id);
