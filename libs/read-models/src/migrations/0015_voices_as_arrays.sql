-- events_v1.voices, the resolved voices of each event, stored as one JSON array per voice in a
-- `json` column: [role, idx, actorId, person, principal, authority, counted] (voices-column.ts).
-- As jsonb objects each voice repeated its seven keys: 270 of the 430 bytes of an events_v1 row,
-- and PostgreSQL took every one apart on the way in (a replay of a million events: its COPY of
-- events_v1 8.6-10 s with them, 4.6 s without). No query looks inside the column with an index;
-- the few that read it (proposals' proposer, threats' parties) walk the arrays by position.
-- The text is what JSON.stringify writes (no spaces), as the projector and a replay write it: the
-- read models' digest compares rows as text, so a converted row equals a replayed one.
CREATE FUNCTION pg_temp.stored_voices(voices jsonb) RETURNS json LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT ('[' || coalesce(string_agg(
            '[' || to_json(v->>'role')::text || ',' || (v->>'idx') || ',' || to_json(v->>'actorId')::text || ',' ||
            coalesce(to_json(v->>'person')::text, 'null') || ',' || coalesce(to_json(v->>'principal')::text, 'null') || ',' ||
            coalesce(v->>'authority', 'null') || ',' || (v->>'counted') || ']', ',' ORDER BY n), '') || ']')::json
    FROM jsonb_array_elements(voices) WITH ORDINALITY AS x(v, n)
$$;
ALTER TABLE events_v1 ALTER COLUMN voices TYPE json USING pg_temp.stored_voices(voices);
ALTER TABLE events_v1 ALTER COLUMN voices SET STATISTICS 0;
DROP FUNCTION pg_temp.stored_voices(jsonb);
COMMENT ON COLUMN events_v1.voices IS 'The resolved voices, each [role, idx, actorId, person, principal, authority, counted]; NULL while the event does not count';
