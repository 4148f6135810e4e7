-- Read side v2, the journal is the fact store: events_v1 stops holding each envelope a second time.
-- What it keeps per event is what queries filter and join by, and what corrections change:
--   envelope  -> gone: the envelope as recorded is ledger.journal.envelope (same partition and offset);
--   effective -> revised: the effective form only where corrections or added citations changed it
--                (NULL: the journal's envelope is the effective form), so an event nothing modifies
--                stores no JSON of its own but its voices;
--   counts    -> whether the event counts (false: retracted, or a modifier that was retracted);
--                what `effective IS NOT NULL` used to say;
--   subject   -> the actor id a registration is about, the person an affiliation is about, the threat
--                a sanction fulfils (of the effective form): what the registry and the threats look
--                events up by, instead of expression indexes over the envelope.
-- The envelope indexes as recorded (what knownAt queries look registry facts and proposals up by)
-- move to the journal (ledger migration 0007).
ALTER TABLE events_v1 ADD COLUMN counts boolean, ADD COLUMN subject text;
UPDATE events_v1
   SET counts = effective IS NOT NULL,
       subject = CASE
                   WHEN type = 'ActorRegistered' THEN effective->'data'->>'id'
                   WHEN type IN ('AffiliationAsserted', 'AffiliationEnded') THEN effective->'data'->>'person'
                   WHEN type = 'SanctionImposed' THEN effective->'data'->>'fulfilsThreat'
                 END;
UPDATE events_v1 SET effective = NULL WHERE effective = envelope;
ALTER TABLE events_v1 ALTER COLUMN counts SET NOT NULL;
DROP INDEX events_v1_fulfils;
DROP INDEX events_v1_registration;
DROP INDEX events_v1_affiliation;
ALTER TABLE events_v1 RENAME COLUMN effective TO revised;
-- Drops the indexes over the recorded envelope with it (events_v1_*_recorded).
ALTER TABLE events_v1 DROP COLUMN envelope;
CREATE INDEX events_v1_subject ON events_v1 (type, subject) WHERE subject IS NOT NULL;
COMMENT ON COLUMN events_v1.revised IS 'The effective form where corrections or added citations changed it; NULL: ledger.journal.envelope (same partition and offset) is the effective form';
COMMENT ON COLUMN events_v1.counts IS 'Whether the event counts: false once retracted (or, for a modifier, once its own retraction counts)';
COMMENT ON COLUMN events_v1.subject IS 'What the event is looked up by: the actor id a registration registers, the person of an affiliation, the threat a sanction fulfils';

-- What events_v1 held before, for SQL readers: dashboards connect as ledger_reader, which reads the
-- read models but not the ledger's tables. A view runs with its owner's rights, so the reader sees
-- each applied event's envelope as recorded and its effective form (NULL: it does not count) here.
CREATE VIEW event_forms AS
  SELECT e.event_id, e.type, e.partition, e."offset", e.recorded_at, j.envelope,
         CASE WHEN e.counts THEN coalesce(e.revised, j.envelope) END AS effective
    FROM events_v1 e
    JOIN ledger.journal j ON j.partition = e.partition AND j."offset" = e."offset";
COMMENT ON VIEW event_forms IS 'Each applied event with its envelope as recorded (ledger.journal) and its effective form now (NULL: retracted)';
