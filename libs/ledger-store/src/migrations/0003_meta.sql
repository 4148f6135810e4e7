-- Facts about this ledger installation itself (e.g. whether the sample was loaded on first start).
CREATE TABLE meta (
  key         text PRIMARY KEY,
  value       jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
