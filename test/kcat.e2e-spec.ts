import { existsSync } from 'node:fs';
import { LEDGER_TOPIC_PARTITIONS, partitionForKey, subjectKey } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { asLogEnvelope, createTestContext, eventually, http, runTool, startTestApp, statementMade, TestContext } from '@ledger/testing';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const KCAT = '/usr/bin/kcat';

/** Produces one record with kcat, following docs/publishing.md (murmur2 partitioner, 8 MiB values, CloudEvents headers). */
function kcat(brokers: string[], topic: string, key: string, value: string, headers: Record<string, string>): Promise<string> {
  const args = ['-P', '-b', brokers.join(','), '-t', topic, '-k', key, '-X', 'topic.partitioner=murmur2_random', '-X', 'message.max.bytes=8388608'];
  for (const [name, v] of Object.entries(headers)) args.push('-H', `${name}=${v}`);
  return runTool(KCAT, args, value + '\n');
}

// A service team publishing straight to Kafka with kcat, as docs/publishing.md says: a valid event is
// applied on the partition an HTTP publish would have used; a poison record is dead-lettered with its
// reason and the partition moves on.
describe('publishing with kcat (docs/publishing.md)', () => {
  let ctx: TestContext;
  let apps: { url: string; close(): Promise<void> }[];
  let readToken: string;

  beforeAll(async () => {
    if (!existsSync(KCAT)) throw new Error(`${KCAT} not found: this test needs Debian's kcat (apt-get install -y kcat; .ci/run installs it)`);
    ctx = await createTestContext();
    readToken = (await new TokenStore(ctx.pool).create({ name: 'dashboard', scopes: ['read'] })).token;
    apps = [await startTestApp(ctx, [ProjectorModule]), await startTestApp(ctx, [QueryApiModule])];
  });

  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await ctx?.close();
  });

  it('applies a valid envelope on the partition the murmur2 key gives, and dead-letters a poison record', async () => {
    const event = asLogEnvelope(statementMade(), 'analysis-desk');
    delete event.data.topics; // optional lists may be left out
    const key = subjectKey(event as never);
    await kcat(ctx.brokers, ctx.topics.events, key, JSON.stringify(event), {
      ce_specversion: '1.0',
      ce_id: event.eventId,
      ce_type: event.type,
      ce_source: '/publishers/analysis-desk',
      'content-type': 'application/json',
    });
    const poisonId = '7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
    await kcat(ctx.brokers, ctx.topics.events, key, '{"type": "StatementMade", not json', { ce_id: poisonId, ce_type: 'StatementMade' });

    const applied = await eventually(async () => {
      const res = await http('GET', `${apps[1].url}/v1/events/${event.eventId}`, { token: readToken });
      return res.body.status === 'applied' ? res.body : undefined;
    }, 20_000);
    expect(applied.partition).toBe(partitionForKey(key, LEDGER_TOPIC_PARTITIONS));

    const rejected = await eventually(async () => {
      const res = await http('GET', `${apps[1].url}/v1/events/${poisonId}`, { token: readToken });
      return res.body.status === 'rejected' ? res.body : undefined;
    }, 20_000);
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'message.undecodable' });
    const dlq = await eventually(async () => {
      const bounds = await ctx.log.bounds(ctx.topics.dlq);
      const total = bounds.reduce((n, b) => n + Number(b.high) - Number(b.low), 0);
      return total >= 1 ? total : undefined;
    }, 20_000);
    expect(dlq).toBe(1);
  });
});
