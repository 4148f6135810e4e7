import { randomBytes } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { testServers } from '@ledger/testing';
import { BrokerReplicas } from './broker-replicas';
import { KafkaEventLog } from './kafka-event-log';

// BrokerReplicas on the real broker: the same partitions a kafkajs admin sees, and an address
// that accepts connections but never answers (a paused broker) costs one timeout, not a failure.
describe('BrokerReplicas', () => {
  const id = randomBytes(4).toString('hex');
  const topics = { events: `ledger.events.v1.replicas-${id}`, dlq: `ledger.events.dlq.v1.replicas-${id}` };
  let log: KafkaEventLog;
  let silent: Server;
  const held: Socket[] = [];
  const observers: BrokerReplicas[] = [];
  const observer = (addresses: string[], timeoutMs?: number) => {
    const o = new BrokerReplicas(addresses, timeoutMs);
    observers.push(o);
    return o;
  };

  beforeAll(async () => {
    log = new KafkaEventLog({ brokers: testServers().brokers, clientId: `replicas-${id}` });
    await log.ensureTopics(topics);
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  });

  afterAll(async () => {
    await Promise.all(observers.map((o) => o.close()));
    held.forEach((s) => s.destroy());
    await new Promise((ok) => silent.close(ok));
    await log.deleteTopics([topics.events, topics.dlq]).catch(() => undefined);
    await log.close();
  });

  const silentAddress = () => {
    const a = silent.address();
    if (!a || typeof a === 'string') throw new Error('no address');
    return `127.0.0.1:${a.port}`;
  };

  it('answers what a kafkajs admin answers', async () => {
    const seen = await observer(testServers().brokers).replicas(topics.events);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(await log.replicas(topics.events));
  });

  it('moves past an address that never answers within its timeout, to the next one', async () => {
    const started = Date.now();
    const seen = await observer([silentAddress(), ...testServers().brokers], 500).replicas(topics.events);
    expect(seen).toEqual(await log.replicas(topics.events));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says which addresses failed, and why, when none answers', async () => {
    const o = observer([silentAddress(), '127.0.0.1:1'], 300);
    await expect(o.replicas(topics.events)).rejects.toThrow(new RegExp(`no broker answered for ${topics.events} \\(127\\.0\\.0\\.1:\\d+: .+; 127\\.0\\.0\\.1:1: .+\\)`));
  });
});
