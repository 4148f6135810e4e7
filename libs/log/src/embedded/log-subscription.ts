import { Client, Pool } from 'pg';
import { SubscribeOptions, Subscription } from '../event-log';
import { quoteIdent } from '@ledger/postgres';
import { ConsumerSettings, LogConsumer } from './log-consumer';
import { backoff, pause } from './waiting';

export interface SubscriptionSettings extends ConsumerSettings {
  /** log.consumer_groups.id of the (group, topic): the key of its advisory lock. */
  groupKey: number;
}

/** First key of the group locks (two-key advisory locks never collide with one-key ones like the migration lock). */
const LOCK_SPACE = 'ledger.log.consumer-group';

/**
 * Settings of the dedicated connection, where the server knows them: no timeout may end the wait
 * for the group lock or the idle LISTEN session, and a vanished client is noticed within ~30 s
 * (keepalives), or within a second while it waits for the lock, so its lock goes to the standby.
 */
const SESSION_SETTINGS = `
  SELECT set_config(name, value, false)
    FROM (VALUES ('statement_timeout', '0'), ('lock_timeout', '0'), ('idle_in_transaction_session_timeout', '0'),
                 ('idle_session_timeout', '0'), ('client_connection_check_interval', '1000'),
                 ('tcp_keepalives_idle', '10'), ('tcp_keepalives_interval', '5'), ('tcp_keepalives_count', '3')) AS s(name, value)
   WHERE name IN (SELECT name FROM pg_settings)`;

/**
 * One subscriber of a consumer group on a topic of the embedded log.
 *
 * Group semantics: at most one subscriber of a (group, topic) consumes at a time. Each subscriber
 * opens a dedicated connection and takes a session-level advisory lock keyed by the group; while
 * another subscriber (in this process or any other) holds it, it waits on that lock as a hot
 * standby. The lock is released when the holder stops, or by PostgreSQL when the holder's session
 * ends (process crash, killed backend, lost network); the longest-waiting standby then takes over
 * at once and starts every partition at the consumer's own stored offsets, the way a Kafka
 * consumer does after a rebalance. Unlike a Kafka group, partitions are never split between
 * members: the active subscriber reads them all. The same connection LISTENs for appends.
 *
 * When the dedicated connection breaks, the batches in flight finish (the handler's own
 * compare-and-set fences them if a standby moved on meanwhile), then the subscriber reconnects
 * and queues for the lock again, reporting the loss through `onRetry`.
 */
export class LogSubscription implements Subscription {
  private readonly stopping = new AbortController();
  private running?: Promise<void>;
  /** The dedicated connection while it waits for the lock: stopping must cut that wait short. */
  private waiting?: { client: Client; pid: number };

  constructor(
    private readonly pool: Pool,
    private readonly options: SubscribeOptions,
    private readonly settings: SubscriptionSettings,
    private readonly onStopped: () => void,
  ) {}

  start(): void {
    this.running = this.run();
  }

  /** Lets the batches in flight finish, then releases the lock and the connection. */
  async stop(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort();
      const waiting = this.waiting;
      if (waiting) {
        await this.pool.query('SELECT pg_cancel_backend($1)', [waiting.pid]).catch(() => undefined);
        await waiting.client.end().catch(() => undefined);
      }
    }
    await this.running;
    this.onStopped();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.session(() => (failures = 0));
      } catch (e) {
        if (this.stopping.signal.aborted) break;
        this.options.onRetry?.(e instanceof Error ? e : new Error(String(e)), failures);
        await pause(backoff(failures++), this.stopping.signal);
      }
    }
  }

  /** One connection's life: wait for the lock, consume until stopped (returns) or the connection breaks (throws). */
  private async session(onLocked: () => void): Promise<void> {
    const client = new Client({ ...this.pool.options, keepAlive: true });
    const lost = new AbortController();
    client.on('error', (e) => lost.abort(e));
    client.on('end', () => lost.abort(new Error('the embedded log connection ended')));
    try {
      await client.connect();
      await client.query(SESSION_SETTINGS);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (this.stopping.signal.aborted) return;
      this.waiting = { client, pid: rows[0].pid };
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1), $2)', [LOCK_SPACE, this.settings.groupKey]);
      } finally {
        this.waiting = undefined;
      }
      if (this.stopping.signal.aborted) return;
      onLocked();
      const consumer = new LogConsumer(this.pool, this.options, this.settings, AbortSignal.any([this.stopping.signal, lost.signal]));
      client.on('notification', (message) => consumer.notified(message));
      await client.query(`LISTEN ${quoteIdent(this.settings.channel)}`);
      await consumer.run();
      if (lost.signal.aborted && !this.stopping.signal.aborted) throw lost.signal.reason;
    } finally {
      // Ending the session releases the lock and the LISTEN.
      await client.end().catch(() => undefined);
    }
  }
}
