-- Read side v2, sparser history states: a step keeps the fold's full state on a pair's first step and
-- on every 8th step that changes it (STATE_EVERY in positions/position-refold.ts), no longer on every
-- change. A state is a few kilobytes of JSON (the pair's conditions accumulate) and was still the
-- largest part of a replay's bytes: 43,573 states of 3.7 KB each in a 200,000-event bench world.
-- A re-fold restarts from the last stored state before its insertion point and folds the steps after
-- it again; a query of the state at a step does the same (at most 7 changes).
--
-- Existing rows store a state exactly on the first step and on each step that changes it (0008):
-- numbered in fold order, those are the changes; keep every 8th from the first.
UPDATE position_history_v1 h
   SET state = NULL
  FROM (SELECT party, proposal_id, event_id,
               row_number() OVER (PARTITION BY party, proposal_id
                                  ORDER BY occurred_start, precision_rank, authority, reported_at, partition, "offset", event_id) - 1 AS n
          FROM position_history_v1
         WHERE state IS NOT NULL) c
 WHERE c.n % 8 <> 0 AND h.party = c.party AND h.proposal_id = c.proposal_id AND h.event_id = c.event_id;

COMMENT ON COLUMN position_history_v1.state IS
  'The fold''s full state after this step (PositionState) on a pair''s first step and on every 8th step that changes it since the last one stored; NULL on the others. The state at a step is that of the last step at or before it whose state IS NOT NULL, with the pair''s events after that step folded again up to it.';
