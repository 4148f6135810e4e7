import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { encodeEvent, EventEnvelope, LogMessage } from '@ledger/contracts';
import { LogEntry } from '@ledger/log';
import { TokenStore } from '@ledger/ledger-store';
import { verifyLedger } from '@ledger/audit';
import { asLogEnvelope, eventually, http, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { DLQ_HEADERS } from '../../apps/projector/src/projection/dead-letter';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { QueryApiModule } from '../../apps/query-api/src/query-api.module';
import { recordFigures } from './figures';
import { countsByEventId, projectorBehind, rows, tally, waitForProjectorAtEnd } from './harness/support';

// Scenario 6, poison messages: records no ingest API would let through, written straight to the
// ledger topic between good events (as a direct publisher or a broken tool could). The projector
// must dead-letter each one with its reason and source coordinates, apply every good event, apply
// a valid event about a proposal nobody has made yet (a fact, not an error), and never stop.

/** Every poison goes to the partition of the good statements about this proposal, between them. */
const LANE = 'us-30-day-ceasefire-2025';
const GOOD = 160;

interface Poison {
  name: string;
  value: Buffer;
  /** ce_id header: the event id the record claims, when it claims one. */
  eventId?: string;
  headers?: Record<string, string>;
  reason: string;
}

const good = (i: number, overrides: Record<string, unknown> = {}) =>
  asLogEnvelope(statementMade({ ...overrides }, { text: `Good statement ${i} among the poison.`, tone: 'neutral', topics: ['poison'] })) as EventEnvelope;
const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

function poisons(conflictWith: EventEnvelope): Poison[] {
  const id = () => randomUUID();
  const base = (eventId: string) => good(-1, { eventId });
  const withId = (name: string, reason: string, make: (eventId: string) => Buffer): Poison => {
    const eventId = id();
    return { name, reason, eventId, value: make(eventId) };
  };
  return [
    withId('invalid JSON', 'message.undecodable', (e) => Buffer.from(`{"eventId":"${e}","type":"StatementMade","occurredAt":`, 'utf8')),
    withId('wrong schema (missing fields)', 'envelope.invalid', (e) => json({ eventId: e, type: 'StatementMade', schemaVersion: 1, source: { publisher: 'direct-publisher' } })),
    withId('~900 KB text', 'envelope.invalid', (e) => json({ ...base(e), data: { text: 'x'.repeat(900 * 1024), tone: 'neutral', topics: [] } })),
    { name: 'binary garbage', reason: 'message.undecodable', value: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3]), randomBytes(2048)]) },
    withId('unknown event type', 'event.unknown_type', (e) => json({ ...base(e), type: 'StatementWhispered' })),
    withId('NUL inside a string', 'envelope.invalid', (e) => json({ ...base(e), data: { text: 'before\u0000after', tone: 'neutral', topics: [] } })),
    // Written as text: an object literal would set the prototype instead of carrying the key.
    withId('prototype-polluting key', 'envelope.forbidden_key', (e) =>
      Buffer.from(JSON.stringify(base(e)).replace(/"data":\{/, '"data":{"__proto__":{"polluted":"yes"},'), 'utf8'),
    ),
    withId('unsupported schema version', 'event.unsupported_version', (e) => json({ ...base(e), schemaVersion: 99 })),
    { name: 'empty value', reason: 'message.undecodable', value: Buffer.alloc(0) },
    { name: 'NUL in a header', reason: 'message.undecodable', value: Buffer.from('not json at all'), headers: { 'x-note': 'a\u0000b' } },
    {
      name: 'event id reused with other content',
      reason: 'event.id_conflict',
      eventId: conflictWith.eventId,
      value: json({ ...conflictWith, data: { ...(conflictWith.data as object), text: 'The same id, other words.' } }),
    },
    withId('nesting 100,000 levels deep', 'envelope.invalid', (e) =>
      Buffer.from(JSON.stringify(base(e)).replace(/"topics":\[/, `"topics":[${'['.repeat(100_000)}${']'.repeat(100_000)},`), 'utf8'),
    ),
    withId('lone surrogate in a string', 'envelope.invalid', (e) => json({ ...base(e), data: { text: 'half a pair: \ud800 here', tone: 'neutral', topics: [] } })),
    withId('lone surrogate in a key', 'envelope.invalid', (e) => json({ ...base(e), data: { text: 'ok', tone: 'neutral', topics: [], '\udc00': 1 } })),
  ].map((p) => ({ ...p, headers: { ...(p.eventId ? { ce_id: p.eventId, ce_type: 'StatementMade', ce_specversion: '1.0' } : {}), ...(p.headers ?? {}) } }));
}

