-- The principal of a live token, looked up by the sha256 of its secret. The query API's database
-- roles (ledger_reader, ledger_auditor) may call this and may not read the tokens table: knowing a
-- token is the only way to learn anything about it. Runs with its owner's rights, on a fixed path.
CREATE FUNCTION token_principal(digest bytea)
RETURNS TABLE (id uuid, name text, publisher text, scopes text[], rate_per_sec int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, t.name, t.publisher, t.scopes, t.rate_per_sec FROM ledger.tokens t WHERE t.token_sha256 = digest AND t.revoked_at IS NULL
$$;
REVOKE ALL ON FUNCTION token_principal(bytea) FROM PUBLIC;
