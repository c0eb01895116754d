-- Rooms on Janus (docs/decisions/0013-janus-auth.md): one VideoRoom room per consultation, on one
-- Janus instance. The room's secret (to manage it) and pin (to join it) are made here; participants'
-- Janus tokens are derived from their join session and never stored.
CREATE TABLE sfu_room (
  appointment_id integer PRIMARY KEY REFERENCES appointment (id),
  instance       text NOT NULL,
  room           bigint NOT NULL,
  secret         text NOT NULL,
  pin            text NOT NULL,
  created_at     timestamptz NOT NULL,
  destroyed_at   timestamptz
);

CREATE UNIQUE INDEX sfu_room_instance_room ON sfu_room (instance, room);
