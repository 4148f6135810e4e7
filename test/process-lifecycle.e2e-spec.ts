import { randomBytes } from 'node:crypto';
import { DEFAULT_TOPICS } from '@ledger/contracts';
import { eventually, http, runCommand, RunningProcess, startProcess, statementMade, createTestContext, TestContext } from '@ledger/testing';

const INGEST = 'apps/ingest-api/src/main.js';
const PROJECTOR = 'apps/projector/src/main.js';

interface Acked {
  eventId: string;
  partition: number;
  offset: string;
}

/** The JSON log lines a process wrote so far (anything else it printed is skipped). */
function logLines(p: RunningProcess): Record<string, any>[] {
  return p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

// The built apps as real processes, the way an orchestrator runs them: a bad setting stops the
// boot; SIGTERM in the middle of traffic ends with exit 0 and nothing acknowledged is lost.
describe('the built apps as processes', () => {
  let ctx: TestContext;
  let env: Record<string, string>;
  const token = `sl_${randomBytes(24).toString('base64url')}`;
  const running: RunningProcess[] = [];

  const start = async (entry: string): Promise<{ process: RunningProcess; url: string }> => {
    const p = startProcess(entry, [], env);
    running.push(p);
    const url = await eventually(
      async () => {
        const line = logLines(p).find((l) => typeof l.msg === 'string' && l.msg.startsWith('listening on '));
        return line ? String(line.msg).slice('listening on '.length).replace('[::1]', '127.0.0.1') : undefined;
      },
      30_000,
      50,
    ).catch((e: Error) => {
      throw new Error(`${entry} did not start: ${e.message}\n${p.output()}`);
    });
    await eventually(async () => ((await http('GET', `${url}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
    return { process: p, url };
  };

  /** SIGTERM; answers the exit code, and shows the process's last lines when it is not 0. */
  const stop = async (p: RunningProcess): Promise<number | string> => {
    p.child.kill('SIGTERM');
    const code = await p.exited;
    if (code !== 0)
      process.stderr.write(
        `exit ${code}; last output:\n${p
          .output()
          .split('\n')
          .filter((l) => !l.includes('"msg":"request"'))
          .slice(-20)
          .join('\n')}\n`,
      );
    return code;
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    env = {
      DATABASE_URL: ctx.databaseUrl,
      KAFKA_BROKERS: ctx.brokers.join(','),
      LEDGER_PROJECTOR_GROUP: ctx.config.LEDGER_PROJECTOR_GROUP,
      LEDGER_BOOTSTRAP_TOKEN: token,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    // The built apps use the contract topic, shared by every test that runs them. The projector
    // starts at its present end (its stored offsets), so it does not replay other tests' events.
    await ctx.log.ensureTopics(DEFAULT_TOPICS);
    for (const b of await ctx.log.bounds(DEFAULT_TOPICS.events)) {
      await ctx.pool.query(`INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)`, [
        ctx.config.LEDGER_PROJECTOR_GROUP,
        DEFAULT_TOPICS.events,
        b.partition,
        b.high,
      ]);
    }
  });

  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await ctx?.close();
  });

  it('exits 1 at boot on an invalid setting, naming the variable', async () => {
    const { code, output } = await runCommand(INGEST, [], { PORT: 'notaport' });
    expect(code).toBe(1);
    expect(output).toContain('PORT="notaport"');
    expect(output).toContain('Invalid configuration');
  });

  it('on SIGTERM under load: exits 0, and every acknowledged event is applied exactly once', async () => {
    const ingest = await start(INGEST);
    let projector = await start(PROJECTOR);

    const acked: Acked[] = [];
    const unexpected: string[] = [];
    let stopped = false;
    const publisher = async (n: number) => {
      for (let i = 0; !stopped; i++) {
        const event = statementMade({ actors: [{ actorId: `party-${n}-${i % 5}` }], proposalId: undefined }, { text: `load ${n}/${i}` });
        try {
          const res = await http('POST', `${ingest.url}/v1/events`, { json: event, token, headers: { 'x-correlation-id': `load-${n}` } });
          if (res.status === 202) acked.push({ eventId: event.eventId, partition: res.body.partition, offset: res.body.offset });
          else if (res.status === 503)
            return; // closing: refused, the publisher would retry elsewhere
          else unexpected.push(`${res.status} ${JSON.stringify(res.body)}`);
        } catch {
          return; // connection refused or closed: the server is gone
        }
      }
    };
    const publishers = [0, 1, 2].map(publisher);

    await eventually(async () => (acked.length >= 30 ? true : undefined), 30_000, 20);
    expect(await stop(projector.process)).toBe(0);
    projector = await start(PROJECTOR);

    const before = acked.length;
    await eventually(async () => (acked.length >= before + 30 ? true : undefined), 30_000, 20);
    expect(await stop(ingest.process)).toBe(0);
    stopped = true;
    await Promise.all(publishers);
    expect(unexpected).toEqual([]);

    const ids = acked.map((a) => a.eventId);
    const applied = async () =>
      (await ctx.pool.query(`SELECT event_id, disposition FROM ledger.journal WHERE event_id = ANY($1::uuid[])`, [ids])).rows as { event_id: string; disposition: string }[];
    const rows = await eventually(
      async () => {
        const found = await applied();
        return found.length >= ids.length ? found : undefined;
      },
      60_000,
      200,
    );
    expect(rows.filter((r) => r.disposition === 'applied').length).toBe(ids.length);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(ids.length);

    expect(await stop(projector.process)).toBe(0);
    expect(logLines(projector.process).some((l) => l.msg === 'stopped')).toBe(true);

    // One JSON line per request, with its ids; the bearer token appears nowhere.
    const requests = logLines(ingest.process).filter((l) => l.msg === 'request' && l.route === '/v1/events');
    expect(requests.length).toBeGreaterThanOrEqual(acked.length);
    expect(requests[0]).toMatchObject({
      level: 'info',
      service: 'ingest-api',
      method: 'POST',
      status: 202,
      requestId: expect.any(String),
      correlationId: expect.stringMatching(/^load-\d$/),
    });
    expect(ingest.process.output()).not.toContain(token);
  }, 180_000);
});
