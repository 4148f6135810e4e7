import { replicationFor } from './topic-replication';

describe('replicationFor', () => {
  it('keeps the broker defaults on one or two brokers', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: -1 });
    expect(replicationFor(2)).toEqual({ replicationFactor: -1 });
  });

  it('asks for three replicas, two in sync, from three brokers on', () => {
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(7)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('takes a given factor, with min.insync 2 from three replicas on unless given', () => {
    expect(replicationFor(5, { factor: 5, minInsync: 'auto' })).toEqual({ replicationFactor: 5, minInsyncReplicas: 2 });
    expect(replicationFor(5, { factor: 5, minInsync: 3 })).toEqual({ replicationFactor: 5, minInsyncReplicas: 3 });
    expect(replicationFor(3, { factor: 1, minInsync: 'auto' })).toEqual({ replicationFactor: 1 });
    expect(replicationFor(3, { factor: 'auto', minInsync: 1 })).toEqual({ replicationFactor: 3, minInsyncReplicas: 1 });
  });

  it('refuses more replicas than brokers, and a min.insync no write could meet', () => {
    expect(() => replicationFor(1, { factor: 3, minInsync: 'auto' })).toThrow('needs at least 3 Kafka brokers; the cluster has 1');
    expect(() => replicationFor(3, { factor: 3, minInsync: 4 })).toThrow('LEDGER_MIN_INSYNC_REPLICAS=4 is more than the 3 replicas');
  });
});
