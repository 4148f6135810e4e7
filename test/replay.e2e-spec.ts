import { PoolClient } from 'pg';
import { encodeEvent, EventEnvelope } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { createReadSchema, foldJournalInto, readModelDigest, replayAndSwitch, replayFrozen } from '@ledger/audit';
import { asLogEnvelope, eventually, http, seedEnvelopes, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const P1 = 'us-30-day-ceasefire-2025';

// Replays on the real broker and server: a live rebuild switched in under traffic, and a frozen
// copy as of a past record time.
describe('ledger replay', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  let token: string;
  const count = async (sql: string) => Number((await ctx.pool.query(sql)).rows[0].n);

  beforeAll(async () => {
    ctx = await createTestContext();
    token = (await new TokenStore(ctx.pool).create({ name: 'replay-test', scopes: ['admin'], ratePerSec: 100_000 })).token;
    app = await startTestApp(ctx, [IngestApiModule, ProjectorModule, QueryApiModule]);
    await ctx.log.append(ctx.topics.events, seedEnvelopes().map(encodeEvent));
    await eventually(async () => ((await count(`SELECT count(*) AS n FROM ledger.journal`)) === 29 ? true : undefined), 30_000);
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  /** A fresh fold of the journal, compared in one snapshot with the live read models. */
  const liveEqualsFreshFold = async (): Promise<void> => {
    const client: PoolClient = await ctx.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const live = await readModelDigest(client, 'read_model');
      await createReadSchema(client, 'scratch_fold');
      await foldJournalInto(client, 'scratch_fold');
      expect(await readModelDigest(client, 'scratch_fold')).toEqual(live);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };

  it('rebuilds and switches over during live traffic: identical read models, no failed query', async () => {
    let running = true;
    const failures: string[] = [];
    let published = 0;
    let queried = 0;
    const publisher = (async () => {
      while (running) {
        const res = await http('POST', `${app.url}/v1/events`, { json: statementMade({}, { text: `live statement ${published}` }), token });
        if (res.status === 202) published++;
        else failures.push(`publish ${res.status}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const reader = (async () => {
      while (running) {
        for (const path of [`/v1/positions?party=RUS&proposal=${P1}`, `/v1/statements?party=USA&limit=5`, `/v1/positions/history?party=UKR&proposal=${P1}`]) {
          const res = await http('GET', `${app.url}${path}`, { token });
          queried++;
          if (res.status !== 200) failures.push(`${path} ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }
    })();
    await eventually(async () => (published > 20 ? true : undefined), 20_000);
    const result = await replayAndSwitch(ctx.pool);
    expect(result.switched).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all([publisher, reader]);
    expect(failures).toEqual([]);
    expect(queried).toBeGreaterThan(10);
    await eventually(async () => ((await count(`SELECT count(*) AS n FROM read_model.statements_v1`)) === published + 2 ? true : undefined), 20_000).catch(async (e) => {
      throw new Error(
        `${e.message}: ${published} published, ${await count(`SELECT count(*) AS n FROM read_model.statements_v1`)} statements, ${await count(`SELECT count(*) AS n FROM ledger.journal`)} journal`,
      );
    });
    await liveEqualsFreshFold();
    const rus = await http('GET', `${app.url}/v1/positions?party=RUS&proposal=${P1}`, { token });
    expect(rus.body).toMatchObject({ category: 'CONDITIONAL', openConditions: 4, score: 0.1 });
  });

  it('builds a frozen copy as of a past record time, leaving the live models untouched', async () => {
    const before = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const rejection = asLogEnvelope({
      eventId: 'f3b2a1c0-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
      type: 'ProposalRejected',
      schemaVersion: 1,
      occurredAt: '2025-03-20',
      actors: [{ actorId: 'putin', capacity: 'head_of_state' }],
      proposalId: P1,
      data: { reasons: ['The conditions were not met'] },
    }) as EventEnvelope;
    await ctx.log.append(ctx.topics.events, [encodeEvent(rejection)]);
    await eventually(async () => ((await http('GET', `${app.url}/v1/positions?party=RUS&proposal=${P1}`, { token })).body.category === 'REJECTED' ? true : undefined));
    const live = await readModelDigest(ctx.pool, 'read_model');

    const frozen = await replayFrozen(ctx.pool, 'read_model_at_test', { knownAt: before });
    const rows = (await ctx.pool.query(`SELECT category, open_conditions FROM read_model_at_test.party_positions_v1 WHERE party = 'RUS' AND proposal_id = $1`, [P1])).rows;
    expect(rows).toEqual([{ category: 'CONDITIONAL', open_conditions: 4 }]);
    const knownThen = await count(`SELECT count(*) AS n FROM ledger.journal WHERE disposition = 'applied' AND recorded_at <= '${before.toISOString()}'`);
    const all = await count(`SELECT count(*) AS n FROM ledger.journal WHERE disposition = 'applied'`);
    expect([frozen.events, all]).toEqual([knownThen, knownThen + 1]);
    expect(await readModelDigest(ctx.pool, 'read_model')).toEqual(live);
    const threat = (await ctx.pool.query(`SELECT triggered_by FROM read_model_at_test.threats_v1`)).rows;
    const liveThreat = (await ctx.pool.query(`SELECT triggered_by FROM read_model.threats_v1`)).rows;
    expect(threat).toEqual([{ triggered_by: null }]);
    expect(liveThreat).toEqual([{ triggered_by: rejection.eventId }]);
  });
});
