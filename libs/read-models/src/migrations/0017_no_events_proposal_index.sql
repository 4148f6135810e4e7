-- events_v1 (proposal_id) alone served no query: every read of events_v1 by proposal also names the
-- event type (a threat's trigger, the proposals' events, a position's resolutions, a knownAt fold),
-- which events_v1_type_proposal_time (type, proposal_id, occurred_start) serves. It cost an index
-- entry for every projected event and 0.8 s of a replay's build per million events.
DROP INDEX events_v1_proposal;
