import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { LedgerConfig } from '@ledger/config';
import { LedgerMetrics } from '@ledger/ops';
import { TOKEN_CACHE_MS } from '@ledger/http';
import { Announcement, announcementsAfter, APPLIED_CHANNEL, journalBetween, journalHeads, liveFeedHeads, liveFeedHolds, TokenStore } from '@ledger/ledger-store';
import { positionPairsOf } from '@ledger/read-models';
import { ChannelListener } from './channel-listener';
import { HeldClient, SseClient, sseEvent, StreamHub } from './stream-hub';

/** Announcements read per partition at a time; a listener further behind tells streams to resync. */
const CATCH_UP_LIMIT = 500;
/** Journal records read per partition for a stream resuming from before the live feed's window. */
const JOURNAL_CATCH_UP_LIMIT = 10_000;
/** Applied events per announcement rebuilt from the journal (a live batch announces about as many). */
const JOURNAL_CHUNK = 100;
/** A notification's partition hint is looked at only when it is a plausible partition number. */
const MAX_PARTITION = 100_000;
/** On a replica, how often the feed is read besides the notifications (the replica replays a commit after the primary announced it). */
const REPLICA_READ_EVERY_MS = 1_000;

/**
 * GET /v1/stream's engine: one LISTEN connection per process, fanned out to every open stream.
 * A notification is only a wake-up (any role may NOTIFY any channel): on each one the engine reads
 * `ledger.live_feed` past the last announcement it sent, per partition, so only what the projector
 * committed reaches a stream. Each announcement becomes an `applied` event and one `position` event
 * per stance it changed. While the connection is down, streams get a comment; once it is back (or
 * when an announcement was truncated, or the feed ran too far ahead) they get `resync`.
 */
