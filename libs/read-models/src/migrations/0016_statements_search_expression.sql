-- The statements' full-text search: an index over the expression instead of a stored column. The
-- generated `search` column made PostgreSQL build and store each statement's tsvector as the row
-- went in: a replay of a million events spent 6.2 of the 8.6 s of its statements' COPY on it, in the
-- phase where PostgreSQL's COPYs hold up Node's fold. The index computes the same tsvector once,
-- when it is built (after the COPY, in a replay) or as a row is inserted (the projector); no row
-- stores it. Queries say `to_tsvector('english', text || ' ' || coalesce(quote, '')) @@ …`, the
-- index's own expression, so the planner uses it (statements.queries.ts).
ALTER TABLE statements_v1 DROP COLUMN search;
CREATE INDEX statements_v1_search ON statements_v1 USING gin (to_tsvector('english', text || ' ' || coalesce(quote, '')));
