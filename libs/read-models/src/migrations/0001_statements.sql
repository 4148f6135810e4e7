-- Who said what: one row per StatementMade, searchable.
CREATE TABLE statements_v1 (
  event_id            uuid PRIMARY KEY,
  occurred_value      text        NOT NULL,
  occurred_precision  text        NOT NULL,
  occurred_start      timestamptz NOT NULL,
  recorded_at         timestamptz NOT NULL,
  partition           int         NOT NULL,
  "offset"            bigint      NOT NULL,
  actors              jsonb       NOT NULL,
  parties             text[]      NOT NULL,
  proposal_id         text,
  text                text        NOT NULL,
  tone                text        NOT NULL,
  topics              text[]      NOT NULL,
  cameo               text,
  goldstein           numeric,
  quote               text,
  citations           jsonb       NOT NULL DEFAULT '[]',
  search              tsvector GENERATED ALWAYS AS (to_tsvector('english', text || ' ' || coalesce(quote, ''))) STORED
);
CREATE INDEX statements_v1_time ON statements_v1 (occurred_start DESC, event_id DESC);
CREATE INDEX statements_v1_parties ON statements_v1 USING gin (parties);
CREATE INDEX statements_v1_search ON statements_v1 USING gin (search);
