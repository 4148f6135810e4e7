-- The facts the read models are a function of: every applied event with its effective form
-- (after the latest correction and added citations; NULL while retracted).
CREATE TABLE events_v1 (
  event_id        uuid PRIMARY KEY,
  type            text        NOT NULL,
  partition       int         NOT NULL,
  "offset"        bigint      NOT NULL,
  recorded_at     timestamptz NOT NULL,
  envelope        jsonb       NOT NULL,
  effective       jsonb,
  target_event_id uuid,
  occurred_start  timestamptz NOT NULL,
  precision_rank  smallint    NOT NULL,
  reported_at     timestamptz,
  proposal_id     text
);
CREATE INDEX events_v1_proposal ON events_v1 (proposal_id);
-- A threat's trigger is the earliest act of a type (on a proposal) from the threat's date on.
CREATE INDEX events_v1_type_proposal_time ON events_v1 (type, proposal_id, occurred_start);
CREATE INDEX events_v1_type_time ON events_v1 (type, occurred_start);
CREATE INDEX events_v1_target ON events_v1 (target_event_id) WHERE target_event_id IS NOT NULL;
CREATE INDEX events_v1_fulfils ON events_v1 ((effective->'data'->>'fulfilsThreat')) WHERE type = 'SanctionImposed';
CREATE INDEX events_v1_registration ON events_v1 ((effective->'data'->>'id')) WHERE type = 'ActorRegistered';
CREATE INDEX events_v1_affiliation ON events_v1 ((effective->'data'->>'person')) WHERE type IN ('AffiliationAsserted', 'AffiliationEnded');
-- The same over the envelopes as recorded: what the registry looked like at a past record time.
CREATE INDEX events_v1_registration_recorded ON events_v1 ((envelope->'data'->>'id'), recorded_at) WHERE type = 'ActorRegistered';
CREATE INDEX events_v1_affiliation_recorded ON events_v1 ((envelope->'data'->>'person'), recorded_at) WHERE type IN ('AffiliationAsserted', 'AffiliationEnded');
CREATE INDEX events_v1_proposal_recorded ON events_v1 ((envelope->>'proposalId'), recorded_at);

-- Every actor id an event names, so a change in the registry finds the events to resolve again.
CREATE TABLE event_actors_v1 (
  actor_id  text NOT NULL,
  event_id  uuid NOT NULL,
  PRIMARY KEY (actor_id, event_id)
);

-- Each voice of each event resolved at its valid time: Peskov → Putin → RUS.
CREATE TABLE event_voices_v1 (
  event_id   uuid     NOT NULL,
  role       text     NOT NULL,
  idx        int      NOT NULL,
  actor_id   text     NOT NULL,
  person     text,
  principal  text,
  authority  smallint,
  counted    boolean  NOT NULL,
  PRIMARY KEY (event_id, role, idx)
);
CREATE INDEX event_voices_v1_principal ON event_voices_v1 (principal) WHERE counted;

-- The registry: the latest registration of each actor.
CREATE TABLE actors_v1 (
  id              text PRIMARY KEY,
  kind            text NOT NULL,
  name            text NOT NULL,
  aliases         text[] NOT NULL,
  iso3            text,
  principal       text,
  members         text[],
  basis_event_id  uuid NOT NULL
);

-- Time-bounded roles, one row per AffiliationAsserted; an AffiliationEnded closes it.
CREATE TABLE affiliations_v1 (
  event_id     uuid PRIMARY KEY,
  person       text NOT NULL,
  of           text NOT NULL,
  role         text NOT NULL,
  valid_from   date NOT NULL,
  -- validTo as asserted; valid_to also counts the earliest matching AffiliationEnded.
  asserted_to  date,
  valid_to     date,
  ended_by     uuid
);
CREATE INDEX affiliations_v1_person ON affiliations_v1 (person);
CREATE INDEX affiliations_v1_of ON affiliations_v1 (of);
