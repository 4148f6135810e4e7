import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainHash, encodeEvent, envelopeBytes, EventEnvelope } from '@ledger/contracts';
import { asLogEnvelope, createTestContext, eventually, runCommand, seedEnvelopes, startTestApp, statementMade, TestContext } from '@ledger/testing';
import { ProjectorModule } from '../apps/projector/src/projector.module';

// The auditor's workflow on real Kafka and PostgreSQL: the projector signs its chain heads on a
// short interval (no 1,000 records needed); the auditor gets the public key, exports a party and
// checks the file offline with only that key. One altered line is named; a file that cannot be
// checked against a signature is not called verified.
describe('offline verification with only the public key', () => {
  let ctx: TestContext;
  let total = 0;
  const dir = mkdtempSync(join(tmpdir(), 'ledger-auditor-'));
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCommand('apps/ledger-cli/src/main.js', args, { DATABASE_URL: ctx.databaseUrl, KAFKA_BROKERS: undefined, LEDGER_DATA_DIR: dir, LOG_LEVEL: 'error', ...env });
  const ndjson = (output: string) => output.split('\n').filter((l) => l.startsWith('{'));
  const write = (name: string, lines: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  let exported: string[] = [];
  let publicKey = '';

  beforeAll(async () => {
    ctx = await createTestContext({ LEDGER_CHECKPOINT_EVERY: 1_000_000, LEDGER_CHECKPOINT_INTERVAL_MS: 500 });
    const events = [...seedEnvelopes(), ...Array.from({ length: 20 }, (_, i) => asLogEnvelope(statementMade({}, { text: `statement ${i}` })) as EventEnvelope)];
    await ctx.log.append(ctx.topics.events, events.map(encodeEvent));
    total = events.length;
  }, 60_000);

  afterAll(async () => ctx?.close());

  it('signs the chain heads on an interval, long before LEDGER_CHECKPOINT_EVERY records, while the projector runs', async () => {
    const projector = await startTestApp(ctx, [ProjectorModule]);
    try {
      const signed = await eventually(async () => {
        const { rows } = await ctx.pool.query(`SELECT heads FROM ledger.checkpoints ORDER BY id DESC LIMIT 1`);
        const covered = rows[0]?.heads.reduce((n: number, h: { nextOffset: string }) => n + Number(h.nextOffset), 0);
        return covered === total ? rows[0] : undefined;
      }, 30_000);
      expect(signed.heads.length).toBeGreaterThan(0);
    } finally {
      await projector.close();
    }
  }, 60_000);

  it('gives the auditor the public key from the database, without the private key file', async () => {
    const out = await cli(['public-key']);
    expect(out.code).toBe(0);
    publicKey = out.output.slice(out.output.indexOf('-----BEGIN PUBLIC KEY-----'), out.output.indexOf('-----END PUBLIC KEY-----') + 24) + '\n';
    expect(publicKey).toContain('BEGIN PUBLIC KEY');
    expect(out.output).not.toContain('PRIVATE');
    write('ledger.pub', [publicKey.trimEnd()]);
  }, 60_000);

  it('verifies an untampered party export with only the public key: no database, no Kafka', async () => {
    const out = await cli(['export', '--party', 'RUS']);
    expect(out.code).toBe(0);
    exported = ndjson(out.output);
    const kinds = exported.map((l) => JSON.parse(l).kind);
    expect(kinds).toContain('event');
    expect(kinds).toContain('checkpoint');
    expect(kinds).toContain('link'); // the chain from RUS's events up to each signed head passes through others' records
    const file = write('rus.ndjson', exported);
    const offline = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', KAFKA_BROKERS: '127.0.0.1:1' };
    const ok = await cli(['verify-export', file, '--public-key', join(dir, 'ledger.pub')], offline);
    expect(ok.output).toMatch(/^OK: .*rus\.ndjson: \d+ event\(s\)/m);
    expect(ok.code).toBe(0);
  }, 60_000);

  it('names the one line an attacker altered, even when the attacker fixed its hash', async () => {
    const at = exported.findIndex((l) => JSON.parse(l).type === 'ProposalAcceptedConditionally');
    const event = JSON.parse(exported[at]);
    event.envelope.data.conditions = [];
    const altered = [...exported];
    altered[at] = JSON.stringify(event);
    const plain = await cli(['verify-export', write('altered.ndjson', altered), '--public-key', join(dir, 'ledger.pub')]);
    expect(plain.code).toBe(1);
    expect(plain.output).toContain(`first mismatch (record-hash) at line ${at + 1}, event ${event.eventId}`);

    event.hash = chainHash(Buffer.from(event.prevHash, 'hex'), envelopeBytes(event.envelope)).toString('hex');
    altered[at] = JSON.stringify(event);
    const rehashed = await cli(['verify-export', write('rehashed.ndjson', altered), '--public-key', join(dir, 'ledger.pub')]);
    expect(rehashed.code).toBe(1);
    expect(rehashed.output).toContain(`first mismatch (chain) at line ${at + 1}, event ${event.eventId}`);
  }, 60_000);

  it('does not call an export verified when no signature could be checked, unless told --allow-unsigned', async () => {
    const file = join(dir, 'rus.ndjson');
    const unsigned = await cli(['verify-export', file]);
    expect(unsigned.code).toBe(2);
    expect(unsigned.output).toContain('NOT PROVEN');
    expect(unsigned.output).toContain('no public key given');
    const allowed = await cli(['verify-export', file, '--allow-unsigned']);
    expect(allowed.code).toBe(0);
    expect(allowed.output).toContain('OK (UNSIGNED)');
  }, 60_000);

  it('refuses checkpoints under a key the auditor does not trust', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const out = await cli(['verify-export', join(dir, 'rus.ndjson'), '--public-key', write('other.pub', [other.trimEnd()])]);
    expect(out.code).toBe(1);
    expect(out.output).toMatch(/first mismatch \(checkpoint\) at line \d+: checkpoint \d+ is not validly signed by key/);
  }, 60_000);
});
