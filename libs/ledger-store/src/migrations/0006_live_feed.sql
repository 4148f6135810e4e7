-- What GET /v1/stream announces: one row per applied batch, written by the projector in the batch's
-- own transaction. NOTIFY ledger_applied only wakes the query API up; it then reads the rows past the
-- last one it announced, per partition. No reader role may write here, so a forged notification
-- (any role may NOTIFY any channel) announces nothing that is not in the ledger. Rows are kept a few
-- minutes: long enough for a listener to catch up after a dropped connection.
CREATE TABLE live_feed (
  partition     int         NOT NULL,
  next_offset   bigint      NOT NULL,
  announcement  jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partition, next_offset)
);
CREATE INDEX live_feed_created_at ON live_feed (created_at);
