-- A short hold on a slot while a patient fills the booking form (docs/decisions/0029-picker-speed-and-holds.md).
-- A hold leaves the slot's status as it is: it lapses by its expiry alone, with nothing to sweep.
-- Free searches leave out slots with a live hold; taking a slot refuses one held by another.
-- (Numbered 0009: 0008 is taken on another branch.)
CREATE TABLE slot_hold (
  slot_id      integer PRIMARY KEY REFERENCES slot (id) ON DELETE CASCADE,
  -- SHA-256 of the hold's token (base64url): the token itself is only the client's.
  token_digest text NOT NULL UNIQUE,
  -- Who asked (the address key of the rate limits), to cap the live holds of one client.
  client_key   text NOT NULL,
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX slot_hold_client ON slot_hold (client_key, expires_at);
