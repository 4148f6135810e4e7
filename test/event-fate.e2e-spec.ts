import { encodeEvent, EventEnvelope } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { asLogEnvelope, createTestContext, eventually, http, startTestApp, statementMade, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';

// A publisher sees the fate of its own events on the ingest API it publishes to: the status (with any
// later record under the same id that was refused as a conflict) and a paged list of its rejections.
describe("a publisher's events and their fate, on the ingest API", () => {
  let ctx: TestContext;
  let apps: { url: string; close(): Promise<void> }[];
  let token: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    token = (await new TokenStore(ctx.pool).create({ name: 'desk-a', publisher: 'desk-a', scopes: ['publish'] })).token;
    apps = [await startTestApp(ctx, [IngestApiModule]), await startTestApp(ctx, [ProjectorModule])];
  });

  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await ctx?.close();
  });

  const ingest = () => apps[0].url;
  const record = (value: string, source: string) => ({ key: 'k', value: Buffer.from(value), headers: { ce_source: `/publishers/${source}` } });

  it('shows an id conflict refused after the first event was applied, and lists the publisher’s rejections page by page', async () => {
    const body = statementMade();
    expect((await http('POST', `${ingest()}/v1/events`, { json: body, token })).status).toBe(202);
    // The same id with other content, straight onto the log, as a second writer would.
    const clash = asLogEnvelope({ ...body, data: { ...body.data, text: 'Another text under the same id.' } }, 'desk-a') as EventEnvelope;
    await ctx.log.append(ctx.topics.events, [encodeEvent(clash)]);
    await ctx.log.append(ctx.topics.events, [record('{not json', 'desk-a'), record('{not json either', 'desk-b')]);

    const status = await eventually(async () => {
      const res = await http('GET', `${ingest()}/v1/events/${body.eventId}`, { token });
      return res.body.conflicts?.length ? res.body : undefined;
    }, 20_000);
    expect(status).toMatchObject({ status: 'applied', conflicts: [{ eventId: body.eventId, reason: 'event.id_conflict' }] });

    const all = await eventually(async () => {
      const res = await http('GET', `${ingest()}/v1/rejections`, { token });
      return res.body.items?.length === 2 ? res.body : undefined;
    }, 20_000);
    expect(all.items.map((r: { reason: string }) => r.reason).sort()).toEqual(['event.id_conflict', 'message.undecodable']);
    expect(all.nextCursor).toBeUndefined();

    const first = await http('GET', `${ingest()}/v1/rejections?limit=1`, { token });
    expect(first.body.items).toHaveLength(1);
    const second = await http('GET', `${ingest()}/v1/rejections?limit=1&cursor=${first.body.nextCursor}`, { token });
    expect([...first.body.items, ...second.body.items]).toEqual(all.items);
    expect(second.body.nextCursor).toBeUndefined();

    const forged = await http('GET', `${ingest()}/v1/rejections?cursor=bm90LWEtY3Vyc29y`, { token });
    expect([forged.status, forged.body.code]).toEqual([400, 'query.invalid_cursor']);
  });
});
