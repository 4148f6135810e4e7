import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, REPO_ROOT, runCommand, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const P1 = 'us-30-day-ceasefire-2025';

// The seed article, coded as events in data/samples, published with `ledger import` through the
// ingest API and read back through the query API only (DOMAIN.md §5).
describe('the seed case, through HTTP only', () => {
  let ctx: TestContext;
  let ingest: { url: string; close(): Promise<void> };
  let others: { url: string; close(): Promise<void> }[];
  let query: { url: string };
  let read: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tokens = new TokenStore(ctx.pool);
    const publish = (await tokens.create({ name: 'seed-desk', scopes: ['publish'] })).token;
    read = (await tokens.create({ name: 'analyst', scopes: ['read'] })).token;
    ingest = await startTestApp(ctx, [IngestApiModule]);
    others = [await startTestApp(ctx, [ProjectorModule]), await startTestApp(ctx, [QueryApiModule])];
    query = others[1];
    const file = join(REPO_ROOT, 'data', 'samples', 'ceasefire-talks-2025-03.ndjson');
    const imported = await runCommand('apps/ledger-cli/src/main.js', ['import', file, '--url', ingest.url, '--token', publish, '--json'], { DATABASE_URL: ctx.databaseUrl });
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.output)).toMatchObject({ accepted: 29, duplicate: 0 });
    // Every event of the file applied (journal and read models commit together), not merely the
    // first that gives three stances: the projector may take the file in several batches.
    const ids = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line).eventId as string);
    await eventually(async () => {
      for (const id of ids) if ((await http('GET', `${query.url}/v1/events/${id}`, { token: read })).body.status !== 'applied') return undefined;
      return true;
    }, 20_000);
  }, 120_000);

  afterAll(async () => {
    for (const app of [ingest, ...(others ?? [])]) await app?.close();
    await ctx?.close();
  });

  it('shows USA PROPOSER, UKR ACCEPTED and RUS CONDITIONAL with 4 open conditions (0.1)', async () => {
    const proposal = await http('GET', `${query.url}/v1/proposals/${P1}`, { token: read });
    expect(proposal.status).toBe(200);
    expect(proposal.body).toMatchObject({ id: P1, kind: 'ceasefire', proposer: 'USA', durationDays: 30 });
    const stance = (party: string) => proposal.body.stances.find((s: { party: string }) => s.party === party);
    expect(stance('USA')).toMatchObject({ category: 'PROPOSER', score: 1 });
    expect(stance('UKR')).toMatchObject({ category: 'ACCEPTED', score: 1 });
    expect(stance('RUS')).toMatchObject({ category: 'CONDITIONAL', score: 0.1, openConditions: 4 });
    expect(
      stance('RUS')
        .conditions.map((c: { conditionId: string }) => c.conditionId)
        .sort(),
    ).toEqual(['rus-front-line-supervision', 'rus-kursk-withdrawal', 'rus-no-rearmament', 'rus-root-causes']);
    expect(stance('RUS').basis).toMatchObject({ type: 'ProposalAcceptedConditionally', quote: 'Who will determine where and who violated the ceasefire?' });
  });

  it('has one armed sanction threat, USA against RUS, triggered by RUS rejecting the proposal', async () => {
    const threats = await http('GET', `${query.url}/v1/threats`, { token: read });
    expect(threats.body.items).toHaveLength(1);
    expect(threats.body.items[0]).toMatchObject({ by: 'USA', against: ['RUS'], status: 'armed', trigger: { party: 'RUS', eventType: 'ProposalRejected', proposalId: P1 } });
  });

  it("moves UKR's lean with Zelensky's accusation, not its category", async () => {
    const ukr = await http('GET', `${query.url}/v1/positions?party=UKR&proposal=${P1}&asOf=2025-03-14`, { token: read });
    expect(ukr.body).toMatchObject({ category: 'ACCEPTED', lean: -0.2 });
  });

  it('importing the same file again changes nothing', async () => {
    const file = join(REPO_ROOT, 'data', 'samples', 'ceasefire-talks-2025-03.ndjson');
    const token = (await new TokenStore(ctx.pool).create({ name: 'second-desk', scopes: ['publish'] })).token;
    const again = await runCommand('apps/ledger-cli/src/main.js', ['import', file, '--url', ingest.url, '--token', token, '--json'], { DATABASE_URL: ctx.databaseUrl });
    expect(JSON.parse(again.output)).toMatchObject({ accepted: 0, duplicate: 29 });
  });
});
