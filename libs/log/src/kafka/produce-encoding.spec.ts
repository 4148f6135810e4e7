import fc from 'fast-check';
import { encodeProduceRequest, ProduceRequestArgs, useOwnProduceEncoding } from './produce-encoding';

/* eslint-disable @typescript-eslint/no-require-imports */
const { requests } = require('kafkajs/src/protocol/requests');
const theirV3 = require('kafkajs/src/protocol/requests/produce/v3/request');
const Long = require('kafkajs/src/utils/long');
/* eslint-enable @typescript-eslint/no-require-imports */

const NOW = 1_741_600_000_123;

async function kafkajsBytes(args: ProduceRequestArgs): Promise<Buffer> {
  return (await theirV3(args).encode()).buffer;
}

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constant(''));
const bytes = fc.uint8Array({ maxLength: 700 }).map((a) => Buffer.from(a));
const headerValue = fc.oneof(text, bytes);
const message = fc.record(
  {
    key: fc.oneof(text, bytes, fc.constant(null)),
    value: fc.oneof(text, bytes, fc.constant(null)),
    headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })), { maxKeys: 8 }),
  },
  { requiredKeys: ['value'] },
);
const produceArgs: fc.Arbitrary<ProduceRequestArgs> = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.integer({ min: 0, max: 60_000 }),
  transactionalId: fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 10 })),
  producerId: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 2 ** 31 - 1 }), fc.constant(Long.fromString('9007199254740993'))),
  producerEpoch: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 32_767 })),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1, maxLength: 30 }),
      partitions: fc.array(
        fc.record({ partition: fc.integer({ min: 0, max: 63 }), firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }), messages: fc.array(message, { maxLength: 140 }) }),
        { maxLength: 4 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** The ledger's own shape: a 17-byte key, a JSON value, seven CloudEvents headers. */
function ledgerMessage(i: number) {
  return {
    key: `proposal-${String(i % 64).padStart(8, '0')}`,
    value: Buffer.from(JSON.stringify({ eventId: `e-${i}`, type: 'StatementMade', data: { text: 'Ceasefire talks resume — «вода»', n: i } })),
    headers: {
      ce_specversion: '1.0',
      ce_id: `e-${i}`,
      ce_type: 'StatementMade',
      ce_source: 'urn:ledger:test',
      ce_time: '2025-03-18T09:00:00.000Z',
      'content-type': 'application/json',
      ce_contenthash: 'sha256:' + 'ab'.repeat(32),
    },
  };
}

describe('produce requests encoded in one pass', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
  afterEach(() => jest.restoreAllMocks());

  it('writes the bytes kafkajs writes for the ledger records', async () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 5_000,
      producerId: -1,
      producerEpoch: 0,
      topicData: [
        {
          topic: 'ledger.events.v1',
          partitions: [
            { partition: 0, firstSequence: 0, messages: Array.from({ length: 100 }, (_, i) => ledgerMessage(i)) },
            { partition: 5, firstSequence: 12, messages: [ledgerMessage(1000)] },
          ],
        },
      ],
    };
    const ours = encodeProduceRequest(args);
    expect(ours).toBeDefined();
    expect(ours!.buffer.equals(await kafkajsBytes(args))).toBe(true);
    expect(ours!.size()).toBe(ours!.buffer.length);
  });

  it('writes the bytes kafkajs writes for any request it covers', async () => {
    await fc.assert(
      fc.asyncProperty(produceArgs, async (args) => {
        const ours = encodeProduceRequest(args);
        expect(ours).toBeDefined();
        expect(ours!.buffer.toString('hex')).toBe((await kafkajsBytes(args)).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves compressed batches, own timestamps and other value types to kafkajs', () => {
    const topicData = (m: object) => [{ topic: 't', partitions: [{ partition: 0, messages: [m] }] }];
    expect(encodeProduceRequest({ acks: -1, timeout: 1, compression: 1, topicData: topicData({ value: 'v' }) })).toBeUndefined();
    expect(encodeProduceRequest({ acks: -1, timeout: 1, topicData: topicData({ value: 'v', timestamp: '1741600000000' }) })).toBeUndefined();
    expect(encodeProduceRequest({ acks: -1, timeout: 1, topicData: topicData({ key: 7, value: 'v' }) })).toBeUndefined();
    expect(encodeProduceRequest({ acks: -1, timeout: 1, topicData: topicData({ value: 'v', headers: { n: 1 } }) })).toBeUndefined();
  });

  it('stands in for kafkajs produce requests v3 to v7, keeping their version and decoder', async () => {
    const original = requests.Produce;
    const args: ProduceRequestArgs = { acks: -1, timeout: 5_000, topicData: [{ topic: 'ledger.events.v1', partitions: [{ partition: 2, messages: [ledgerMessage(7)] }] }] };
    const compressed = { ...args, compression: 1 };
    try {
      useOwnProduceEncoding();
      useOwnProduceEncoding();
      const ours = requests.Produce;
      expect(ours).not.toBe(original);
      expect(ours.versions).toEqual(original.versions);
      for (const version of [3, 4, 5, 6, 7]) {
        const made = ours.protocol({ version })(args);
        const theirs = original.protocol({ version })(args);
        expect(made.request.apiVersion).toBe(version);
        expect(made.response).toBe(theirs.response);
        expect((await made.request.encode()).buffer.equals((await theirs.request.encode()).buffer)).toBe(true);
        // a request this encoder leaves alone still encodes, through kafkajs
        const gzip = await ours.protocol({ version })(compressed).request.encode();
        expect(gzip.buffer.length).toBeGreaterThan(0);
      }
      expect(ours.protocol({ version: 2 })).toBe(original.protocol({ version: 2 }));
    } finally {
      requests.Produce = original;
    }
  });
});