@Injectable()
export class LiveStream implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('stream');
  private readonly hub = new StreamHub();
  private readonly listener: ChannelListener;
  /** Per partition, the next offset of the last announcement sent (-1: none yet). */
  private announced = new Map<number, bigint>();
  private reading?: Promise<void>;
  private readAgain = false;
  private readonly hints = new Set<number>();
  private readonly byToken = new Map<string, Set<SseClient>>();
  private readonly tokens: TokenStore;
  private revocationWatch?: NodeJS.Timeout;
  /** Reading a streaming replica (DATABASE_READ_URL): NOTIFY is not replicated, so the feed listens on the primary. */
  private readonly onReplica: boolean;
  private replicaWatch?: NodeJS.Timeout;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    config: LedgerConfig,
  ) {
    this.tokens = new TokenStore(pool);
    this.onReplica = !!config.DATABASE_READ_URL && !!config.DATABASE_URL;
    this.listener = new ChannelListener(this.onReplica ? { connectionString: config.DATABASE_URL } : pool.options, APPLIED_CHANNEL, {
      notification: (payload) => this.wake(payload),
      down: (error) => {
        this.logger.warn(`listening on ${APPLIED_CHANNEL} stopped (${error.message}); reconnecting`);
        this.hub.comment('the live feed is interrupted; reconnecting');
      },
      resumed: () => {
        this.logger.log(`listening on ${APPLIED_CHANNEL} again`);
        this.hub.send('resync', { reason: 'reconnected' });
        this.wake(null);
      },
    });
  }

  /** How many streams are open in this process. */
  get openStreams(): number {
    return this.hub.size;
  }

  /**
   * Registers an open response, opened with `tokenId` (its streams end when the token is revoked);
   * answers the function that forgets it.
   */
  subscribe(client: SseClient, tokenId?: string, lastEventId?: string): () => void {
    if (lastEventId !== undefined) {
      // Live announcements past the snapshot are held back until the missed ones are written.
      const held = new HeldClient(client);
      const upTo = new Map(this.announced);
      void this.resume(held, lastEventId, upTo);
      client = held;
    }
    const forget = this.hub.add(client);
    const gauge = LedgerMetrics.shared().openStreams;
    gauge.inc();
    let forgotten = false;
    if (!this.listener.connected) client.write(': the live feed is interrupted; reconnecting\n\n');
    if (tokenId) {
      const streams = this.byToken.get(tokenId) ?? new Set();
      streams.add(client);
      this.byToken.set(tokenId, streams);
      // Revocation ends open streams as soon as new requests are refused (the guard's token cache).
      this.revocationWatch ??= setInterval(() => void this.endRevoked(), TOKEN_CACHE_MS).unref();
    }
    return () => {
      if (!forgotten) gauge.dec();
      forgotten = true;
      forget();
      const streams = tokenId ? this.byToken.get(tokenId) : undefined;
      streams?.delete(client);
      if (tokenId && !streams?.size) this.byToken.delete(tokenId);
      this.stopWatchWhenIdle();
    };
  }

  /**
   * Writes to a reconnecting stream what it missed: everything applied after its Last-Event-ID (a
   * `partition:nextOffset,…` vector) up to `upTo` (what this process had announced when it
   * reconnected; everything later reaches it live), each partition in log order. Per partition, from
   * the live feed while it still holds the id's announcement (the positions the fold changed), else
   * from the journal (the positions its events count for), so a client away longer than the feed
   * keeps misses nothing. A partition the id does not name was empty when the id was issued (ids name
   * every partition the journal held): it is replayed from its start. `resync` when that cannot be
   * told exactly: an id that is not ours, or more than the catch-up limit missed in a partition.
   */
  private async resume(client: HeldClient, lastEventId: string, upTo: Map<number, bigint>): Promise<void> {
    try {
      const from = parseStreamId(lastEventId);
      const heads = from && (await journalHeads(this.pool));
      if (!from || !heads || [...from].some(([p, offset]) => offset > (heads.get(p) ?? 0n))) {
        return client.writeFirst(sseEvent('resync', { reason: 'unknown Last-Event-ID' }));
      }
      const position = new Map(from);
      for (const partition of upTo.keys()) if (!position.has(partition)) position.set(partition, 0n);
      let behind = false;
      for (const partition of [...position.keys()].sort((a, b) => a - b)) {
        const start = position.get(partition)!;
        const end = upTo.get(partition) ?? -1n;
        if (start >= end) continue;
        const missed = (await liveFeedHolds(this.pool, partition, start)) ? await this.fromFeed(partition, start, end) : await this.fromJournal(partition, start, end);
        behind ||= missed.behind;
        for (const a of missed.announcements) {
          position.set(a.partition, BigInt(a.nextOffset));
          for (const [event, data, id] of announcementEvents(a, streamId(position))) client.writeFirst(sseEvent(event, data, id));
        }
      }
      if (behind) client.writeFirst(sseEvent('resync', { reason: 'behind' }));
    } catch (e) {
      this.logger.warn(`resuming a stream failed (${(e as Error).message})`);
      client.writeFirst(sseEvent('resync', { reason: 'feed unavailable' }));
    } finally {
      client.release();
    }
  }

  /** The feed's announcements of a partition after `start`, up to `end`. */
  private async fromFeed(partition: number, start: bigint, end: bigint): Promise<{ announcements: Announcement[]; behind: boolean }> {
    const found = await announcementsAfter(this.pool, new Map([[partition, start]]), CATCH_UP_LIMIT);
    return { announcements: found.filter((a) => BigInt(a.nextOffset) <= end), behind: found.length >= CATCH_UP_LIMIT };
  }

  /**
   * Announcements rebuilt from the journal for offsets `start` ≤ o < `end` of a partition: its
   * applied events, JOURNAL_CHUNK at a time, each with the stances those events count for.
   */
  private async fromJournal(partition: number, start: bigint, end: bigint): Promise<{ announcements: Announcement[]; behind: boolean }> {
    const records = await journalBetween(this.pool, partition, start, end, JOURNAL_CATCH_UP_LIMIT);
    const behind = records.length >= JOURNAL_CATCH_UP_LIMIT && BigInt(records[records.length - 1].offset) + 1n < end;
    const read = behind ? BigInt(records[records.length - 1].offset) + 1n : end;
    const announcements: Announcement[] = [];
    let events: { eventId: string; type: string }[] = [];
    const flush = async (nextOffset: bigint) => {
      if (!events.length) return;
      const positions = await positionPairsOf(
        this.pool,
        events.map((e) => e.eventId),
      );
      announcements.push({ partition, nextOffset: nextOffset.toString(), events, positions });
      events = [];
    };
    for (const r of records) {
      if (r.eventId && r.type) events.push({ eventId: r.eventId, type: r.type });
      if (events.length >= JOURNAL_CHUNK) await flush(BigInt(r.offset) + 1n);
    }
    await flush(read);
    return { announcements, behind };
  }

  /** Ends every open stream opened with this token (it was revoked). */
  closeToken(tokenId: string, reason: string): number {
    const streams = [...(this.byToken.get(tokenId) ?? [])];
    for (const client of streams) {
      client.write(`event: revoked\ndata: ${JSON.stringify({ reason })}\n\n`);
      this.hub.drop(client);
    }
    this.byToken.delete(tokenId);
    this.stopWatchWhenIdle();
    return streams.length;
  }

  /** Ends the streams of every token revoked since they opened. PostgreSQL out of reach: next time. */
  private async endRevoked(): Promise<void> {
    const ids = [...this.byToken.keys()];
    const live = await this.tokens.liveIds(ids).catch(() => undefined);
    if (!live) return;
    for (const id of ids) if (!live.has(id)) this.logger.log(`token ${id} was revoked: ended ${this.closeToken(id, 'token revoked')} open stream(s)`);
  }

  private stopWatchWhenIdle(): void {
    if (this.byToken.size || !this.revocationWatch) return;
    clearInterval(this.revocationWatch);
    this.revocationWatch = undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Listen first, then take the feed's heads: nothing committed in between is missed, nothing
    // committed before is announced again.
    await this.listener.start();
    this.announced = await this.heads().catch((e: Error) => {
      this.logger.warn(`reading the journal's heads failed (${e.message}); streams start from the next announcement`);
      return new Map<number, bigint>();
    });
    if (this.onReplica) this.replicaWatch = setInterval(() => this.wake(null), REPLICA_READ_EVERY_MS).unref();
  }

  /** Open streams end before the HTTP server closes: it waits for open responses. */
  beforeApplicationShutdown(): void {
    clearInterval(this.revocationWatch);
    clearInterval(this.replicaWatch);
    this.hub.close();
  }

  async onApplicationShutdown(): Promise<void> {
    this.hub.close();
    await this.listener.stop();
    await this.reading;
  }

  /**
   * Where announcing starts: every partition's head in the journal (so stream ids name every
   * partition the journal holds), and the feed's own heads where those are further on.
   */
  private async heads(): Promise<Map<number, bigint>> {
    const [journal, feed] = await Promise.all([journalHeads(this.pool), liveFeedHeads(this.pool)]);
    for (const [partition, head] of feed) if (head > (journal.get(partition) ?? -1n)) journal.set(partition, head);
    return journal;
  }

  /** A notification arrived: read the feed (its payload only hints which partition to look at). */
  private wake(payload: unknown): void {
    const hint = (payload as { partition?: unknown } | null)?.partition;
    if (Number.isInteger(hint) && (hint as number) >= 0 && (hint as number) <= MAX_PARTITION) this.hints.add(hint as number);
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readLoop().finally(() => (this.reading = undefined));
  }

  private async readLoop(): Promise<void> {
    do {
      this.readAgain = false;
      try {
        await this.readFeed();
      } catch (e) {
        this.logger.warn(`reading the live feed failed (${(e as Error).message})`);
        this.hub.send('resync', { reason: 'feed unavailable' });
      }
    } while (this.readAgain);
  }

  private async readFeed(): Promise<void> {
    const after = new Map(this.announced);
    for (const partition of this.hints) if (!after.has(partition)) after.set(partition, -1n);
    this.hints.clear();
    const found = await announcementsAfter(this.pool, after, CATCH_UP_LIMIT);
    const perPartition = new Map<number, number>();
    for (const announcement of found) {
      this.announced.set(announcement.partition, BigInt(announcement.nextOffset));
      this.announce(announcement);
      perPartition.set(announcement.partition, (perPartition.get(announcement.partition) ?? 0) + 1);
    }
    if ([...perPartition.values()].some((n) => n >= CATCH_UP_LIMIT)) {
      this.hub.send('resync', { reason: 'behind' });
      this.announced = await this.heads();
    }
  }

  private announce(a: Announcement): void {
    for (const [event, data, id] of announcementEvents(a, streamId(this.announced))) this.hub.send(event, data, id);
  }
}

