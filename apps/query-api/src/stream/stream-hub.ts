/** The part of a response the hub writes to (an http.ServerResponse in production). */
export interface SseClient {
  write(chunk: string): boolean;
  end(): void;
  readonly writableLength: number;
}

export interface HubOptions {
  /** A `: keep-alive` comment this often, so proxies keep idle streams open. */
  keepAliveMs: number;
  /** A client whose unsent output grows past this is too slow to follow: it is dropped. */
  maxBufferedBytes: number;
}

/**
 * Fans server-sent events out to every connected client. One keep-alive timer serves them all and
 * runs only while someone listens; a client is forgotten when it disconnects, when it falls too
 * far behind, when it is dropped (its token was revoked), and when the hub closes (application
 * shutdown).
 */
export class StreamHub {
  private readonly clients = new Set<SseClient>();
  private keepAlive?: NodeJS.Timeout;
  private closed = false;
  private readonly options: HubOptions;

  constructor(options: Partial<HubOptions> = {}) {
    this.options = { keepAliveMs: 15_000, maxBufferedBytes: 1024 * 1024, ...options };
  }

  get size(): number {
    return this.clients.size;
  }

  /** Registers a client; answers the function that forgets it (call it when the connection closes). */
  add(client: SseClient): () => void {
    if (this.closed) {
      client.end();
      return () => undefined;
    }
    this.clients.add(client);
    this.keepAlive ??= setInterval(() => this.comment('keep-alive'), this.options.keepAliveMs).unref();
    return () => this.remove(client);
  }

  /** `event: <name>` with `data` as one line of JSON (and `id: <id>` when given). */
  send(event: string, data: unknown, id?: string): void {
    this.broadcast(sseEvent(event, data, id));
  }

  /** A comment line: ignored by EventSource, it keeps the connection busy and says what is going on. */
  comment(text: string): void {
    this.broadcast(`: ${text.replace(/\n/g, ' ')}\n\n`);
  }

  /** Ends every open response and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const client of [...this.clients]) this.drop(client);
  }

  private broadcast(chunk: string): void {
    for (const client of [...this.clients]) {
      if (client.writableLength > this.options.maxBufferedBytes) this.drop(client);
      else client.write(chunk);
    }
  }

  /** Ends one open response (and forgets it). */
  drop(client: SseClient): void {
    this.remove(client);
    client.end();
  }

  private remove(client: SseClient): void {
    this.clients.delete(client);
    if (!this.clients.size && this.keepAlive) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}

/** One server-sent event; `id` (what EventSource sends back as Last-Event-ID) when given. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A client whose writes are held back (while its missed announcements are sent) until released. */
export class HeldClient implements SseClient {
  private held: string[] | null = [];
  constructor(private readonly inner: SseClient) {}

  write(chunk: string): boolean {
    if (this.held) {
      this.held.push(chunk);
      return true;
    }
    return this.inner.write(chunk);
  }

  /** Writes straight through, ahead of what is held. */
  writeFirst(chunk: string): void {
    this.inner.write(chunk);
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const chunk of held) this.inner.write(chunk);
  }

  end(): void {
    this.release();
    this.inner.end();
  }

  get writableLength(): number {
    return this.inner.writableLength + (this.held ?? []).reduce((n, c) => n + c.length, 0);
  }
}
