-- Documents shared in a consultation (docs/collaboration.md, "Documents"; docs/decisions/0026-documents.md).
-- The bytes are files in CONSULTKIT_DOCUMENTS_DIR named by id; the row says what they are. An
-- upload is a row with status 'uploading' until its last byte arrives; its offset is the file's size.
CREATE TABLE consultation_document (
  id              text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  appointment_id  integer NOT NULL REFERENCES appointment (id),
  name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
  size            integer NOT NULL CHECK (size BETWEEN 1 AND 20971520),
  content_type    text CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'application/pdf')),
  status          text NOT NULL CHECK (status IN ('uploading', 'complete', 'cancelled')),
  sha256          text,
  sha1            text,
  uploader_role   text NOT NULL CHECK (uploader_role IN ('patient', 'clinician', 'guest', 'staff')),
  uploader_name   text NOT NULL,
  uploader_session text,
  created_at      timestamptz NOT NULL,
  completed_at    timestamptz,
  filed_at        timestamptz,
  filed_by        text
);

CREATE INDEX consultation_document_appointment ON consultation_document (appointment_id, created_at);
CREATE INDEX consultation_document_filed ON consultation_document (appointment_id) WHERE filed_at IS NOT NULL;
