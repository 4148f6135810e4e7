-- Columns no query filters, joins or sorts on: the resolved voices, the revised forms, a statement's
-- text, quote, actors and citations, a history step's fold state and the occurred values as written.
-- ANALYZE sampled and sorted them all the same (jsonb compared value by value): 60 % of the time it
-- spent on these three tables in a replay of 200,000 events (2.3 s of ANALYZE → 0.8 s; the full-text
-- search reads statements_v1.search, whose statistics stay). Autovacuum's ANALYZE of the live tables
-- saves the same. Statistics target 0: no statistics for the column (queries on it get the default
-- estimates, and none has a condition on it).
ALTER TABLE events_v1
  ALTER COLUMN voices SET STATISTICS 0,
  ALTER COLUMN revised SET STATISTICS 0;
ALTER TABLE statements_v1
  ALTER COLUMN text SET STATISTICS 0,
  ALTER COLUMN quote SET STATISTICS 0,
  ALTER COLUMN actors SET STATISTICS 0,
  ALTER COLUMN citations SET STATISTICS 0,
  ALTER COLUMN occurred_value SET STATISTICS 0;
ALTER TABLE position_history_v1
  ALTER COLUMN state SET STATISTICS 0,
  ALTER COLUMN occurred_value SET STATISTICS 0;
