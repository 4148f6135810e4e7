import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';

/** One request the load made: when, and what came back (status 0: no answer, `code` says why). */
export interface Outcome {
  eventId: string;
  sentAt: number;
  doneAt: number;
  status: number;
  /** The problem document's code (503s, 4xx), or the connection error's code. */
  code?: string;
  /** The problem document's detail (why a 503), for tracing an event afterwards. */
  detail?: string;
  /** Where the log said it wrote the event (a 202's partition and offset). */
  partition?: number;
  offset?: string;
  /** The content type of an answer other than 202. */
  contentType?: string;
}

export interface LoadOptions {
  /** Base URL of the ingest API. */
  url: string;
  token: string;
  /** Requests started per second, at most (the achieved rate is measured, not assumed). */
  rate: number;
  /** Requests in flight at most: one keep-alive connection each. */
  concurrency: number;
  /** Distinct subjects (Kafka keys), so every partition gets traffic. */
  subjects?: number;
}

/**
 * Single-event `POST /v1/events` at a target rate from the test process, each event with a new
 * eventId, over keep-alive connections with a bounded number in flight. Every answer is kept with
 * its timestamps, so a scenario can count what happened in any window (the outage, after it).
 * Paced, not bursty: when answers are slow the schedule slips instead of catching up later.
 */
export class Load {
  readonly outcomes: Outcome[] = [];
  private readonly pool: Pool;
  private running = false;
  private workers: Promise<void>[] = [];
  private nextAt = 0;
  private sent = 0;
  startedAt = 0;
  stoppedAt = 0;

  constructor(private readonly options: LoadOptions) {
    this.pool = new Pool(options.url, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  }

  start(): this {
    this.running = true;
    this.startedAt = this.nextAt = Date.now();
    this.workers = Array.from({ length: this.options.concurrency }, () => this.worker());
    return this;
  }

  /** Stops starting requests and waits for those in flight. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await Promise.all(this.workers);
    this.stoppedAt = Date.now();
    await this.pool.close();
  }

  /** Ids the ledger acknowledged with 202 (or 200: a repeat of an acknowledged one). */
  acknowledged(): string[] {
    return this.outcomes.filter((o) => o.status === 202 || o.status === 200).map((o) => o.eventId);
  }

  /** Ids that got anything else: the outcome is unknown (503), or they were refused. */
  unacknowledged(): string[] {
    return this.outcomes.filter((o) => o.status !== 202 && o.status !== 200).map((o) => o.eventId);
  }

  /** Answers finished within [from, to), by status (and code). */
  between(from: number, to: number): Outcome[] {
    return this.outcomes.filter((o) => o.doneAt >= from && o.doneAt < to);
  }

  /** Answers per second with this status, over the whole run. */
  ratePerSecond(status = 202): number {
    const seconds = ((this.stoppedAt || Date.now()) - this.startedAt) / 1000;
    return seconds > 0 ? this.outcomes.filter((o) => o.status === status).length / seconds : 0;
  }

  /** How many answers of each kind: `202`, `503 log.unavailable`, `0 ECONNREFUSED`… */
  tally(outcomes: Outcome[] = this.outcomes): Record<string, number> {
    const out: Record<string, number> = {};
    for (const o of outcomes) {
      const key = o.code ? `${o.status} ${o.code}` : String(o.status);
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /** Answers per second of the run, one line per second: `t+12s 202×480 503 log.unavailable×32`. */
  timeline(): string[] {
    const seconds = new Map<number, Outcome[]>();
    for (const o of this.outcomes) {
      const t = Math.floor((o.doneAt - this.startedAt) / 1000);
      seconds.set(t, [...(seconds.get(t) ?? []), o]);
    }
    return [...seconds.keys()]
      .sort((a, b) => a - b)
      .map(
        (t) =>
          `t+${t}s ${Object.entries(this.tally(seconds.get(t)))
            .map(([k, v]) => `${k}×${v}`)
            .join(' ')}`,
      );
  }

  private async worker(): Promise<void> {
    const interval = 1000 / this.options.rate;
    while (this.running) {
      const now = Date.now();
      // Never more than 100 ms of schedule to catch up: an outage is not followed by a burst.
      this.nextAt = Math.max(this.nextAt, now - 100);
      const at = this.nextAt;
      this.nextAt += interval;
      if (at > now) await sleep(at - now);
      if (!this.running) break;
      await this.send(this.sent++);
    }
  }

  private async send(i: number): Promise<void> {
    const eventId = randomUUID();
    const subjects = this.options.subjects ?? 48;
    const body = JSON.stringify({
      eventId,
      type: 'StatementMade',
      schemaVersion: 1,
      occurredAt: { value: '2025-03-14', precision: 'day' },
      actors: [{ actorId: `fault-party-${i % subjects}` }],
      data: { text: `fault load statement ${i}`, tone: 'neutral', topics: ['ceasefire'] },
    });
    const sentAt = Date.now();
    try {
      const res = await this.pool.request({
        path: '/v1/events',
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body,
      });
      const text = await res.body.text();
      const doneAt = Date.now();
      let answer: { code?: string; detail?: string; partition?: number; offset?: string } = {};
      try {
        answer = JSON.parse(text);
      } catch {
        answer = { code: 'not-json' };
      }
      if (res.statusCode === 202) this.outcomes.push({ eventId, sentAt, doneAt, status: 202, partition: answer.partition, offset: answer.offset });
      else {
        const contentType = String(res.headers['content-type'] ?? '');
        this.outcomes.push({ eventId, sentAt, doneAt, status: res.statusCode, code: answer.code, detail: answer.detail, contentType });
      }
    } catch (e) {
      this.outcomes.push({ eventId, sentAt, doneAt: Date.now(), status: 0, code: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for the first answer with `status` that finished at or after `since`; resolves with it. */
export async function firstAnswer(load: Load, status: number, since: number, timeoutMs = 60_000): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  let from = 0;
  for (;;) {
    const outcomes = load.outcomes;
    for (; from < outcomes.length; from++) {
      const o = outcomes[from];
      if (o.status === status && o.doneAt >= since) return o;
    }
    if (Date.now() > deadline)
      throw new Error(`no ${status} answer within ${timeoutMs} ms (since ${new Date(since).toISOString()}): ${JSON.stringify(load.tally(load.between(since, Date.now())))}`);
    await sleep(20);
  }
}

/** One read request made by `Readers`. */
export interface ReadOutcome {
  url: string;
  doneAt: number;
  status: number;
  contentType: string;
  code?: string;
}

/**
 * Readers beside the publishers: GETs on a list of URLs in turn, every `everyMs`, one at a time,
 * keeping each answer's status, content type and problem code (status 0: no answer).
 */
export class Readers {
  readonly outcomes: ReadOutcome[] = [];
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly urls: string[],
    private readonly token: string,
    private readonly everyMs = 50,
  ) {}

  start(): this {
    this.running = true;
    this.loop = (async () => {
      for (let i = 0; this.running; i++) {
        const url = this.urls[i % this.urls.length];
        try {
          const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(15_000) });
          const text = await res.text();
          let code: string | undefined;
          if (res.status >= 400) {
            try {
              code = (JSON.parse(text) as { code?: string }).code;
            } catch {
              code = 'not-json';
            }
          }
          this.outcomes.push({ url, doneAt: Date.now(), status: res.status, contentType: res.headers.get('content-type') ?? '', code });
        } catch (e) {
          this.outcomes.push({ url, doneAt: Date.now(), status: 0, contentType: '', code: (e as Error).name });
        }
        await sleep(this.everyMs);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
