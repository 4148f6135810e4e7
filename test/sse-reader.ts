import type { Response } from 'undici';

/** One server-sent event as received. */
export interface SseMessage {
  event: string;
  data: any;
  at: number;
  /** The event's `id:`, when it has one. */
  id?: string;
}

/** Reads a text/event-stream response as it arrives (a streaming fetch reader, as a dashboard would). */
export class SseReader {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';

  constructor(readonly response: Response) {
    void this.pump(response.body!.getReader());
  }

  async next(match: (m: SseMessage) => boolean, timeoutMs = 10_000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.ended || Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(this.messages.map((m) => m.event))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        for (let i = this.buffer.indexOf('\n\n'); i >= 0; i = this.buffer.indexOf('\n\n')) {
          this.parse(this.buffer.slice(0, i));
          this.buffer = this.buffer.slice(i + 2);
        }
      }
    } catch {
      // aborted by the test
    }
    this.ended = true;
  }

  private parse(block: string): void {
    const fields = block.split('\n');
    const comment = fields.find((f) => f.startsWith(':'));
    if (comment) this.comments.push(comment.slice(1).trim());
    const event = fields.find((f) => f.startsWith('event: '))?.slice(7);
    const data = fields.find((f) => f.startsWith('data: '))?.slice(6);
    const id = fields.find((f) => f.startsWith('id: '))?.slice(4);
    if (event) this.messages.push({ event, data: data ? JSON.parse(data) : undefined, at: Date.now(), ...(id !== undefined && { id }) });
  }
}
