import { request } from 'undici';

/**
 * A dashboard's view of the ledger: GET /v1/stream (server-sent events), read in this process.
 * Each `applied` event says a batch of one partition was committed, up to its `nextOffset`; the
 * moment it arrives here is when every record of that partition below that offset became visible.
 * Offsets, not the event ids the notice lists, because the projector cuts the list of a large batch
 * to keep an announcement under 64 KB (counted in `truncated`).
 */
export class AppliedStream {
  /** Per partition, each notice's next offset and Date.now() when it arrived, in arrival order. */
  private readonly notices = new Map<number, { next: number; at: number }[]>();
  truncated = 0;
  /** The query API's listener reconnected: notices sent meanwhile never came (their events count as seen late). */
  reconnects = 0;
  private readonly abort = new AbortController();
  private reading?: Promise<void>;

  static async open(origin: string, token: string): Promise<AppliedStream> {
    const stream = new AppliedStream();
    const response = await request(`${origin}/v1/stream?token=${encodeURIComponent(token)}`, {
      method: 'GET',
      signal: stream.abort.signal,
      headersTimeout: 10_000,
      bodyTimeout: 0,
    });
    if (response.statusCode !== 200) throw new Error(`GET /v1/stream answered ${response.statusCode}: ${await response.body.text()}`);
    stream.reading = stream.read(response.body);
    return stream;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading?.catch(() => undefined);
  }

  private async read(body: AsyncIterable<Buffer>): Promise<void> {
    let pending = '';
    try {
      for await (const chunk of body) {
        const at = Date.now();
        pending += chunk.toString('utf8');
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          this.onMessage(pending.slice(0, end), at);
          pending = pending.slice(end + 2);
        }
      }
    } catch (e) {
      if (!this.abort.signal.aborted) throw e;
    }
  }

  private onMessage(block: string, at: number): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    // A resync after a cut notice is expected (offsets still tell); one after a reconnect means notices were lost.
    if (event === 'resync' && !data.includes('"truncated"')) this.reconnects++;
    if (event !== 'applied' || !data) return;
    const notice = JSON.parse(data) as { partition: number; nextOffset: string; truncated?: boolean };
    if (notice.truncated) this.truncated++;
    const list = this.notices.get(notice.partition) ?? [];
    const next = Number(notice.nextOffset);
    if (!list.length || next > list[list.length - 1].next) list.push({ next, at });
    this.notices.set(notice.partition, list);
  }

  /** When the record at (partition, offset) became visible: the first notice past its offset; undefined if none came. */
  visibleAt(partition: number, offset: number): number | undefined {
    const list = this.notices.get(partition);
    if (!list?.length || list[list.length - 1].next <= offset) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].next > offset) hi = mid;
      else lo = mid + 1;
    }
    return list[lo].at;
  }
}
