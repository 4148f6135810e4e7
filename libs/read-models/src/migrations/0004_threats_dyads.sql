-- Sanction threats and their tracker: armed → triggered → executed, or lapsed (judged at asOf).
CREATE TABLE threats_v1 (
  threat_id        uuid PRIMARY KEY,
  by_party         text,
  against          text[] NOT NULL,
  sanction         jsonb  NOT NULL,
  trigger_party    text,
  trigger_type     text,
  trigger_proposal text,
  deadline         date,
  ultimatum        boolean NOT NULL,
  proposal_id      text,
  occurred_value   text NOT NULL,
  occurred_start   timestamptz NOT NULL,
  triggered_by     uuid,
  triggered_start  timestamptz,
  executed_by      uuid,
  executed_start   timestamptz
);
CREATE INDEX threats_v1_trigger ON threats_v1 (trigger_party, trigger_type);

-- Each event's contribution to directed dyads (one row per source → target and coded act).
CREATE TABLE dyad_contributions_v1 (
  event_id   uuid    NOT NULL,
  source     text    NOT NULL,
  target     text    NOT NULL,
  seq        int     NOT NULL,
  day        date    NOT NULL,
  cameo      text    NOT NULL,
  goldstein  numeric NOT NULL,
  quad       smallint NOT NULL,
  PRIMARY KEY (event_id, source, target, seq)
);

-- Directed dyads per day: count, Goldstein sum, and the four CAMEO quad classes.
CREATE TABLE dyads_v1 (
  source          text    NOT NULL,
  target          text    NOT NULL,
  day             date    NOT NULL,
  events          int     NOT NULL,
  goldstein_sum   numeric NOT NULL,
  verbal_coop     int     NOT NULL,
  material_coop   int     NOT NULL,
  verbal_conflict int     NOT NULL,
  material_conflict int   NOT NULL,
  PRIMARY KEY (source, target, day)
);
