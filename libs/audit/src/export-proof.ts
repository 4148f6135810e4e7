import { Pool } from 'pg';
import { envelopeBytes } from '@ledger/contracts';
import { checkpointsById, signedHeads } from '@ledger/ledger-store';

/**
 * What an export needs so a third party can check it with only the public key: for each exported
 * record the earliest signed checkpoint whose head is at or after it, and every record between the
 * record and that head as a link (its canonical bytes and hash), so the chain from the record up to
 * the signed head can be recomputed. The chain hash is sha256(previous hash ‖ bytes): a link
 * without its bytes would prove nothing.
 */
export class ExportProof {
  private readonly heads = new Map<number, Promise<{ checkpointId: string; nextOffset: bigint }[]>>();
  /** Per partition: exported offsets, and the offset range the links must cover. */
  private readonly spans = new Map<number, { exported: Set<bigint>; ranges: [bigint, bigint][] }>();
  private readonly cited = new Set<string>();

  constructor(private readonly pool: Pool) {}

  /** The checkpoint that covers this record (null: signed after no checkpoint yet), noting the links it needs. */
  async cover(partition: number, offset: string): Promise<string | null> {
    if (!this.heads.has(partition)) this.heads.set(partition, signedHeads(this.pool, partition));
    const at = BigInt(offset);
    const head = (await this.heads.get(partition)!).find((h) => h.nextOffset > at);
    if (!head) return null;
    const span = this.spans.get(partition) ?? { exported: new Set(), ranges: [] };
    this.spans.set(partition, span);
    span.exported.add(at);
    if (at + 1n <= head.nextOffset - 1n) span.ranges.push([at + 1n, head.nextOffset - 1n]);
    this.cited.add(head.checkpointId);
    return head.checkpointId;
  }

  /** The link lines, then the cited checkpoints. */
  async *lines(): AsyncGenerator<Record<string, unknown>> {
    for (const [partition, span] of [...this.spans].sort((a, b) => a[0] - b[0])) {
      for (const [from, to] of merged(span.ranges)) {
        for (let start = from; start <= to; start += 1000n) {
          const end = start + 999n < to ? start + 999n : to;
          for (const link of await linkRows(this.pool, partition, start, end)) {
            if (!span.exported.has(BigInt(link.offset))) yield { kind: 'link', partition, ...link };
          }
        }
      }
    }
    for (const c of await checkpointsById(this.pool, [...this.cited])) yield { kind: 'checkpoint', ...c };
  }
}

async function linkRows(pool: Pool, partition: number, from: bigint, to: bigint): Promise<{ offset: string; hash: string; bytes: string }[]> {
  const { rows } = await pool.query(
    `SELECT j."offset"::text AS offset, encode(j.hash, 'hex') AS hash, j.envelope, r.raw
       FROM ledger.journal j LEFT JOIN ledger.rejections r ON r.partition = j.partition AND r."offset" = j."offset" AND j.envelope IS NULL
      WHERE j.partition = $1 AND j."offset" BETWEEN $2 AND $3 ORDER BY j."offset"`,
    [partition, from.toString(), to.toString()],
  );
  return rows.map((r) => ({
    offset: r.offset,
    hash: r.hash,
    bytes: (r.envelope ? envelopeBytes(r.envelope) : ((r.raw as Buffer | null) ?? Buffer.alloc(0))).toString('base64'),
  }));
}

function merged(ranges: [bigint, bigint][]): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (const [a, b] of [...ranges].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1n) last[1] = last[1] > b ? last[1] : b;
    else out.push([a, b]);
  }
  return out;
}
