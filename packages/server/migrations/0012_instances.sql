-- Several server instances on one PostgreSQL (docs/decisions/0035-instances.md).
-- (Numbered 0012: 0010 and 0011 are taken on other branches.)

-- Bus messages too large for a NOTIFY payload (8,000 bytes): the body waits here, only its id is
-- notified. Rows older than a minute are deleted by whichever instance sweeps first.
CREATE TABLE bus_payload (
  id         bigserial PRIMARY KEY,
  body       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bus_payload_created ON bus_payload (created_at);

-- The live instances: each writes its row every few seconds; one not seen for a while is dead,
-- and the signalling sockets it held are gone.
CREATE TABLE server_instance (
  id         text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at    timestamptz NOT NULL DEFAULT now()
);

-- The room registry's participants (src/room/registry.ts), shared by the instances: what an
-- instance starting later, or taking over a page whose instance died, needs to know. `instance`
-- holds the page's socket now (null when none does); `version` orders the writes.
CREATE SEQUENCE room_participant_version;
CREATE TABLE room_participant (
  consultation text NOT NULL,
  peer_id      text NOT NULL,
  state        jsonb NOT NULL,
  instance     text,
  version      bigint NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consultation, peer_id)
);
CREATE INDEX room_participant_instance ON room_participant (instance) WHERE instance IS NOT NULL;

-- Rate-limit windows shared by the instances (src/rate-limit.ts, PostgresRateLimiter).
CREATE TABLE rate_limit_window (
  bucket   text NOT NULL,
  key      text NOT NULL,
  count    integer NOT NULL,
  reset_at timestamptz NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE INDEX rate_limit_window_reset ON rate_limit_window (reset_at);
