-- The journal is the fact store (read side v2): the read models keep no second copy of each
-- envelope, and the lookups by the envelope as recorded — what a knownAt query asks of a past
-- moment: the registry facts about an actor or a person, the events about a proposal — are served
-- here, from the applied records.
CREATE INDEX journal_registration ON journal ((envelope->'data'->>'id'), recorded_at) WHERE disposition = 'applied' AND type = 'ActorRegistered';
CREATE INDEX journal_affiliation ON journal ((envelope->'data'->>'person'), recorded_at) WHERE disposition = 'applied' AND type IN ('AffiliationAsserted', 'AffiliationEnded');
CREATE INDEX journal_proposal ON journal ((envelope->>'proposalId'), recorded_at) WHERE disposition = 'applied';
