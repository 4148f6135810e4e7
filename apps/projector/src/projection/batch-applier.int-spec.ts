import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { canonicalEnvelope, CATALOG, chainHash, DLQ_TOPIC, encodeEvent, EventEnvelope, GENESIS_HASH, LedgerTopics } from '@ledger/contracts';
import { EventLog, LogBatch } from '@ledger/log';
import { PG_POOL } from '@ledger/postgres';
import { LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { asLogEnvelope, statementMade, createTestContext, TestContext } from '@ledger/testing';
import { BatchApplier } from './batch-applier';
import { DLQ_HEADERS } from './dead-letter';

// The batch transaction against real Postgres (and real Kafka for dead letters), fed batches by
// hand so every redelivery shape can be produced exactly.
describe('BatchApplier', () => {
  let ctx: TestContext;
  let applier: BatchApplier;
  let topics: LedgerTopics;

  /** A BatchApplier on the test context, with these settings changed. */
  const applierWith = async (settings: Partial<LedgerConfig> = {}): Promise<BatchApplier> => {
    const config = Object.assign(Object.create(Object.getPrototypeOf(ctx.config)), ctx.config, settings) as LedgerConfig;
    const moduleRef = await Test.createTestingModule({
      providers: [
        BatchApplier,
        { provide: PG_POOL, useValue: ctx.pool },
        { provide: EventLog, useValue: ctx.log },
        { provide: LEDGER_TOPICS, useValue: topics },
        { provide: LedgerConfig, useValue: config },
      ],
    }).compile();
    return moduleRef.get(BatchApplier);
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    topics = ctx.topics;
    applier = await applierWith();
  });

  afterAll(async () => ctx?.close());

  let nextOffset = 0;
  const batch = (values: (Buffer | null)[], partition = 0, from = nextOffset): LogBatch => ({
    topic: topics.events,
    partition,
    highWatermark: String(from + values.length),
    messages: values.map((value, i) => ({ offset: String(from + i), key: 'k', value, headers: {}, timestamp: String(Date.parse('2025-03-14T12:00:00Z') + i) })),
  });
  const envelope = (overrides: Record<string, unknown> = {}) => asLogEnvelope(statementMade(overrides)) as EventEnvelope;
  const bytes = (e: EventEnvelope) => encodeEvent(e).value;
  const rows = async (sql: string, params: unknown[] = []) => (await ctx.pool.query(sql, params)).rows;

  it('applies a batch and stores the next offset', async () => {
    const events = [envelope(), envelope(), envelope()];
    const result = await applier.handle(batch(events.map(bytes)));
    expect(result.nextOffset).toBe('3');
    nextOffset = 3;
    expect(await rows('SELECT event_id FROM read_model.statements_v1 ORDER BY "offset"')).toEqual(events.map((e) => ({ event_id: e.eventId })));
  });

  it('changes nothing when the same batch is redelivered', async () => {
    const before = await rows('SELECT count(*) AS n FROM ledger.journal');
    const again = await applier.handle(batch([Buffer.from('ignored'), Buffer.from('ignored'), Buffer.from('ignored')], 0, 0));
    expect(again.nextOffset).toBe('3');
    expect(await rows('SELECT count(*) AS n FROM ledger.journal')).toEqual(before);
  });

  it('skips the already applied head of an overlapping batch', async () => {
    const fresh = envelope();
    const result = await applier.handle(batch([Buffer.from('old'), bytes(fresh)], 0, 2));
    expect(result.nextOffset).toBe('4');
    nextOffset = 4;
    expect(await rows('SELECT disposition FROM ledger.journal WHERE partition = 0 AND "offset" = 3')).toEqual([{ disposition: 'applied' }]);
  });

  it('journals a repeated event id with the same content as a duplicate, and a conflicting one as rejected', async () => {
    const original = (await rows(`SELECT envelope FROM ledger.journal WHERE partition = 0 AND "offset" = 0`))[0].envelope as EventEnvelope;
    const conflicting = { ...original, data: { ...(original.data as object), text: 'A different text under the same id.' } } as EventEnvelope;
    const result = await applier.handle(batch([bytes(original), bytes(conflicting)]));
    nextOffset = Number(result.nextOffset);
    expect(await rows(`SELECT disposition FROM ledger.journal WHERE partition = 0 AND "offset" >= 4 ORDER BY "offset"`)).toEqual([
      { disposition: 'duplicate' },
      { disposition: 'rejected' },
    ]);
    expect(await rows(`SELECT count(*)::int AS n FROM read_model.statements_v1 WHERE event_id = $1`, [original.eventId])).toEqual([{ n: 1 }]);
    expect((await rows(`SELECT reason FROM ledger.rejections WHERE "offset" = 5`))[0].reason).toBe('event.id_conflict');
  });

  it('rejects undecodable and invalid records to the rejections table and the DLQ, and moves on', async () => {
    const good = envelope();
    const result = await applier.handle(batch([Buffer.from('{not json'), Buffer.from(JSON.stringify({ type: 'Nope' })), bytes(good)]));
    expect(result.nextOffset).toBe(String(nextOffset + 3));
    const rejected = await rows(`SELECT "offset", reason FROM ledger.rejections WHERE "offset" >= $1 ORDER BY "offset"`, [nextOffset]);
    expect(rejected.map((r) => r.reason)).toEqual(['message.undecodable', 'event.unknown_type']);
    expect(await rows(`SELECT count(*)::int AS n FROM read_model.statements_v1 WHERE event_id = $1`, [good.eventId])).toEqual([{ n: 1 }]);
    const dlq = await ctx.log.bounds(topics.dlq);
    expect(Number(dlq[0].high)).toBe(3); // the id conflict above and these two
    expect(topics.dlq).not.toBe(DLQ_TOPIC);
    nextOffset += 3;
  });

  it('asks to be sent back when a batch starts after the stored offset, unless it was fetched from there', async () => {
    const e = envelope();
    const gap = await applier.handle(batch([bytes(e)], 0, nextOffset + 5));
    expect(gap.nextOffset).toBe(String(nextOffset));
    const accepted = await applier.handle({ ...batch([bytes(e)], 0, nextOffset + 5), fetchedFrom: String(nextOffset) });
    expect(accepted.nextOffset).toBe(String(nextOffset + 6));
  });

  it('fences a stale consumer: two appliers racing on one partition apply each record once', async () => {
    const events = Array.from({ length: 20 }, () => envelope());
    const b = batch(events.map(bytes), 1, 0);
    const results = await Promise.all([applier.handle(b), applier.handle(b)]);
    expect(results.map((r) => r.nextOffset)).toEqual(['20', '20']);
    expect(await rows(`SELECT count(*)::int AS n FROM ledger.journal WHERE partition = 1`)).toEqual([{ n: 20 }]);
  });

  it('applies events published straight to the log without their optional lists (omitted means empty)', async () => {
    const withoutLists = (type: keyof typeof CATALOG, drop: (data: Record<string, any>) => void): EventEnvelope => {
      const example = structuredClone(CATALOG[type].example) as Record<string, any>;
      drop(example.data);
      return asLogEnvelope({ ...example, eventId: randomUUID() }) as EventEnvelope;
    };
    const events = [
      withoutLists('ActorRegistered', (d) => {
        d.id = 'lonely-actor';
        d.name = 'Lonely Actor';
        d.kind = 'organization';
        delete d.iso3;
        delete d.aliases;
      }),
      withoutLists('StatementMade', (d) => delete d.topics),
      withoutLists('ProposalMade', (d) => delete d.proposal.terms),
      withoutLists('ProposalRejected', (d) => delete d.reasons),
    ];
    // A partition of its own: the tests above leave partitions 0–2 where they need them.
    expect((await applier.handle(batch(events.map(bytes), 3, 0))).nextOffset).toBe('4');
    const journal = await rows(`SELECT disposition FROM ledger.journal WHERE event_id = ANY($1::uuid[])`, [events.map((e) => e.eventId)]);
    expect(await rows(`SELECT reason FROM ledger.rejections WHERE event_id = ANY($1::uuid[])`, [events.map((e) => e.eventId)])).toEqual([]);
    expect(journal).toEqual(events.map(() => ({ disposition: 'applied' })));
    expect(await rows(`SELECT aliases FROM read_model.actors_v1 WHERE id = 'lonely-actor'`)).toEqual([{ aliases: [] }]);
    expect(await rows(`SELECT topics FROM read_model.statements_v1 WHERE event_id = $1`, [events[1].eventId])).toEqual([{ topics: [] }]);
  });

  it('dead-letters a direct record whose CloudEvents headers contradict its body (headers.mismatch), never applying it under the body id', async () => {
    const [spoofedId, spoofedType, honest, bare] = [envelope(), envelope(), envelope(), envelope()];
    const message = (e: EventEnvelope, headers: Record<string, string>, offset: number) => ({
      offset: String(offset),
      key: 'k',
      value: bytes(e),
      headers,
      timestamp: String(Date.parse('2025-03-14T12:00:00Z')),
    });
    const result = await applier.handle({
      topic: topics.events,
      partition: 2,
      highWatermark: '4',
      messages: [
        message(spoofedId, { ...encodeEvent(spoofedId).headers, ce_id: honest.eventId }, 0),
        message(spoofedType, { ...encodeEvent(spoofedType).headers, ce_type: 'ProposalAccepted' }, 1),
        message(honest, { ...encodeEvent(honest).headers, ce_id: honest.eventId.toUpperCase() }, 2),
        message(bare, {}, 3), // no headers: nothing to contradict
      ],
    });
    expect(result.nextOffset).toBe('4');
    expect(await rows(`SELECT "offset"::int, disposition FROM ledger.journal WHERE partition = 2 ORDER BY "offset"`)).toEqual([
      { offset: 0, disposition: 'rejected' },
      { offset: 1, disposition: 'rejected' },
      { offset: 2, disposition: 'applied' },
      { offset: 3, disposition: 'applied' },
    ]);
    const rejected = await rows(`SELECT "offset"::int, event_id, reason, problems FROM ledger.rejections WHERE partition = 2 ORDER BY "offset"`);
    expect(rejected.map((r) => [r.offset, r.event_id, r.reason, r.problems[0].field])).toEqual([
      [0, spoofedId.eventId, 'headers.mismatch', 'ce_id'],
      [1, spoofedType.eventId, 'headers.mismatch', 'ce_type'],
    ]);
    const applied = await rows(`SELECT event_id FROM read_model.statements_v1 WHERE event_id = ANY($1::uuid[]) ORDER BY event_id`, [
      [spoofedId, spoofedType, honest, bare].map((e) => e.eventId),
    ]);
    expect(applied.map((r) => r.event_id).sort()).toEqual([honest.eventId, bare.eventId].sort());

    const letters: { reason: string; source: string }[] = [];
    const bounds = await ctx.log.bounds(topics.dlq);
    await ctx.log.scan(topics.dlq, new Map(bounds.map((b) => [b.partition, b.high])), async (b) => {
      for (const m of b.messages) letters.push({ reason: m.headers[DLQ_HEADERS.reason], source: `${m.headers[DLQ_HEADERS.partition]}/${m.headers[DLQ_HEADERS.offset]}` });
    });
    expect(letters.filter((l) => l.source.startsWith('2/'))).toEqual([
      { reason: 'headers.mismatch', source: '2/0' },
      { reason: 'headers.mismatch', source: '2/1' },
    ]);
  });

  describe('a batch larger than one transaction', () => {
    let parts: BatchApplier;
    const seen: number[] = [];
    const partition = 4; // its own: the tests above use partitions 0–3

    beforeAll(async () => {
      parts = await applierWith({ LEDGER_PROJECTOR_TRANSACTION_RECORDS: 2 });
      parts.onApplied((b) => seen.push(b.applied.length));
    });

    const stored = async () => (await rows(`SELECT next_offset::text AS n FROM ledger.consumer_offsets WHERE topic = $1 AND partition = $2`, [topics.events, partition]))[0]?.n;

    it('is applied in parts of that size, in order, each committing its own offset', async () => {
      const events = [envelope(), envelope(), envelope(), envelope(), envelope()];
      expect((await parts.handle(batch(events.map(bytes), partition, 0))).nextOffset).toBe('5');
      expect(seen).toEqual([2, 2, 1]);
      expect(await stored()).toBe('5');
      expect(await rows(`SELECT "offset"::int AS o FROM ledger.journal WHERE partition = $1 AND disposition = 'applied' ORDER BY 1`, [partition])).toEqual(
        [0, 1, 2, 3, 4].map((o) => ({ o })),
      );
    });

    it("takes a gap between parts as the log's own (records it did not return), not a missed message", async () => {
      const b = batch([bytes(envelope()), bytes(envelope()), bytes(envelope()), bytes(envelope())], partition, 5);
      b.messages[2].offset = '9';
      b.messages[3].offset = '10';
      expect((await parts.handle(b)).nextOffset).toBe('11');
      expect(await rows(`SELECT "offset"::int AS o FROM ledger.journal WHERE partition = $1 AND "offset" >= 5 ORDER BY 1`, [partition])).toEqual([5, 6, 9, 10].map((o) => ({ o })));
    });

    it('skips a redelivered part and applies the parts after it', async () => {
      const fresh = [envelope(), envelope()];
      const b = batch([Buffer.from('old'), Buffer.from('old'), ...fresh.map(bytes)], partition, 9);
      expect((await parts.handle(b)).nextOffset).toBe('13');
      expect(await rows(`SELECT event_id FROM ledger.journal WHERE partition = $1 AND "offset" >= 11 ORDER BY "offset"`, [partition])).toEqual(
        fresh.map((e) => ({ event_id: e.eventId })),
      );
    });

    it('stops at a part that starts after the stored offset and asks to be sent back there', async () => {
      const b = batch([bytes(envelope()), bytes(envelope()), bytes(envelope())], partition, 20);
      expect((await parts.handle(b)).nextOffset).toBe('13');
      expect(await stored()).toBe('13');
    });
  });

  describe('batches of several partitions fetched together', () => {
    // Partitions of their own: the tests above use partitions 0–4.
    const [p, q, r] = [5, 6, 7];
    const offsetOf = async (partition: number) =>
      (await rows(`SELECT next_offset::text AS n, chain_hash FROM ledger.consumer_offsets WHERE topic = $1 AND partition = $2`, [topics.events, partition]))[0];
    const announced = async (partition: number) =>
      (await rows(`SELECT announcement FROM ledger.live_feed WHERE partition = $1 ORDER BY next_offset`, [partition])).map((x) => x.announcement);

    it('applies them in one transaction, each partition with its own offset, chain and announcement', async () => {
      const [a, b] = [
        [envelope(), envelope()],
        [envelope(), envelope(), envelope()],
      ];
      const seen: { partition: number; applied: number }[] = [];
      const together = await applierWith();
      together.onApplied((x) => seen.push({ partition: x.partition, applied: x.applied.length }));
      expect(await together.handleTogether([batch(a.map(bytes), q, 0), batch(b.map(bytes), p, 0)])).toEqual([{ nextOffset: '2' }, { nextOffset: '3' }]);
      expect(seen.sort((x, y) => x.partition - y.partition)).toEqual([
        { partition: p, applied: 3 },
        { partition: q, applied: 2 },
      ]);
      expect((await offsetOf(q)).n).toBe('2');
      expect((await offsetOf(p)).n).toBe('3');
      expect((await announced(q)).map((x) => x.events.map((e: { eventId: string }) => e.eventId))).toEqual([a.map((e) => e.eventId)]);
      expect((await announced(p)).map((x) => x.nextOffset)).toEqual(['3']);

      // The chain heads are those of each partition applied alone (ledger verify recomputes them so).
      const head = (events: EventEnvelope[]) => events.reduce<Buffer>((chain, e) => chainHash(chain, canonicalEnvelope(e).bytes), GENESIS_HASH);
      expect((await offsetOf(q)).chain_hash.equals(head(a))).toBe(true);
      expect((await offsetOf(p)).chain_hash.equals(head(b))).toBe(true);
    });

    it('applies an event id sent to two of the partitions once, the other journaled as a duplicate', async () => {
      const twice = envelope();
      const results = await applier.handleTogether([batch([bytes(twice)], p, 3), batch([bytes(twice), bytes(envelope())], r, 0)]);
      expect(results).toEqual([{ nextOffset: '4' }, { nextOffset: '2' }]);
      expect(await rows(`SELECT partition, disposition FROM ledger.journal WHERE event_id = $1 ORDER BY partition`, [twice.eventId])).toEqual([
        { partition: p, disposition: 'applied' },
        { partition: r, disposition: 'duplicate' },
      ]);
      expect(await rows(`SELECT count(*)::int AS n FROM read_model.statements_v1 WHERE event_id = $1`, [twice.eventId])).toEqual([{ n: 1 }]);
    });

    it('answers a redelivered or gapped part with its stored offset and applies the others', async () => {
      const fresh = envelope();
      const results = await applier.handleTogether([
        batch([Buffer.from('old')], p, 0), // redelivered: everything below the stored offset 4
        batch([bytes(envelope())], q, 9), // starts after the stored offset 2, not fetched from there
        batch([bytes(fresh)], r, 2),
      ]);
      expect(results).toEqual([{ nextOffset: '4' }, { nextOffset: '2' }, { nextOffset: '3' }]);
      expect((await offsetOf(q)).n).toBe('2');
      expect(await rows(`SELECT partition, "offset"::int FROM ledger.journal WHERE event_id = $1`, [fresh.eventId])).toEqual([{ partition: r, offset: 2 }]);
    });

    it('applies each record once when two consumers take the same partition in groups (the later one waits on its offset lock)', async () => {
      const before = await rows(`SELECT count(*)::int AS n FROM ledger.journal`);
      const other = await applierWith();
      const x = batch([bytes(envelope()), bytes(envelope())], r, 3);
      // Both take partition r from offset 3: one wins, the other finds the offset moved.
      const [first, second] = await Promise.allSettled([other.handleTogether([x, batch([bytes(envelope())], q, 2)]), applier.handleTogether([x])]);
      const outcomes = [first, second].map((o) => (o.status === 'fulfilled' ? o.value : 'failed'));
      // The later one waited on the offset row, then found nothing fresh: both answer the same next offset.
      expect(outcomes).toEqual([[{ nextOffset: '5' }, { nextOffset: '3' }], [{ nextOffset: '5' }]]);
      expect(await rows(`SELECT count(*)::int AS n FROM ledger.journal WHERE partition = $1 AND "offset" >= 3`, [r])).toEqual([{ n: 2 }]);
      expect((await rows(`SELECT count(*)::int AS n FROM ledger.journal`))[0].n).toBe(before[0].n + 3);
    });

    it('applies two batches of one partition one after the other', async () => {
      const [first, second] = [envelope(), envelope()];
      // A partition of its own, from its start.
      expect(await applier.handleTogether([batch([bytes(first)], 8, 0), batch([bytes(second)], 8, 1)])).toEqual([{ nextOffset: '1' }, { nextOffset: '2' }]);
      expect(await rows(`SELECT "offset"::int FROM ledger.journal WHERE event_id = ANY($1::uuid[]) ORDER BY 1`, [[first.eventId, second.eventId]])).toEqual([
        { offset: 0 },
        { offset: 1 },
      ]);
    });
  });
});
