/**
 * How many copies of the ledger topics Kafka keeps, and how many must hold a write before it is
 * acknowledged. `auto` follows the cluster: with three or more brokers, three replicas and
 * min.insync.replicas 2 (a write survives one broker lost, and one broker down does not stop
 * writes); with fewer, the brokers' own defaults (one broker: one copy, as in tests).
 */
export interface TopicReplication {
  /** Replicas per partition (LEDGER_TOPIC_REPLICATION). */
  factor: number | 'auto';
  /** Replicas that must hold a write before `acks=all` answers (LEDGER_MIN_INSYNC_REPLICAS). */
  minInsync: number | 'auto';
}

export const AUTO_REPLICATION: TopicReplication = { factor: 'auto', minInsync: 'auto' };

/** What a topic is created with: -1 and no min.insync.replicas entry leave the broker's defaults. */
export interface ReplicationSettings {
  replicationFactor: number;
  minInsyncReplicas?: number;
}

/** The settings for a cluster of `brokers` brokers; refuses what the cluster cannot hold. */
export function replicationFor(brokers: number, wanted: TopicReplication = AUTO_REPLICATION): ReplicationSettings {
  const factor = wanted.factor === 'auto' ? (brokers >= 3 ? 3 : -1) : wanted.factor;
  if (factor > brokers) throw new Error(`LEDGER_TOPIC_REPLICATION=${factor} needs at least ${factor} Kafka brokers; the cluster has ${brokers}`);
  const minInsync = wanted.minInsync === 'auto' ? (factor >= 3 ? 2 : undefined) : wanted.minInsync;
  if (minInsync !== undefined && factor !== -1 && minInsync > factor) {
    throw new Error(`LEDGER_MIN_INSYNC_REPLICAS=${minInsync} is more than the ${factor} replicas a partition has: no write could ever be acknowledged`);
  }
  return minInsync === undefined ? { replicationFactor: factor } : { replicationFactor: factor, minInsyncReplicas: minInsync };
}
