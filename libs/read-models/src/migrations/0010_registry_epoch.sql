-- The registry's epoch: a value that changes whenever actors_v1 or affiliations_v1 change, so that a
-- projector process can keep the whole registry in memory and read it again only when it moved
-- (RegistryCache). A random value rather than a counter: a replay's fresh schema gets its own, so a
-- schema switch can never look like the registry a process already holds. One row; not a read model
-- (no _vN suffix: replays, digests and exports leave it alone).
CREATE TABLE registry_epoch (
  one   boolean PRIMARY KEY DEFAULT true CHECK (one),
  epoch uuid    NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO registry_epoch DEFAULT VALUES;
