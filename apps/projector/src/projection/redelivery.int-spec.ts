import { encodeEvent, EventEnvelope } from '@ledger/contracts';
import { consumedCount } from '@ledger/ledger-store';
import { asLogEnvelope, eventually, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { ProjectorModule } from '../projector.module';

// Redelivery on the real broker and server: the projector is stopped mid-stream, the group's
// Kafka offsets are reset to the log start, and it starts again. Every event is in the read model
// exactly once.
describe('projector redelivery', () => {
  let ctx: TestContext;
  const total = 3000;

  beforeAll(async () => {
    ctx = await createTestContext();
    const events = Array.from(
      { length: total },
      (_, i) => asLogEnvelope(statementMade({ actors: [{ actorId: `party-${i % 40}` }], proposalId: undefined }, { text: `statement ${i}` })) as EventEnvelope,
    );
    for (let i = 0; i < total; i += 500) await ctx.log.append(ctx.topics.events, events.slice(i, i + 500).map(encodeEvent));
  });

  afterAll(async () => ctx?.close());

  const count = async (sql: string) => Number((await ctx.pool.query(sql)).rows[0].n);

  it('applies each event exactly once across a stop, a reset of the Kafka group and a restart', async () => {
    const first = await startTestApp(ctx, [ProjectorModule]);
    await eventually(async () => ((await count('SELECT count(*) AS n FROM ledger.journal')) > 0 ? true : undefined), 20_000, 5);
    await first.close();
    const midway = await count('SELECT count(*) AS n FROM ledger.journal');
    expect(midway).toBeGreaterThan(0);

    await ctx.log.resetGroupOffsets(ctx.config.LEDGER_PROJECTOR_GROUP, ctx.topics.events);
    const second = await startTestApp(ctx, [ProjectorModule]);
    try {
      await eventually(async () => ((await count('SELECT count(*) AS n FROM ledger.journal')) === total ? true : undefined), 60_000, 50);
    } finally {
      await second.close();
    }
    expect(await count('SELECT count(*) AS n FROM read_model.statements_v1')).toBe(total);
    expect(await count(`SELECT count(DISTINCT event_id) AS n FROM ledger.journal WHERE disposition = 'applied'`)).toBe(total);
    expect(await count(`SELECT count(*) AS n FROM ledger.journal WHERE disposition <> 'applied'`)).toBe(0);
    expect(Number(await consumedCount(ctx.pool))).toBe(total);
  });
});
