import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson, chainHash, GENESIS_HASH } from '@ledger/contracts';
import { EXPORT_FORMAT } from './export';
import { publicParts } from './signing-key';
import { verifyExport } from './verify-export';

// An export is checked with nothing but its lines and the public key. Here one partition holds
// four records; the party's event is the second, the next two are links up to the signed head.
const key = publicParts(generateKeyPairSync('ed25519').privateKey);
const envelopes = [0, 1, 2, 3].map((i) => ({ eventId: `e${i}`, type: 'StatementMade', data: { text: `statement ${i}` } }));
const hashes: string[] = [];
let previous: Buffer = GENESIS_HASH;
for (const e of envelopes) {
  previous = chainHash(previous, Buffer.from(canonicalJson(e), 'utf8'));
  hashes.push(previous.toString('hex'));
}

function checkpoint(heads = [{ partition: 0, nextOffset: '4', hash: hashes[3] }], signer = key) {
  const payload = canonicalJson({ topic: 'ledger.events.v1', signedAt: '2025-03-14T18:00:00.000Z', heads, keyId: signer.keyId });
  const signature = sign(null, Buffer.from(payload, 'utf8'), signer.privateKey).toString('base64');
  return { kind: 'checkpoint', id: '7', topic: 'ledger.events.v1', signedAt: '2025-03-14T18:00:00.000Z', heads, payload, signature, keyId: signer.keyId };
}

function exportLines(): Record<string, any>[] {
  return [
    { kind: 'export', format: EXPORT_FORMAT, party: 'RUS', proposalId: null, knownAt: null },
    { kind: 'event', eventId: 'e1', type: 'StatementMade', partition: 0, offset: '1', prevHash: hashes[0], hash: hashes[1], checkpointId: '7', envelope: envelopes[1] },
    ...[2, 3].map((i) => ({ kind: 'link', partition: 0, offset: String(i), hash: hashes[i], bytes: Buffer.from(canonicalJson(envelopes[i])).toString('base64') })),
    checkpoint(),
  ];
}
const text = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

describe('verifyExport', () => {
  it('proves an untouched export up to a signed head with only the public key', () => {
    const report = verifyExport(text(exportLines()), { publicKeyPem: key.publicKeyPem, keyId: key.keyId });
    expect(report).toMatchObject({ ok: true, signed: true, events: 1, links: 2, checkpoints: { checked: 1, valid: 1 }, problems: [] });
  });

  it('names an altered link line from the event whose chain it breaks', () => {
    const lines = exportLines();
    lines[2].bytes = Buffer.from(canonicalJson({ ...envelopes[2], data: { text: 'never said' } })).toString('base64');
    const report = verifyExport(text(lines), key);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ line: 2, check: 'chain', eventId: 'e1' });
    expect(report.problems[0].detail).toContain('breaks at line 3 (partition 0, offset 2)');
  });

  it('refuses an export whose links were left out between the event and the signed head', () => {
    const lines = exportLines();
    lines.splice(2, 1);
    expect(verifyExport(text(lines), key).problems[0]).toMatchObject({ line: 2, check: 'chain', detail: expect.stringContaining('offset 2 towards checkpoint 7 is missing') });
  });

  it('refuses a checkpoint whose heads were changed after signing, or signed by another key', () => {
    const forged = exportLines();
    forged[4] = { ...checkpoint(), heads: [{ partition: 0, nextOffset: '4', hash: '00'.repeat(32) }] };
    expect(verifyExport(text(forged), key).problems.map((p) => [p.line, p.check])).toContainEqual([5, 'checkpoint']);
    const other = exportLines();
    other[4] = checkpoint(undefined, publicParts(generateKeyPairSync('ed25519').privateKey));
    expect(verifyExport(text(other), key).problems[0]).toMatchObject({ line: 5, check: 'checkpoint' });
  });

  it('does not call an event signed when it is newer than every checkpoint, or when no key was given', () => {
    const uncovered = exportLines().slice(0, 2);
    uncovered[1].checkpointId = null;
    expect(verifyExport(text(uncovered), key)).toMatchObject({ ok: true, signed: false, unsigned: [expect.stringContaining('newer than every signed checkpoint')] });
    expect(verifyExport(text(exportLines()))).toMatchObject({ ok: true, signed: false, unsigned: [expect.stringContaining('no public key given')] });
  });

  it('names a line that is not JSON, and a file that is not an export', () => {
    const lines: unknown[] = exportLines();
    lines.splice(2, 0, '{"kind": "link", truncated');
    expect(verifyExport(text(lines), key).problems[0]).toMatchObject({ line: 3, check: 'format' });
    expect(verifyExport(text([{ kind: 'position' }]), key).problems[0]).toMatchObject({ line: 1, check: 'format' });
  });
});
