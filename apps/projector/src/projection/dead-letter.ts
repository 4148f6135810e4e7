import { LogMessage } from '@ledger/contracts';
import { RejectionRow } from '@ledger/ledger-store';

/** Headers a dead letter carries besides the original ones: why, and where it came from. */
export const DLQ_HEADERS = {
  reason: 'ledger_dlq_reason',
  problems: 'ledger_dlq_problems',
  topic: 'ledger_dlq_source_topic',
  partition: 'ledger_dlq_source_partition',
  offset: 'ledger_dlq_source_offset',
} as const;

export function toDeadLetter(r: RejectionRow): LogMessage {
  return {
    key: `${r.topic}/${r.partition}/${r.offset}`,
    value: r.raw ?? Buffer.alloc(0),
    headers: {
      ...r.headers,
      [DLQ_HEADERS.reason]: r.reason,
      [DLQ_HEADERS.problems]: JSON.stringify(r.problems).slice(0, 4000),
      [DLQ_HEADERS.topic]: r.topic,
      [DLQ_HEADERS.partition]: String(r.partition),
      [DLQ_HEADERS.offset]: r.offset,
    },
  };
}
