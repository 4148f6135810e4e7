-- A replay folds the journal in two passes (LogFold): first the few records that change other
-- records' effective forms or voices, or pick which acts a threat needs — modifiers, registry
-- facts, threats (AHEAD_TYPES in libs/read-models/src/known-at/log-fold.ts, the same list) —
-- then every record in log order. This index serves the first pass without reading the journal
-- twice; only records of these types enter it.
CREATE INDEX journal_ahead ON journal (partition, "offset")
  WHERE disposition = 'applied'
    AND type IN ('EventCorrected', 'EventRetracted', 'CitationAdded', 'ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded', 'SanctionThreatened');
