/** The ledger topic: every recorded fact, infinite retention, no compaction. Topics are contracts. */
export const LEDGER_TOPIC = 'ledger.events.v1';
/** Dead letters: records the projector could not accept, with the reason in headers. */
export const DLQ_TOPIC = 'ledger.events.dlq.v1';
/** Default partition count of the ledger topic. */
export const LEDGER_TOPIC_PARTITIONS = 6;

/** Topic names used by one deployment; tests pass fresh names, production uses the defaults. */
export interface LedgerTopics {
  events: string;
  dlq: string;
}

export const DEFAULT_TOPICS: LedgerTopics = { events: LEDGER_TOPIC, dlq: DLQ_TOPIC };
