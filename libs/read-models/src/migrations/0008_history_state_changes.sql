-- Read side v2, lean history: a step keeps the fold's full state only where it differs from the
-- step before it of the same (party, proposal) in fold order; NULL means "same as the step before".
-- About half the steps leave the state as it was (21,566 of 43,231 on a 100,000-event bench world),
-- and the state was most of this table's bytes (3.4 KB of a row's 3.6 KB in COPY text). The step's own
-- columns (category, score, open_conditions, contested, basis_event_id, changed) stay on every row:
-- GET /v1/positions/history shows them. Whoever needs the state at a step takes the last step at or
-- before it whose state IS NOT NULL; a pair's first step always has one.
ALTER TABLE position_history_v1 ALTER COLUMN state DROP NOT NULL;

-- Existing rows: compare each step's state with the one before it (all of them still full here),
-- the order every reader and the fold use. The first step of a pair has no step before it and keeps
-- its state, as the fold keeps it.
UPDATE position_history_v1 h
   SET state = NULL
  FROM (SELECT party, proposal_id, event_id,
               state = lag(state) OVER (PARTITION BY party, proposal_id
                                        ORDER BY occurred_start, precision_rank, authority, reported_at, partition, "offset", event_id) AS same
          FROM position_history_v1) p
 WHERE p.same AND h.party = p.party AND h.proposal_id = p.proposal_id AND h.event_id = p.event_id;

COMMENT ON COLUMN position_history_v1.state IS
  'The fold''s full state after this step (PositionState), or NULL when it is the same as the state after the step before it of the same (party, proposal) in fold order. A pair''s first step always has one. The state at a step is that of the last step at or before it whose state IS NOT NULL; a re-fold restarts from it.';
