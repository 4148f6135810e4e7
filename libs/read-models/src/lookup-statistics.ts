/**
 * The read-model tables the projector's read-backs look rows up by, and the columns they use: what
 * the planner needs statistics of (StatisticsKeeper in @ledger/postgres analyses these columns only,
 * so the states, envelopes and search vectors that are costly to analyse are left out).
 */
export const READ_MODEL_LOOKUPS: { table: string; columns: string[] }[] = [
  { table: 'events_v1', columns: ['event_id', 'type', 'target_event_id', 'subject', 'proposal_id', 'counts', 'actors'] },
  { table: 'position_events_v1', columns: ['event_id', 'party', 'proposal_id'] },
  { table: 'position_history_v1', columns: ['party', 'proposal_id', 'event_id'] },
  { table: 'threats_v1', columns: ['threat_id', 'triggered_by', 'executed_by'] },
  { table: 'statements_v1', columns: ['event_id'] },
  { table: 'tonal_events_v1', columns: ['event_id', 'party', 'proposal_id'] },
];
