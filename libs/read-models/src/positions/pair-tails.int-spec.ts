import { Pool, PoolClient } from 'pg';
import { EventEnvelope, RecordedEvent, validateEnvelope } from '@ledger/contracts';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { applyRecorded, createTestDatabase } from '@ledger/testing';
import { readModelDigest } from '../digest';
import { ReadModels } from '../read-models';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '../schemas';

// Each projector process holds the state after every pair's last step it wrote (PairTails): a batch
// that appends folds on from there without reading states back. Two ReadModels instances stand for
// two processes on one database; a second database folds the same events in one batch, and the
// read models must be the same whatever the held states were.
describe('the states held after each pair’s last step', () => {
  const dbs: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  let pool: Pool;
  let fresh: Pool;
  let offset = 0;
  const P = 'p-tails';

  beforeAll(async () => {
    dbs.push(await createTestDatabase(), await createTestDatabase());
    [pool, fresh] = dbs.map((d) => createPool(d.url));
    for (const p of [pool, fresh]) {
      await migrate(p, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
      await migrate(p, READ_SCHEMA, READ_MIGRATIONS_DIR);
    }
  });

  afterAll(async () => {
    for (const p of [pool, fresh]) await p?.end();
    for (const d of dbs) await d.drop();
  });

  const reset = async () => {
    for (const p of [pool, fresh]) {
      const { rows } = await p.query(
        `SELECT string_agg(format('%I.%I', table_schema, table_name), ', ') AS t FROM information_schema.tables WHERE table_schema = 'read_model' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
      );
      await p.query(`TRUNCATE ${rows[0].t}, ledger.journal`);
    }
  };
  const event = (type: string, day: number, data: Record<string, unknown>, actor = 'RUS'): RecordedEvent => {
    const n = ++offset;
    const checked = validateEnvelope({
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type,
      schemaVersion: 1,
      occurredAt: { value: `2025-03-${String(day).padStart(2, '0')}`, precision: 'day' },
      actors: [{ actorId: actor }],
      proposalId: P,
      source: { publisher: 'pair-tails-spec' },
      data,
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    return { ...(checked.event as EventEnvelope), partition: 0, offset: String(n), recordedAt: new Date(Date.parse('2025-04-01T00:00:00Z') + n).toISOString() };
  };
  const accept = (day: number) =>
    event('ProposalAcceptedConditionally', day, {
      version: 1,
      conditions: [{ conditionId: `c${day}`, text: `condition of the ${day}th`, category: 'security', addressedTo: ['UKR'] }],
    });
  const reject = (day: number) => event('ProposalRejected', day, { reasons: ['no'] });
  /** Statements that ask for the state stored back (the last stored state before an insertion point). */
  const stateReads: string[] = [];
  const counting = (c: PoolClient): PoolClient => {
    const query = c.query.bind(c) as (...args: unknown[]) => unknown;
    return new Proxy(c, {
      get: (target, prop) =>
        prop === 'query'
          ? (...args: unknown[]) => {
              if (typeof args[0] === 'string' && args[0].includes('h.state IS NOT NULL')) stateReads.push(args[0]);
              return query(...args);
            }
          : Reflect.get(target, prop),
    });
  };
  const apply = (models: ReadModels, events: RecordedEvent[]) => inTransaction(pool, (c) => applyRecorded(counting(c), events, models));
  const sameAsOneFold = async (events: RecordedEvent[]) => {
    await inTransaction(fresh, (c) => applyRecorded(c, events));
    expect(await readModelDigest(pool)).toEqual(await readModelDigest(fresh));
  };

  beforeEach(async () => {
    await reset();
    stateReads.length = 0;
  });

  it('appends in order through one process read no state back, and store what one fold stores', async () => {
    const one = new ReadModels();
    const events = Array.from({ length: 20 }, (_, i) => (i % 2 ? reject(i + 1) : accept(i + 1)));
    for (const e of events) await apply(one, [e]);
    expect(stateReads).toEqual([]);
    await sameAsOneFold(events);
  });

  it('a late report from another process rewrites the last step: the first process reads the state back', async () => {
    const [one, other] = [new ReadModels(), new ReadModels()];
    const events = [accept(1), reject(3), accept(4)];
    await apply(one, [events[0]]);
    await apply(one, [events[1]]);
    // Another process is told of the 2nd: every later step is folded again, the 3rd's row included
    // (same step, another transaction). A state held for it by the first process is stale.
    const late = accept(2);
    await apply(other, [late]);
    stateReads.length = 0;
    await apply(one, [events[2]]);
    expect(stateReads).toHaveLength(1);
    await sameAsOneFold([...events, late]);
  });

  it('a batch that rolled back leaves no state behind that a later batch would fold on', async () => {
    const one = new ReadModels();
    const first = accept(1);
    await apply(one, [first]);
    await expect(
      inTransaction(pool, async (c) => {
        await applyRecorded(c, [reject(2)], one);
        throw new Error('the batch fails after the read models were written');
      }),
    ).rejects.toThrow('the batch fails');
    const next = accept(3);
    await apply(one, [next]);
    await sameAsOneFold([first, next]);
  });
});
