-- Signed chain heads: every LEDGER_CHECKPOINT_EVERY applied events and on shutdown, the projector
-- signs (Ed25519) the canonical JSON of every partition's { partition, nextOffset, hash }.
CREATE TABLE checkpoints (
  id          bigserial   PRIMARY KEY,
  topic       text        NOT NULL,
  signed_at   timestamptz NOT NULL,
  heads       jsonb       NOT NULL,
  payload     text        NOT NULL,
  signature   bytea       NOT NULL,
  key_id      text        NOT NULL
);

-- Results of `ledger verify`, newest last (GET /v1/audit/verify answers the latest).
CREATE TABLE verifications (
  id           bigserial   PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  ok           boolean     NOT NULL,
  summary      jsonb       NOT NULL,
  mismatches   jsonb       NOT NULL
);