describe('fault scenario 6: poison messages', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> } | undefined;
  let token: string;
  const goodEvents: EventEnvelope[] = [];
  const placed: { poison: Poison; partition: number; offset: string }[] = [];
  const figures: Record<string, number | string> = {};
  let phantomAcceptance: EventEnvelope;

  beforeAll(async () => {
    ctx = await createTestContext();
    token = (await new TokenStore(ctx.pool).create({ name: 'poison-desk', scopes: ['publish', 'read'], ratePerSec: 100_000 })).token;
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  /** Appends good events and poison in the given order (one append each: the order on the partition is the order here). */
  const write = async (items: (EventEnvelope | Poison)[]) => {
    for (const item of items) {
      if ('reason' in item) {
        const message: LogMessage = { key: LANE, value: item.value, headers: item.headers ?? {} };
        const [at] = await ctx.log.append(ctx.topics.events, [message]);
        placed.push({ poison: item, partition: at.partition, offset: at.offset });
      } else {
        await ctx.log.append(ctx.topics.events, [encodeEvent(item)]);
      }
    }
  };

  it('dead-letters every poison record with its reason and coordinates, applies every good event, and never stops', async () => {
    // Good statements: most about the lane's proposal (same partition as the poison), some elsewhere.
    for (let i = 0; i < GOOD; i++) goodEvents.push(good(i, i % 4 === 3 ? { proposalId: undefined, actors: [{ actorId: ['FRA', 'DEU', 'GBR'][i % 3] }] } : {}));
    // A valid acceptance of a proposal nobody has made yet: kept and applied, not dead-lettered.
    const phantom = `phantom-proposal-${randomUUID().slice(0, 8)}`;
    phantomAcceptance = asLogEnvelope({
      eventId: randomUUID(),
      type: 'ProposalAccepted',
      schemaVersion: 1,
      occurredAt: { value: '2025-03-20', precision: 'day' },
      actors: [{ actorId: 'FRA' }],
      proposalId: phantom,
      data: { version: 1 },
    }) as EventEnvelope;
    const bad = poisons(goodEvents[0]);
    // Half before the projector starts (it meets them in its first batches), half while it runs.
    const sequence: (EventEnvelope | Poison)[] = [];
    const stride = Math.floor(GOOD / (bad.length + 1));
    goodEvents.forEach((e, i) => {
      sequence.push(e);
      const k = (i + 1) / stride - 1;
      if (Number.isInteger(k) && k < bad.length) sequence.push(bad[k]);
    });
    sequence.splice(Math.floor(sequence.length / 3), 0, phantomAcceptance);
    const half = Math.floor(sequence.length / 2);
    await write(sequence.slice(0, half));
    app = await startTestApp(ctx, [IngestApiModule, ProjectorModule, QueryApiModule]);
    const { url } = app;
    await write(sequence.slice(half));
    expect(placed.length).toBe(bad.length);

    figures.catchUpSeconds = await waitForProjectorAtEnd(ctx, 60_000).catch(async (e: Error) => {
      // Name the poison in the batch it is stuck on (the batch starts at the stored offset).
      const stuck = (await projectorBehind(ctx)).map((b) => {
        const suspects = placed.filter((p) => p.partition === b.partition && BigInt(p.offset) >= BigInt(b.stored)).map((p) => p.poison.name);
        return `partition ${b.partition} from offset ${b.stored}, poison from there: ${suspects.join('; ') || 'none'}`;
      });
      throw new Error(`${e.message} (stuck: ${stuck.join(' | ')})`);
    });

    // Every good event applied once; the phantom acceptance too, and no rejection for it.
    const statements = tally(
      goodEvents.map((e) => e.eventId),
      await countsByEventId(ctx.pool, 'statements'),
    );
    const journal = tally(
      [...goodEvents, phantomAcceptance].map((e) => e.eventId),
      await countsByEventId(ctx.pool, 'journal'),
    );
    expect({ missing: statements.missing, more: statements.more }).toEqual({ missing: [], more: 0 });
    expect({ missing: journal.missing, more: journal.more, unexpected: journal.unexpected }).toEqual({ missing: [], more: 0, unexpected: [] });
    expect((await http('GET', `${url}/v1/events/${phantomAcceptance.eventId}`, { token })).body).toMatchObject({ status: 'applied', type: 'ProposalAccepted' });

    // Each poison: a journal row marked rejected, a rejections row with the reason, a dead letter.
    const rejections = await rows(ctx.pool, `SELECT partition, "offset"::text AS offset, topic, event_id::text AS event_id, reason, raw, headers FROM ledger.rejections`);
    expect(rejections.length).toBe(bad.length);
    const dlq = new Map<string, LogEntry[]>();
    const dlqEnd = new Map((await ctx.log.bounds(ctx.topics.dlq)).map((b) => [b.partition, b.high]));
    await ctx.log.scan(ctx.topics.dlq, dlqEnd, async (batch) => {
      for (const m of batch.messages) {
        const at = `${m.headers[DLQ_HEADERS.partition]}/${m.headers[DLQ_HEADERS.offset]}`;
        dlq.set(at, [...(dlq.get(at) ?? []), m]);
      }
    });
    const sha = (b: Buffer | null) =>
      createHash('sha256')
        .update(b ?? Buffer.alloc(0))
        .digest('hex');
    const seen: Record<string, unknown>[] = [];
    for (const { poison, partition, offset } of placed) {
      const row = rejections.find((r) => r.partition === partition && r.offset === offset);
      const letters = dlq.get(`${partition}/${offset}`) ?? [];
      const letter = letters[0];
      const disposition = (await rows(ctx.pool, `SELECT disposition FROM ledger.journal WHERE partition = $1 AND "offset" = $2`, [partition, offset]))[0]?.disposition;
      seen.push({
        poison: poison.name,
        disposition,
        reason: row?.reason,
        eventId: row?.event_id ?? null,
        raw: sha(row?.raw ?? null) === sha(poison.value),
        deadLetters: letters.length,
        dlqReason: letter?.headers[DLQ_HEADERS.reason],
        dlqSource: letter && [letter.headers[DLQ_HEADERS.topic], letter.headers[DLQ_HEADERS.partition], letter.headers[DLQ_HEADERS.offset]].join(' '),
        dlqValue: letter ? sha(letter.value) === sha(poison.value) : false,
        dlqKeepsHeaders: poison.eventId ? letter?.headers.ce_id === poison.eventId : true,
      });
    }
    expect(seen).toEqual(
      placed.map(({ poison, partition, offset }) => ({
        poison: poison.name,
        disposition: 'rejected',
        reason: poison.reason,
        eventId: poison.eventId ?? null,
        raw: true,
        deadLetters: 1,
        dlqReason: poison.reason,
        dlqSource: `${ctx.topics.events} ${partition} ${offset}`,
        dlqValue: true,
        dlqKeepsHeaders: true,
      })),
    );
    expect([...dlq.keys()].length).toBe(bad.length); // nothing else was dead-lettered

    // GET /v1/events/{id}: rejected with the reason — except the reused id, whose first content stands.
    for (const { poison } of placed.filter((p) => p.poison.eventId)) {
      const status = await http('GET', `${url}/v1/events/${poison.eventId}`, { token });
      const expected = poison.reason === 'event.id_conflict' ? { status: 'applied' } : { status: 'rejected', reason: poison.reason, problems: expect.anything() };
      expect([poison.name, status.status, status.body]).toEqual([poison.name, 200, expect.objectContaining(expected)]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still running: ready, and a good event published after the poison is applied.
    expect((await http('GET', `${url}/health/ready`)).status).toBe(200);
    const after = statementMade({}, { text: 'Published after the poison.' });
    expect((await http('POST', `${url}/v1/events`, { json: after, token })).status).toBe(202);
    const appliedAfter = Date.now();
    await eventually(async () => ((await http('GET', `${url}/v1/events/${after.eventId}`, { token })).body.status === 'applied' ? true : undefined), 10_000);
    figures.lastEventAppliedMs = Date.now() - appliedAfter;
    await waitForProjectorAtEnd(ctx, 10_000);

    // The hash chain covers the rejected records' raw bytes: the journal still verifies against the log.
    const report = await verifyLedger({ pool: ctx.pool, log: ctx.log, topic: ctx.topics.events, group: ctx.config.LEDGER_PROJECTOR_GROUP });
    expect(report.mismatches).toEqual([]);

    const byReason: Record<string, number> = {};
    for (const r of rejections) byReason[`rejected.${r.reason}`] = (byReason[`rejected.${r.reason}`] ?? 0) + 1;
    recordFigures({
      scenario: 'poison',
      acknowledged: goodEvents.length + 2,
      applied: statements.once + 2,
      duplicated: statements.more,
      lost: statements.missing.length,
      recoverySeconds: null,
      extra: {
        ...figures,
        poisonRecords: bad.length,
        rejections: rejections.length,
        deadLetters: [...dlq.values()].reduce((n, l) => n + l.length, 0),
        ...byReason,
        verifyMismatches: report.mismatches.length,
      },
    });
  }, 150_000);

  it('folds the phantom acceptance in once the proposal arrives', async () => {
    const made = asLogEnvelope({
      eventId: randomUUID(),
      type: 'ProposalMade',
      schemaVersion: 1,
      occurredAt: { value: '2025-03-18', precision: 'day' },
      actors: [{ actorId: 'USA' }],
      proposalId: phantomAcceptance.proposalId,
      data: { proposal: { title: 'A proposal that arrived late', kind: 'ceasefire', terms: ['Stop'], durationDays: 10 }, version: 1 },
    });
    const url = app!.url;
    expect((await http('POST', `${url}/v1/events`, { json: { ...made, source: undefined }, token })).status).toBe(202);
    const position = await eventually(async () => {
      const res = await http('GET', `${url}/v1/positions?party=FRA&proposal=${phantomAcceptance.proposalId}`, { token });
      return res.body?.category === 'ACCEPTED' ? res.body : undefined;
    }, 10_000);
    expect(position).toMatchObject({ party: 'FRA', category: 'ACCEPTED', basisEventId: phantomAcceptance.eventId });
  });
});
