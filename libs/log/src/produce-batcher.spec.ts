import { LogMessage } from '@ledger/contracts';
import { Appended } from './event-log';
import { BatcherOptions, ProduceBatcher } from './produce-batcher';

const message = (n: number): LogMessage => ({ key: `k${n}`, value: Buffer.from(`v${n}`), headers: {} });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake broker: records each produce call and acknowledges it when the spec says so (or at once). */
function broker(autoAck = true) {
  const calls: { messages: LogMessage[]; at: number; ack(): void }[] = [];
  let offset = 0;
  const send = (messages: LogMessage[]) =>
    new Promise<Appended[]>((resolve) => {
      const ack = () => resolve(messages.map(() => ({ partition: 0, offset: String(offset++), timestamp: String(Date.now()) })));
      calls.push({ messages, at: Date.now(), ack });
      if (autoAck) ack();
    });
  return { calls, send };
}

const options = (lingerMs?: number): BatcherOptions => ({ maxQueued: 1_000, maxBatch: 100, maxBatchBytes: 1 << 20, ackTimeoutMs: 5_000, lingerMs });

describe('ProduceBatcher linger', () => {
  it('sends single appends that arrive within the linger window in one produce request', async () => {
    const b = broker();
    const batcher = new ProduceBatcher(b.send, options(30));
    const first = batcher.enqueue([message(1)]);
    await sleep(5);
    const rest = [2, 3, 4].map((n) => batcher.enqueue([message(n)]));
    const results = await Promise.all([first, ...rest]);
    expect(b.calls).toHaveLength(1);
    expect(b.calls[0].messages.map((m) => m.key)).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(results.map((r) => r.map((a) => a.offset))).toEqual([['0'], ['1'], ['2'], ['3']]);
  });

  it('still sends a lone append, after about the linger', async () => {
    const b = broker();
    const batcher = new ProduceBatcher(b.send, options(30));
    const start = Date.now();
    const sent = batcher.enqueue([message(1)]);
    await sleep(5);
    expect(b.calls).toHaveLength(0);
    await expect(sent).resolves.toHaveLength(1);
    expect(b.calls).toHaveLength(1);
    const waited = b.calls[0].at - start;
    expect(waited).toBeGreaterThanOrEqual(28); // timers may fire up to a millisecond early
    expect(waited).toBeLessThan(1_000);
  });

  it('resolves a caller only once the broker acknowledged its request', async () => {
    const b = broker(false);
    const batcher = new ProduceBatcher(b.send, options(5));
    let settled = false;
    const sent = batcher.enqueue([message(1)]).then((r) => ((settled = true), r));
    await sleep(40);
    expect(b.calls).toHaveLength(1);
    expect(settled).toBe(false);
    b.calls[0].ack();
    await expect(sent).resolves.toEqual([expect.objectContaining({ offset: '0' })]);
  });

  it('does not linger while a request is in flight: what queued meanwhile goes out as soon as it returns', async () => {
    const b = broker(false);
    const batcher = new ProduceBatcher(b.send, options(1_000));
    const first = batcher.enqueue(Array.from({ length: 100 }, (_, i) => message(i))); // maxBatch: no linger
    await sleep(5);
    expect(b.calls).toHaveLength(1);
    const later = [batcher.enqueue([message(200)]), batcher.enqueue([message(201)])];
    b.calls[0].ack();
    await first;
    await sleep(20);
    expect(b.calls).toHaveLength(2);
    expect(b.calls[1].messages.map((m) => m.key)).toEqual(['k200', 'k201']);
    b.calls[1].ack();
    await Promise.all(later);
  });

  it('sends at once without a linger (lingerMs 0 or unset)', async () => {
    for (const linger of [0, undefined]) {
      const b = broker();
      const batcher = new ProduceBatcher(b.send, options(linger));
      const sent = batcher.enqueue([message(1)]);
      expect(b.calls).toHaveLength(1);
      await sent;
    }
  });

  it('drains a lingering message before shutdown', async () => {
    const b = broker();
    const batcher = new ProduceBatcher(b.send, options(30));
    const sent = batcher.enqueue([message(1)]);
    await batcher.drain();
    expect(b.calls).toHaveLength(1);
    await sent;
  });
});
