-- Calls between clinicians with no patient, and who acts in a clinician's join session
-- (docs/staff.md "Calling a colleague"; docs/decisions/0045-staff-calls.md).

-- A staff call is an appointment row that belongs to no booking: no slot, no diary, no patient. It
-- keeps the room's machinery (join sessions, Janus rooms, chat) keyed as every consultation is,
-- and stays out of FHIR: Appointment reads and searches join the diary (schedule), which it lacks.
ALTER TABLE appointment ALTER COLUMN slot_id DROP NOT NULL;
ALTER TABLE appointment ALTER COLUMN schedule_id DROP NOT NULL;
ALTER TABLE appointment ALTER COLUMN patient_id DROP NOT NULL;

CREATE TABLE staff_call (
  appointment_id  integer PRIMARY KEY REFERENCES appointment (id),
  started_by      integer NOT NULL REFERENCES practitioner (id),
  created_at      timestamptz NOT NULL,
  ended_at        timestamptz
);

-- Each colleague asked into a staff call: their single-use link is bound to them (redeemed only
-- through their own staff session), short-lived, and declinable.
CREATE TABLE staff_call_invitation (
  jti                  text PRIMARY KEY REFERENCES join_invitation (jti),
  appointment_id       integer NOT NULL REFERENCES appointment (id),
  practitioner_id      integer NOT NULL REFERENCES practitioner (id),
  from_practitioner_id integer NOT NULL REFERENCES practitioner (id),
  created_at           timestamptz NOT NULL,
  declined_at          timestamptz
);
CREATE INDEX staff_call_invitation_call ON staff_call_invitation (appointment_id);

-- The member of staff a clinician session acts for, and how they proved it ('session', 'key'),
-- so that admitting, declining and removing on the signalling socket are audited with the person.
-- Null for a vendor backend's staff key acting alone ('system').
ALTER TABLE join_session ADD COLUMN staff_practitioner_id integer REFERENCES practitioner (id);
ALTER TABLE join_session ADD COLUMN staff_via text;
ALTER TABLE join_invitation ADD COLUMN practitioner_id integer REFERENCES practitioner (id);