/**
 * The events of one announcement; the last carries `id` (the position after it), so a stream cut
 * in the middle of an announcement gets all of it again on resuming.
 */
function announcementEvents(a: Announcement, id: string): [string, unknown, string | undefined][] {
  const events: [string, unknown, string | undefined][] = [
    ['applied', { partition: a.partition, nextOffset: a.nextOffset, events: a.events, ...(a.truncated && { truncated: true }) }, undefined],
  ];
  for (const { party, proposalId } of a.positions) events.push(['position', { party, proposalId }, undefined]);
  if (a.truncated) events.push(['resync', { reason: 'truncated' }, undefined]);
  events[events.length - 1][2] = id;
  return events;
}

/** `partition:nextOffset` per partition announced, ascending: the stream's position as an SSE id. */
export function streamId(position: Map<number, bigint>): string {
  return [...position.entries()]
    .filter(([, offset]) => offset >= 0n)
    .sort(([a], [b]) => a - b)
    .map(([p, o]) => `${p}:${o}`)
    .join(',');
}

/** The position a Last-Event-ID names; undefined when it is not one of ours. */
export function parseStreamId(id: string): Map<number, bigint> | undefined {
  if (id.length > 4096 || !/^\d{1,6}:\d{1,19}(,\d{1,6}:\d{1,19})*$/.test(id)) return undefined;
  const position = new Map<number, bigint>();
  for (const part of id.split(',')) {
    const [p, o] = part.split(':');
    if (Number(p) > MAX_PARTITION || position.has(Number(p))) return undefined;
    position.set(Number(p), BigInt(o));
  }
  return position;
}
