-- Which events count for which (party, proposal), with their fold-order key. The key's columns
-- hold sentinels instead of NULL (authority 9 = unknown, reported_at 'infinity' = unknown), so
-- the fold order is a plain btree order and range scans from an insertion point use the index.
CREATE TABLE position_events_v1 (
  party           text        NOT NULL,
  proposal_id     text        NOT NULL,
  event_id        uuid        NOT NULL,
  occurred_start  timestamptz NOT NULL,
  precision_rank  smallint    NOT NULL,
  authority       smallint    NOT NULL,
  reported_at     timestamptz NOT NULL,
  partition       int         NOT NULL,
  "offset"        bigint      NOT NULL,
  event_type      text        NOT NULL,
  speaker         text        NOT NULL,
  PRIMARY KEY (party, proposal_id, event_id)
);
CREATE INDEX position_events_v1_event ON position_events_v1 (event_id);
CREATE INDEX position_events_v1_proposal ON position_events_v1 (proposal_id, party);

-- The step series: the state after each folded event, in fold order (valid time) with the event's
-- record time. `state` is the fold's full state, so a late report re-folds from its insertion point.
CREATE TABLE position_history_v1 (
  party            text        NOT NULL,
  proposal_id      text        NOT NULL,
  occurred_start   timestamptz NOT NULL,
  precision_rank   smallint    NOT NULL,
  authority        smallint    NOT NULL,
  reported_at      timestamptz NOT NULL,
  partition        int         NOT NULL,
  "offset"         bigint      NOT NULL,
  event_id         uuid        NOT NULL,
  event_type       text        NOT NULL,
  occurred_value   text        NOT NULL,
  occurred_precision text      NOT NULL,
  recorded_at      timestamptz NOT NULL,
  category         text        NOT NULL,
  score            numeric,
  open_conditions  int         NOT NULL,
  contested        boolean     NOT NULL,
  basis_event_id   uuid,
  changed          boolean     NOT NULL,
  state            jsonb       NOT NULL,
  PRIMARY KEY (party, proposal_id, event_id)
);
CREATE INDEX position_history_v1_order ON position_history_v1 (party, proposal_id, occurred_start, precision_rank, authority, reported_at, partition, "offset", event_id);

-- Where every party stands now on every proposal (the last step of its history).
CREATE TABLE party_positions_v1 (
  party            text NOT NULL,
  proposal_id      text NOT NULL,
  category         text NOT NULL,
  score            numeric,
  version          int,
  open_conditions  int  NOT NULL,
  conditions       jsonb NOT NULL,
  contested        boolean NOT NULL,
  basis_event_id   uuid,
  since_value      text,
  since_start      timestamptz,
  policy_version   int NOT NULL,
  PRIMARY KEY (party, proposal_id)
);
CREATE INDEX party_positions_v1_proposal ON party_positions_v1 (proposal_id);

-- Proposals: the first ProposalMade by fold order, versions bumped by ProposalAmended.
CREATE TABLE proposals_v1 (
  id              text PRIMARY KEY,
  title           text NOT NULL,
  kind            text NOT NULL,
  terms           jsonb NOT NULL,
  duration_days   int,
  version         int NOT NULL,
  proposer        text,
  made_event_id   uuid NOT NULL,
  made_value      text NOT NULL,
  made_start      timestamptz NOT NULL,
  versions        jsonb NOT NULL
);

-- Tonal events about a proposal, per party: the lean is summed from these at query time (asOf).
CREATE TABLE tonal_events_v1 (
  party           text        NOT NULL,
  proposal_id     text        NOT NULL,
  event_id        uuid        NOT NULL,
  occurred_start  timestamptz NOT NULL,
  goldstein       numeric     NOT NULL,
  PRIMARY KEY (party, proposal_id, event_id)
);
CREATE INDEX tonal_events_v1_event ON tonal_events_v1 (event_id);
