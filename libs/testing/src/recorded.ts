import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEnvelope, RecordedEvent, subjectKey, validateEnvelope, partitionForKey } from '@ledger/contracts';
import { REPO_ROOT } from './repo-root';

/** The seed case as complete envelopes (data/samples/ceasefire-talks-2025-03.ndjson), validated like the projector does. */
export function seedEnvelopes(publisher = 'seed-sample'): EventEnvelope[] {
  const path = join(REPO_ROOT, 'data', 'samples', 'ceasefire-talks-2025-03.ndjson');
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const result = validateEnvelope({ ...JSON.parse(line), source: { publisher } });
      if (!result.ok) throw new Error(`seed line ${i + 1}: ${JSON.stringify(result.problems)}`);
      return result.event;
    });
}

/**
 * Gives envelopes the coordinates the log would: partition by key (Kafka's murmur2 over 6
 * partitions), offsets in order per partition, record times one millisecond apart from `start`.
 */
export function recordAll(events: EventEnvelope[], start = Date.parse('2025-03-14T18:00:00Z'), partitions = 6): RecordedEvent[] {
  const next = new Map<number, number>();
  return events.map((e, i) => {
    const partition = partitionForKey(subjectKey(e), partitions);
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return { ...e, partition, offset: String(offset), recordedAt: new Date(start + i).toISOString() };
  });
}
