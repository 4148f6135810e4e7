-- A position at an asOf past the pair's last step is its current row: with the precision of `since`
-- beside its value, party_positions_v1 holds all a position query shows, and such a query (asOf now,
-- the usual case) reads one row instead of folding the steps after the last stored state again.
ALTER TABLE party_positions_v1 ADD COLUMN IF NOT EXISTS since_precision text;

-- Existing rows: the precision of the step whose valid time set `since` (the same value, the same precision).
UPDATE party_positions_v1 p
   SET since_precision = (SELECT h.occurred_precision FROM position_history_v1 h
                           WHERE h.party = p.party AND h.proposal_id = p.proposal_id AND h.occurred_value = p.since_value AND h.occurred_start = p.since_start
                           LIMIT 1)
 WHERE p.since_value IS NOT NULL;
