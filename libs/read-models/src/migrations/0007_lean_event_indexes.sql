-- Read side v2, lean storage: the per-event index tables become columns of events_v1.
--   event_actors_v1 (2.1 rows per event) -> events_v1.actors, every actor id the effective form
--     names, sorted (what a registry change looks for, through a GIN index);
--   event_voices_v1 (1.8 rows per event) -> events_v1.voices, the resolved voices as resolveVoices
--     answers them (role order, then idx); NULL while the event does not count;
--   dyad_contributions_v1 (0.9 rows per event) goes: what an event contributed to a dyad cell is
--     derived again from its previous effective form and stored voices when it changes.
ALTER TABLE events_v1 ADD COLUMN actors text[] NOT NULL DEFAULT '{}', ADD COLUMN voices jsonb;

UPDATE events_v1 e
   SET actors = coalesce((SELECT array_agg(a.actor_id ORDER BY a.actor_id COLLATE "C") FROM event_actors_v1 a WHERE a.event_id = e.event_id), '{}'),
       voices = (SELECT jsonb_agg(jsonb_build_object('actorId', v.actor_id, 'person', v.person, 'principal', v.principal, 'authority', v.authority,
                                                     'counted', v.counted, 'role', v.role, 'idx', v.idx)
                                  ORDER BY array_position(ARRAY['actor','recipient','participant','signatory','trigger','by'], v.role), v.idx)
                   FROM event_voices_v1 v WHERE v.event_id = e.event_id)
 WHERE e.effective IS NOT NULL AND e.type NOT IN ('EventCorrected', 'EventRetracted', 'CitationAdded');
UPDATE events_v1 SET voices = '[]' WHERE voices IS NULL AND effective IS NOT NULL AND type NOT IN ('EventCorrected', 'EventRetracted', 'CitationAdded');

DROP TABLE event_actors_v1;
DROP TABLE event_voices_v1;
DROP TABLE dyad_contributions_v1;
CREATE INDEX events_v1_actors ON events_v1 USING gin (actors);
