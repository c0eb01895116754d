-- Sessions bound to the appointment's state (docs/security.md): cancelling, declining or moving an
-- appointment, or sending a new link, revokes the sessions and unused links it made obsolete, and
-- says why, so the page can tell the patient.
ALTER TABLE join_session ADD COLUMN revoked_at timestamptz;
ALTER TABLE join_session ADD COLUMN revoked_reason text;
ALTER TABLE join_invitation ADD COLUMN revoked_reason text;
CREATE INDEX join_session_invitation ON join_session (invitation_jti);
