import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { encodeEvent, EventEnvelope } from '@ledger/contracts';
import { createPool } from '@ledger/postgres';
import { TokenStore, Checkpoint } from '@ledger/ledger-store';
import { checkpointValid, loadSigningKey, signingKeyFile, recordVerification, verifyLedger, VerifyReport } from '@ledger/audit';
import {
  asLogEnvelope,
  createTestDatabase,
  eventually,
  http,
  runCommand,
  seedEnvelopes,
  startProcess,
  statementMade,
  createTestContext,
  startTestApp,
  TestContext,
} from '@ledger/testing';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

// Tamper evidence on the real broker and server: the projector journals the seed, a poison
// record and more statements; then the journal, a read model and a checkpoint are altered and
// `verify` names each alteration precisely.
describe('ledger verify', () => {
  let ctx: TestContext;
  let total = 0;
  const verify = async (): Promise<VerifyReport> => {
    const key = await loadSigningKey(signingKeyFile(ctx.config));
    return verifyLedger({ pool: ctx.pool, log: ctx.log, topic: ctx.topics.events, group: ctx.config.LEDGER_PROJECTOR_GROUP, publicKeyPem: key.publicKeyPem, keyId: key.keyId });
  };
  const row = async (sql: string, params: unknown[] = []) => (await ctx.pool.query(sql, params)).rows[0];

  beforeAll(async () => {
    ctx = await createTestContext({ LEDGER_CHECKPOINT_EVERY: 20 });
    const events = [...seedEnvelopes(), ...Array.from({ length: 60 }, (_, i) => asLogEnvelope(statementMade({}, { text: `statement ${i}` })) as EventEnvelope)];
    await ctx.log.append(ctx.topics.events, events.slice(0, 30).map(encodeEvent));
    await ctx.log.append(ctx.topics.events, [{ key: 'poison', value: Buffer.from('{"not":"an event"'), headers: {} }]);
    await ctx.log.append(ctx.topics.events, events.slice(30).map(encodeEvent));
    total = events.length + 1;
    const projector = await startTestApp(ctx, [ProjectorModule]);
    await eventually(async () => ((await row('SELECT count(*)::int AS n FROM ledger.journal')).n === total ? true : undefined), 30_000);
    await projector.close(); // signs the final chain heads
  });

  afterAll(async () => ctx?.close());

  it('passes on an untouched ledger, with signed checkpoints', async () => {
    const report = await verify();
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.partitions.reduce((n, p) => n + p.records, 0)).toBe(total);
    expect(report.checkpoints.checked).toBeGreaterThan(1);
    expect(report.checkpoints.valid).toBe(report.checkpoints.checked);
    expect(report.readModels.differing).toEqual([]);
  });

  it('serves the journal, the checkpoints with the public key, and the latest verification to audit tokens', async () => {
    const tokens = new TokenStore(ctx.pool);
    const audit = (await tokens.create({ name: 'auditor', scopes: ['audit'] })).token;
    const read = (await tokens.create({ name: 'dashboard', scopes: ['read'] })).token;
    const query = await startTestApp(ctx, [QueryApiModule]);
    try {
      expect((await http('GET', `${query.url}/v1/audit/log`, { token: read })).status).toBe(403);
      expect((await http('GET', `${query.url}/v1/audit/verify`, { token: audit })).body.code).toBe('verify.none_yet');
      const page = await http('GET', `${query.url}/v1/audit/log?partition=0&limit=5`, { token: audit });
      expect(page.status).toBe(200);
      expect(page.body.items[0]).toMatchObject({ partition: 0, offset: '0', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const checkpoints = await http('GET', `${query.url}/v1/audit/checkpoints`, { token: audit });
      expect(checkpoints.body.publicKey).toContain('BEGIN PUBLIC KEY');
      expect(checkpoints.body.items.length).toBeGreaterThan(0);
      expect(checkpoints.body.items.every((c: Checkpoint) => checkpointValid(c, checkpoints.body.publicKey))).toBe(true);
      await recordVerification(ctx.pool, await verify());
      expect((await http('GET', `${query.url}/v1/audit/verify`, { token: audit })).body).toMatchObject({ ok: true, mismatches: [] });
    } finally {
      await query.close();
    }
  });

  it('names an edited journal row', async () => {
    const target = await row(
      `SELECT j.partition, j."offset"::text AS offset, j.event_id, j.envelope FROM ledger.journal j WHERE j.type = 'StatementMade' ORDER BY j.partition, j."offset" LIMIT 1`,
    );
    await ctx.pool.query(`UPDATE ledger.journal SET envelope = jsonb_set(envelope, '{data,text}', '"something never said"') WHERE partition = $1 AND "offset" = $2`, [
      target.partition,
      target.offset,
    ]);
    try {
      const first = (await verify()).mismatches[0];
      expect(first).toMatchObject({ check: 'journal-content', partition: target.partition, offset: target.offset, eventId: target.event_id });
    } finally {
      await ctx.pool.query(`UPDATE ledger.journal SET envelope = $3 WHERE partition = $1 AND "offset" = $2`, [target.partition, target.offset, target.envelope]);
    }
  });

  it('names a deleted journal row', async () => {
    const target = await row(`SELECT * FROM ledger.journal WHERE type = 'StatementMade' ORDER BY partition DESC, "offset" DESC LIMIT 1`);
    await ctx.pool.query(`DELETE FROM ledger.journal WHERE partition = $1 AND "offset" = $2`, [target.partition, target.offset]);
    try {
      expect((await verify()).mismatches[0]).toMatchObject({ check: 'journal-missing', partition: target.partition, offset: String(target.offset) });
    } finally {
      await ctx.pool.query(`INSERT INTO ledger.journal SELECT * FROM jsonb_populate_record(null::ledger.journal, $1::jsonb)`, [
        JSON.stringify({ ...target, hash: '\\x' + (target.hash as Buffer).toString('hex') }),
      ]);
    }
  });

  it('names two swapped journal rows', async () => {
    const [a, b] = (
      await ctx.pool.query(
        `SELECT partition, "offset"::text AS offset, envelope, hash, event_id FROM ledger.journal WHERE type = 'StatementMade' AND partition = (SELECT partition FROM ledger.journal WHERE type = 'StatementMade' GROUP BY partition ORDER BY count(*) DESC LIMIT 1) ORDER BY journal."offset" LIMIT 2`,
      )
    ).rows;
    const swap = async (x: typeof a, y: typeof a) =>
      ctx.pool.query(`UPDATE ledger.journal SET envelope = $3, hash = $4 WHERE partition = $1 AND "offset" = $2`, [x.partition, x.offset, y.envelope, y.hash]);
    await swap(a, b);
    await swap(b, a);
    try {
      const report = await verify();
      expect(report.mismatches[0]).toMatchObject({ partition: a.partition, offset: a.offset, eventId: a.event_id });
      expect(report.mismatches.filter((m) => m.offset === a.offset).map((m) => m.check)).toEqual(['journal-content', 'log-chain']);
      expect(report.mismatches.filter((m) => m.offset === b.offset).map((m) => m.check)).toContain('log-chain');
    } finally {
      await swap(a, a);
      await swap(b, b);
    }
  });

  it('names a tampered read model by table and row', async () => {
    await ctx.pool.query(`UPDATE read_model.party_positions_v1 SET category = 'REJECTED', score = -1 WHERE party = 'RUS'`);
    try {
      const report = await verify();
      expect(report.readModels.differing).toEqual(['party_positions_v1']);
      expect(report.mismatches[0]).toMatchObject({ check: 'read-model', table: 'party_positions_v1' });
      expect(report.mismatches[0].detail).toContain('RUS');
    } finally {
      await ctx.pool.query(`UPDATE read_model.party_positions_v1 SET category = 'CONDITIONAL', score = 0.1 WHERE party = 'RUS'`);
    }
  });

  it('refuses a checkpoint whose signed heads were altered', async () => {
    const c = await row(`SELECT id, heads FROM ledger.checkpoints ORDER BY id DESC LIMIT 1`);
    const forged = c.heads.map((h: { hash: string }, i: number) => (i === 0 ? { ...h, hash: '00'.repeat(32) } : h));
    await ctx.pool.query(`UPDATE ledger.checkpoints SET heads = $2 WHERE id = $1`, [c.id, JSON.stringify(forged)]);
    try {
      expect((await verify()).mismatches[0]).toMatchObject({ check: 'checkpoint' });
    } finally {
      await ctx.pool.query(`UPDATE ledger.checkpoints SET heads = $2 WHERE id = $1`, [c.id, JSON.stringify(c.heads)]);
    }
    expect((await verify()).ok).toBe(true);
  });
});

// The command line, on a single-machine ledger (embedded log): exit 0 when intact, 1 with the
// first mismatch named when not.
describe('ledger verify (the command)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  const env = () => ({ DATABASE_URL: db.url, KAFKA_BROKERS: undefined, LEDGER_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error' });
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-verify-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    const server = startProcess('apps/ledger-cli/src/main.js', ['start'], env());
    await eventually(async () => (server.output().includes('Statement Ledger is running') ? true : undefined), 60_000);
    await eventually(
      async () => (Number((await pool.query(`SELECT count(*) AS n FROM ledger.journal`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n) === 29 ? true : undefined),
      30_000,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('does not call the ledger verified when no signature could be checked, unless --allow-unsigned; checks them with only the public key', async () => {
    const noKey = { ...env(), LEDGER_SIGNING_KEY_FILE: join(dataDir, 'absent.pem') };
    const unsigned = await runCommand('apps/ledger-cli/src/main.js', ['verify'], noKey);
    expect(unsigned.output).toContain('NOT PROVEN: 29 records');
    expect(unsigned.output).toContain('signatures not checked');
    expect(unsigned.code).toBe(2);
    const allowed = await runCommand('apps/ledger-cli/src/main.js', ['verify', '--allow-unsigned'], noKey);
    expect(allowed.output).toContain('OK (UNSIGNED): 29 records');
    expect(allowed.code).toBe(0);
    const pub = join(dataDir, 'ledger.pub');
    writeFileSync(pub, (await loadSigningKey(join(dataDir, 'signing-key.pem'))).publicKeyPem);
    const checked = await runCommand('apps/ledger-cli/src/main.js', ['verify', '--public-key', pub], noKey);
    expect(checked.output).toMatch(/^OK: 29 records/m);
    expect(checked.output).toMatch(/checkpoints {2}(\d+)\/\1 valid/);
    expect(checked.code).toBe(0);
    const refused = await runCommand('apps/ledger-cli/src/main.js', ['verify', '--public-key', join(dataDir, 'signing-key.pem')], noKey);
    expect(refused.output).toContain('holds a private key');
    expect(refused.code).toBe(1);
  }, 120_000);

  it('exits 0 on an intact ledger and 1 naming the first mismatch', async () => {
    const ok = await runCommand('apps/ledger-cli/src/main.js', ['verify'], env());
    expect(ok.output).toContain('OK: 29 records');
    expect(ok.code).toBe(0);
    const target = (await pool.query(`SELECT j.partition, j."offset"::text AS offset, j.event_id FROM ledger.journal j ORDER BY j.partition, j."offset" LIMIT 1`)).rows[0];
    await pool.query(`UPDATE ledger.journal SET envelope = jsonb_set(envelope, '{reportedAt}', '"2030-01-01T00:00:00Z"') WHERE partition = $1 AND "offset" = $2`, [
      target.partition,
      target.offset,
    ]);
    const bad = await runCommand('apps/ledger-cli/src/main.js', ['verify'], env());
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(`first mismatch (journal-content) at partition ${target.partition}, offset ${target.offset}, event ${target.event_id}`);
    const latest = (await pool.query(`SELECT ok FROM ledger.verifications ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(latest.ok).toBe(false);
  }, 120_000);

  it('replays into a frozen copy and, by default, switches the live read models over', async () => {
    const frozen = await runCommand('apps/ledger-cli/src/main.js', ['replay', '--known-at', '2000-01-01T00:00:00Z', '--json'], env());
    expect(frozen.output).not.toContain('error');
    expect(frozen.code).toBe(0);
    expect(JSON.parse(frozen.output)).toMatchObject({ schema: 'read_model_at_20000101_000000_000', events: 0, switched: false });
    const live = await runCommand('apps/ledger-cli/src/main.js', ['replay', '--json'], env());
    expect(live.code).toBe(0);
    expect(JSON.parse(live.output)).toMatchObject({ schema: 'read_model', events: 29, switched: true });
    const rus = (await pool.query(`SELECT category FROM read_model.party_positions_v1 WHERE party = 'RUS'`)).rows;
    expect(rus).toEqual([{ category: 'CONDITIONAL' }]);
  }, 120_000);

  it("exports a party's events with their hashes and its position history", async () => {
    const out = await runCommand('apps/ledger-cli/src/main.js', ['export', '--party', 'RUS'], env());
    expect(out.code).toBe(0);
    const lines = out.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kind: 'export', party: 'RUS' });
    const events = lines.filter((l) => l.kind === 'event');
    expect(events.map((e) => e.type)).toContain('ProposalAcceptedConditionally');
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    const position = lines.find((l) => l.kind === 'position');
    expect(position.steps.map((s: { category: string }) => s.category)).toEqual(['CONDITIONAL']);
  }, 60_000);
});
