/**
 * The PostgreSQL channel on which the projector announces each applied batch when it commits
 * (`{ partition, nextOffset, events: [{ eventId, type }], positions: [{ party, proposalId }],
 * truncated }`); the query API listens on it to feed GET /v1/stream.
 */
export const APPLIED_CHANNEL = 'ledger_applied';
