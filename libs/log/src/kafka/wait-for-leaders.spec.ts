import { KafkaJSProtocolError } from 'kafkajs';
import { waitForLeaders } from './kafka-event-log';

/** What a broker's metadata answers, one answer per call (the last one repeats); offsets answer `offsets` in turn. */
function metadata(...answers: (Error | { name: string; leaders: number[] }[])[]) {
  let calls = 0;
  return {
    offsets: [] as (Error | null)[],
    offsetCalls: 0,
    get calls() {
      return calls;
    },
    async fetchTopicOffsets() {
      const answer = this.offsets[this.offsetCalls++] ?? null;
      if (answer) throw answer;
      return [];
    },
    async fetchTopicMetadata() {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return {
        topics: answer.map((t) => ({ name: t.name, partitions: t.leaders.map((leader, partitionId) => ({ partitionId, leader, replicas: [], isr: [], partitionErrorCode: 0 })) })),
      };
    },
  };
}

/** A broker's error as kafkajs raises it (its constructor takes the error-code entry; the typings say Error). */
const protocolError = (entry: { type: string; code: number; retriable: boolean; message: string }) => new KafkaJSProtocolError(entry as unknown as Error);
const unknownTopic = () => protocolError({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true, message: 'This server does not host this topic-partition' });

describe('waitForLeaders', () => {
  it('retries while a new topic is unknown or leaderless, then returns', async () => {
    const admin = metadata(
      unknownTopic(),
      [
        { name: 'ev', leaders: [1, -1] },
        { name: 'dlq', leaders: [1] },
      ],
      [
        { name: 'ev', leaders: [1, 1] },
        { name: 'dlq', leaders: [1] },
      ],
    );
    await waitForLeaders(admin as never, ['ev', 'dlq']);
    expect(admin.calls).toBe(3);
  });

  it('waits for leaders that have the leadership but do not serve yet', async () => {
    const admin = metadata([{ name: 'ev', leaders: [1] }]);
    admin.offsets = [protocolError({ type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true, message: 'This server is not the leader for that topic-partition' })];
    await waitForLeaders(admin as never, ['ev']);
    expect(admin.calls).toBe(2);
    expect(admin.offsetCalls).toBe(2);
  });

  it('throws an error Kafka does not mark retriable at once', async () => {
    const admin = metadata(protocolError({ type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false, message: 'Not authorized to access topics' }));
    await expect(waitForLeaders(admin as never, ['ev'])).rejects.toThrow('Not authorized');
    expect(admin.calls).toBe(1);
  });

  it('gives up after its wait, saying what was missing', async () => {
    const admin = metadata([{ name: 'ev', leaders: [-1] }]);
    await expect(waitForLeaders(admin as never, ['ev'], 300)).rejects.toThrow('Kafka topics ev not ready after 0.3 s: no leader yet for ev');
  });
});
