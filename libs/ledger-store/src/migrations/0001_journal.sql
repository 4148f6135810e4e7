-- Every record of every partition of the ledger topic, in log order, as the projector saw it:
-- applied (a new fact), duplicate (an event id already applied) or rejected (see rejections).
-- hash = sha256(previous record's hash ‖ canonical bytes of this record): a chain per partition
-- (canonical bytes: the canonical JSON of the envelope when it decodes, else the raw value).
CREATE TABLE journal (
  partition       int         NOT NULL,
  "offset"        bigint      NOT NULL,
  event_id        uuid,
  disposition     text        NOT NULL CHECK (disposition IN ('applied', 'duplicate', 'rejected')),
  type            text,
  occurred_start  timestamptz,
  recorded_at     timestamptz NOT NULL,
  content_sha256  text,
  envelope        jsonb,
  hash            bytea       NOT NULL,
  PRIMARY KEY (partition, "offset")
);
-- Nothing is applied twice: one applied row per event id.
CREATE UNIQUE INDEX journal_applied_event_id ON journal (event_id) WHERE disposition = 'applied';
CREATE INDEX journal_event_id ON journal (event_id);

-- Where each consumer group stands in each partition. Updated in the same transaction as the
-- journal and the read models, with compare-and-set on next_offset.
CREATE TABLE consumer_offsets (
  group_id     text   NOT NULL,
  topic        text   NOT NULL,
  partition    int    NOT NULL,
  next_offset  bigint NOT NULL,
  -- Hash of the last record before next_offset (NULL: none yet, the chain starts from 32 zero bytes).
  chain_hash   bytea,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- Records the projector could not accept: undecodable, schema-invalid, unknown type, id conflict.
CREATE TABLE rejections (
  partition    int    NOT NULL,
  "offset"     bigint NOT NULL,
  topic        text   NOT NULL,
  event_id     uuid,
  reason       text   NOT NULL,
  problems     jsonb  NOT NULL,
  raw          bytea,
  headers      jsonb  NOT NULL DEFAULT '{}',
  recorded_at  timestamptz NOT NULL,
  PRIMARY KEY (partition, "offset")
);
CREATE INDEX rejections_event_id ON rejections (event_id);

-- What the ingest API accepted (acknowledged by the log), so any instance can answer
-- "pending", "duplicate" and "conflict". Informational (unlogged: a crash may empty it): the journal stays the truth.
CREATE UNLOGGED TABLE ingest_receipts (
  event_id        uuid PRIMARY KEY,
  content_sha256  text        NOT NULL,
  partition       int         NOT NULL,
  "offset"        bigint      NOT NULL,
  accepted_at     timestamptz NOT NULL
);
