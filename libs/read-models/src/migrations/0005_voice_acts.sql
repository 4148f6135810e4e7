-- The threat tracker asks "the first act of type T by party P at or after time X". Driven from
-- events_v1 or from all of P's voices, that lookup read a share of the whole log per threat, so a
-- replay grew with the square of the log. Each counted actor voice now carries its event's type and
-- valid-time start (kept in step: a voice row is rewritten whenever its event's effective form
-- changes), and one index answers the lookup directly.
ALTER TABLE event_voices_v1 ADD COLUMN type text, ADD COLUMN occurred_start timestamptz;
UPDATE event_voices_v1 v SET type = e.type, occurred_start = e.occurred_start FROM events_v1 e WHERE e.event_id = v.event_id;
CREATE INDEX event_voices_v1_acts ON event_voices_v1 (principal, type, occurred_start) WHERE counted AND role = 'actor';
