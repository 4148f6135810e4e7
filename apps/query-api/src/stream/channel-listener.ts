import { Client, ClientConfig, Notification } from 'pg';
import { quoteIdent } from '@ledger/postgres';

/** What the listener reports. Handlers must not throw (a throw is caught and dropped). */
export interface ChannelEvents {
  /** A notification's payload, parsed as JSON. */
  notification(payload: unknown): void;
  /** The connection broke (or could not be made): notifications are missed until it is back. */
  down(error: Error): void;
  /** Listening again after `down`: what was announced meanwhile is lost, so readers must refetch. */
  resumed(): void;
}

/** Retry schedule after a lost connection: 250 ms doubling, at most 10 s. */
export function reconnectDelay(failures: number): number {
  return Math.min(250 * 2 ** failures, 10_000);
}

/** No server-side timeout may end an idle LISTEN session (where the server knows the setting). */
const SESSION_SETTINGS = `
  SELECT set_config(name, value, false)
    FROM (VALUES ('statement_timeout', '0'), ('idle_session_timeout', '0'), ('idle_in_transaction_session_timeout', '0')) AS s(name, value)
   WHERE name IN (SELECT name FROM pg_settings)`;

/**
 * One dedicated PostgreSQL connection that LISTENs on a channel, outside the pool (a pooled client
 * would hold a slot forever). When the connection breaks it reports `down`, reconnects with
 * backoff, and reports `resumed` once it listens again.
 */
export class ChannelListener {
  private readonly stopping = new AbortController();
  private running?: Promise<void>;
  private client?: Client;
  private listening = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly events: ChannelEvents,
  ) {}

  /** Whether notifications are being received right now. */
  get connected(): boolean {
    return this.listening;
  }

  /** Starts; resolves once the first attempt listens or fails (it then retries in the background). */
  start(): Promise<void> {
    return new Promise((attempted) => (this.running = this.run(attempted)));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  private async run(attempted: () => void): Promise<void> {
    let failures = 0;
    let down = false;
    while (!this.stopping.signal.aborted) {
      const error = await this.session(() => {
        failures = 0;
        attempted();
        if (down) {
          down = false;
          this.report(() => this.events.resumed());
        }
      });
      attempted();
      if (this.stopping.signal.aborted) break;
      if (!down) {
        down = true;
        this.report(() => this.events.down(error));
      }
      await pause(reconnectDelay(failures++), this.stopping.signal);
    }
  }

  /** One connection's life; resolves with what ended it. */
  private async session(onListening: () => void): Promise<Error> {
    const client = new Client({ ...this.config, keepAlive: true, application_name: 'ledger-stream' });
    this.client = client;
    const ended = new Promise<Error>((resolve) => {
      client.on('error', resolve);
      client.on('end', () => resolve(new Error('the listening connection ended')));
    });
    try {
      await client.connect();
      await client.query(SESSION_SETTINGS);
      client.on('notification', (message: Notification) => this.notified(message));
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
      this.listening = true;
      onListening();
      return await ended;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    } finally {
      this.listening = false;
      this.client = undefined;
      await client.end().catch(() => undefined);
    }
  }

  private notified(message: Notification): void {
    let payload: unknown;
    try {
      payload = JSON.parse(message.payload ?? 'null');
    } catch {
      return; // not ours: the channel's only writer sends JSON
    }
    this.report(() => this.events.notification(payload));
  }

  private report(call: () => void): void {
    try {
      call();
    } catch {
      // a failing subscriber must not take the listener down
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}
