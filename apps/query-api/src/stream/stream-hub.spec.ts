import { SseClient, StreamHub } from './stream-hub';

/** A response as the hub sees it: what was written, whether it ended, how much is still unsent. */
class FakeResponse implements SseClient {
  readonly chunks: string[] = [];
  ended = false;
  writableLength = 0;

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  end(): void {
    this.ended = true;
  }
}

describe('StreamHub', () => {
  afterEach(() => jest.useRealTimers());

  it('writes each event to every client as event + one line of JSON data', () => {
    const hub = new StreamHub();
    const [a, b] = [new FakeResponse(), new FakeResponse()];
    hub.add(a);
    hub.add(b);
    hub.send('position', { party: 'RUS', proposalId: 'p1' });
    hub.comment('two\nlines');
    for (const client of [a, b]) expect(client.chunks).toEqual(['event: position\ndata: {"party":"RUS","proposalId":"p1"}\n\n', ': two lines\n\n']);
    hub.close();
  });

  it('sends a keep-alive comment on the interval only while someone listens', () => {
    jest.useFakeTimers();
    const hub = new StreamHub({ keepAliveMs: 15_000 });
    const client = new FakeResponse();
    const forget = hub.add(client);
    jest.advanceTimersByTime(30_000);
    expect(client.chunks).toEqual([': keep-alive\n\n', ': keep-alive\n\n']);
    forget();
    expect(hub.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('drops a client that falls too far behind', () => {
    const hub = new StreamHub({ maxBufferedBytes: 10 });
    const [slow, fast] = [new FakeResponse(), new FakeResponse()];
    hub.add(slow);
    hub.add(fast);
    slow.writableLength = 11;
    hub.send('applied', {});
    expect([slow.ended, slow.chunks.length, fast.chunks.length, hub.size]).toEqual([true, 0, 1, 1]);
    hub.close();
  });

  it('ends every open response on close and refuses new ones', () => {
    const hub = new StreamHub();
    const open = new FakeResponse();
    hub.add(open);
    hub.close();
    const late = new FakeResponse();
    hub.add(late);
    expect([open.ended, late.ended, hub.size]).toEqual([true, true, 0]);
  });
});
