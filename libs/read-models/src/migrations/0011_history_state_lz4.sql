-- A stored history state is a few kilobytes of JSON (median 3.5 KB in the bench world), over the
-- 2 KB at which PostgreSQL compresses a value. Its default, pglz, took about half of the COPY of a
-- step with a state (4,300 states: 273 ms with pglz, 161-195 ms with lz4). lz4 writes and reads
-- faster for a few percent more bytes. Values already stored keep their compression; both read the
-- same. A server built without lz4 (some embedded-postgres builds) keeps pglz.
DO $$
BEGIN
  ALTER TABLE position_history_v1 ALTER COLUMN state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this PostgreSQL has no lz4: position_history_v1.state stays compressed with pglz';
END
$$;
