-- API tokens. Only a sha256 of each token is stored; the token itself is shown once, at creation.
CREATE TABLE tokens (
  id            uuid PRIMARY KEY,
  name          text        NOT NULL,
  publisher     text        NOT NULL,
  scopes        text[]      NOT NULL,
  token_sha256  bytea       NOT NULL UNIQUE,
  rate_per_sec  int         NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);
