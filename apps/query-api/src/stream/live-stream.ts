import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { APPLIED_CHANNEL } from '@ledger/ledger-store';
import { ChannelListener } from './channel-listener';
import { SseClient, StreamHub } from './stream-hub';

/** The projector's notification: `{ partition, nextOffset, events, positions, truncated }`. */
interface AppliedNotice {
  partition: number;
  nextOffset: string;
  events: { eventId: string; type: string }[];
  positions: { party: string; proposalId: string }[];
  /** The payload was cut to fit PostgreSQL's limit: some events and positions are not listed. */
  truncated?: boolean;
}

/**
 * GET /v1/stream's engine: one LISTEN connection per process, fanned out to every open stream.
 * Each applied batch becomes an `applied` event and one `position` event per stance it changed.
 * While the connection is down, streams get a comment; once it is back (or when a notice was
 * truncated) they get `resync`: refetch, something was missed.
 */
@Injectable()
export class LiveStream implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('stream');
  private readonly hub = new StreamHub();
  private readonly listener: ChannelListener;

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.listener = new ChannelListener(pool.options, APPLIED_CHANNEL, {
      notification: (payload) => this.announce(payload as AppliedNotice),
      down: (error) => {
        this.logger.warn(`listening on ${APPLIED_CHANNEL} stopped (${error.message}); reconnecting`);
        this.hub.comment('the live feed is interrupted; reconnecting');
      },
      resumed: () => {
        this.logger.log(`listening on ${APPLIED_CHANNEL} again`);
        this.hub.send('resync', { reason: 'reconnected' });
      },
    });
  }

  /** How many streams are open in this process. */
  get openStreams(): number {
    return this.hub.size;
  }

  /** Registers an open response; answers the function that forgets it. */
  subscribe(client: SseClient): () => void {
    const forget = this.hub.add(client);
    if (!this.listener.connected) client.write(': the live feed is interrupted; reconnecting\n\n');
    return forget;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  /** Open streams end before the HTTP server closes: it waits for open responses. */
  beforeApplicationShutdown(): void {
    this.hub.close();
  }

  async onApplicationShutdown(): Promise<void> {
    this.hub.close();
    await this.listener.stop();
  }

  private announce(notice: AppliedNotice): void {
    if (!notice || !Array.isArray(notice.events) || !Array.isArray(notice.positions)) return;
    this.hub.send('applied', { partition: notice.partition, nextOffset: notice.nextOffset, events: notice.events, ...(notice.truncated && { truncated: true }) });
    for (const { party, proposalId } of notice.positions) this.hub.send('position', { party, proposalId });
    if (notice.truncated) this.hub.send('resync', { reason: 'truncated' });
  }
}
