-- Settings the server creates once and keeps (for example its signing keys).
CREATE TABLE consultkit_setting (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
