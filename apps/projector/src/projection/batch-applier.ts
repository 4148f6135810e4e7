import { Inject, Injectable, Logger } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { canonicalEnvelope, CE_HEADERS, chainHash, decodeEvent, Decoded, LedgerTopics, LogMessage, occurredStartText, RecordedEvent } from '@ledger/contracts';
import { BatchResult, EventLog, LogBatch, LogEntry } from '@ledger/log';
import { inTransaction, PG_POOL, readAhead, readBoth, settleWrites, StatisticsKeeper, StatisticsTarget } from '@ledger/postgres';
import {
  advanceOffsets,
  Announcement,
  announceApplied,
  appliedContent,
  insertJournal,
  insertRejections,
  JOURNAL_LOOKUPS,
  JournalRow,
  LEDGER_SCHEMA,
  lockOffsets,
  RejectionRow,
} from '@ledger/ledger-store';
import { FactChange, READ_MODEL_LOOKUPS, READ_SCHEMA, ReadModels } from '@ledger/read-models';
import { LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { toDeadLetter } from './dead-letter';

/** The offset compare-and-set failed: another consumer advanced this partition first. */
export class FencedError extends Error {
  constructor(partition: number, expected: bigint) {
    super(`partition ${partition}: stored offset moved away from ${expected}; this consumer was fenced`);
    this.name = 'FencedError';
  }
}

/** What one applied batch did, for metrics and the live stream. */
export interface AppliedBatch {
  partition: number;
  applied: RecordedEvent[];
  /** What changed in the read models (new facts, corrected or retracted ones, re-resolved ones). */
  changes: FactChange[];
  duplicates: number;
  rejected: RejectionRow[];
}

/**
 * Applies one batch of one partition in one Postgres transaction: journal rows for every record,
 * rejections (and dead letters) for the invalid ones, read-model updates for the new facts, and the
 * partition's next offset with compare-and-set. Redelivered records below the stored offset are
 * skipped; an event id already applied is journaled as a duplicate and changes nothing.
 */
@Injectable()
export class BatchApplier {
  private readonly readModels = new ReadModels();
  private readonly listeners: ((batch: AppliedBatch) => void)[] = [];
  private lastPruned = 0;
  private readonly logger = new Logger('projector');
  /** The journal's and the read models' planner statistics, kept fresh (StatisticsKeeper). */
  private readonly statistics: StatisticsKeeper;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly log: EventLog,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
    private readonly config: LedgerConfig,
  ) {
    this.statistics = new StatisticsKeeper(pool, projectorLookups(), {
      everyMs: config.LEDGER_PROJECTOR_ANALYZE_SECONDS * 1000,
      onError: (e) => this.logger.warn(`refreshing planner statistics failed (the next batch tries again): ${(e as Error).message}`),
    });
  }

  onApplied(listener: (batch: AppliedBatch) => void): void {
    this.listeners.push(listener);
  }

  /**
   * A fetched batch is applied in transactions of at most LEDGER_PROJECTOR_TRANSACTION_RECORDS
   * records, one after the other, each with its own offset and chain link: a batch's rows stay
   * alive across every await of its transaction, and past a few thousand records the garbage
   * collector's copying of them costs more per event than the statements a smaller transaction
   * repeats (docs/benchmarks.md). A part that does not end where the next begins (the stored offset
   * moved: a redelivery or another consumer) ends the batch there; the consumer seeks.
   */
  async handle(batch: LogBatch): Promise<BatchResult> {
    // In the background, on a connection of its own: ANALYZE blocks no writer.
    void this.statistics.maybeRun();
    const size = this.config.LEDGER_PROJECTOR_TRANSACTION_RECORDS;
    if (batch.messages.length <= size) return (await this.applyTogether([batch]))[0];
    let fetchedFrom = batch.fetchedFrom;
    let result: BatchResult = { nextOffset: batch.messages[0].offset };
    for (let i = 0; i < batch.messages.length; i += size) {
      const messages = batch.messages.slice(i, i + size);
      [result] = await this.applyTogether([{ ...batch, messages, fetchedFrom }]);
      const end = (BigInt(messages[messages.length - 1].offset) + 1n).toString();
      if (result.nextOffset !== end) return result;
      // The next part starts where this one ended, as the log returned them: a gap between is the log's own.
      fetchedFrom = end;
    }
    return result;
  }

  /**
   * Batches of different partitions fetched together (at most LEDGER_PROJECTOR_TRANSACTION_RECORDS
   * records in all), applied in one transaction: under a steady trickle a fetch brings a dozen
   * records per partition, and one transaction for all of them pays each statement's fixed cost
   * once instead of once per partition. Each partition keeps its own offset, chain and announcement.
   */
  async handleTogether(batches: LogBatch[]): Promise<BatchResult[]> {
    if (new Set(batches.map((b) => b.partition)).size < batches.length) {
      // Two batches of one partition (never from one fetch): one after the other, each on its own.
      const results: BatchResult[] = [];
      for (const batch of batches) results.push(await this.handle(batch));
      return results;
    }
    void this.statistics.maybeRun();
    return this.applyTogether(batches);
  }

  private async applyTogether(batches: LogBatch[]): Promise<BatchResult[]> {
    const parts = batches.map((batch) => ({ batch, decoded: batch.messages.map((m) => ({ entry: m, decoded: decodeEvent(m.value) })) }));
    const outcome = await contended(() => inTransaction(this.pool, (client) => this.applyInTransaction(client, parts), { pipeline: this.config.LEDGER_DATABASE_PIPELINE }));
    for (const applied of outcome.applied) for (const listener of this.listeners) listener(applied);
    return outcome.results;
  }

  private async applyInTransaction(client: PoolClient, parts: Part[]): Promise<{ results: BatchResult[]; applied: AppliedBatch[] }> {
    const scope = { group: this.config.LEDGER_PROJECTOR_GROUP, topic: parts[0].batch.topic };
    // The offsets' row locks (one consumer per partition at a time), and in the same round trip the
    // journal's content hashes of every event id fetched: PostgreSQL answers the lookup after the
    // locks are held, so it sees what a consumer that moved a partition first had committed. Records
    // below a stored offset are looked up for nothing, and are rare (a redelivery).
    const [offsets, seen] = await readBoth(
      client,
      () =>
        lockOffsets(
          client,
          scope,
          parts.map((p) => p.batch.partition),
        ),
      () =>
        appliedContent(
          client,
          parts.flatMap((p) => p.decoded.flatMap((d) => (d.decoded.ok ? [d.decoded.event.eventId] : []))),
        ),
    );
    const results: BatchResult[] = [];
    const live: LivePart[] = [];
    for (const { batch, decoded } of parts) {
      const { next: stored, chain } = offsets.get(batch.partition)!;
      results.push({ nextOffset: stored.toString() });
      // A batch that starts past the stored offset, not fetched from it, missed records: the consumer seeks.
      if (BigInt(batch.messages[0].offset) > stored && batch.fetchedFrom !== stored.toString()) continue;
      const fresh = decoded.filter((d) => BigInt(d.entry.offset) >= stored);
      if (fresh.length) live.push({ index: results.length - 1, batch, fresh, stored, chain });
    }
    if (!live.length) return { results, applied: [] };

    const classified = this.classify(live, seen);
    await insertJournal(client, classified.journal);
    await insertRejections(client, classified.rejected);
    const moves = live.map((p, i) => ({
      partition: p.batch.partition,
      from: p.stored,
      to: BigInt(p.fresh[p.fresh.length - 1].entry.offset) + 1n,
      chain: classified.parts[i].chain,
    }));
    // The offsets' compare-and-set, known from the journal rows alone: it goes out with them, and its
    // answer is read before the commit (the rows are locked since lockOffsets, so it holds).
    const advanced = await readAhead(client, () => advanceOffsets(client, scope, moves));
    const { changes, positions } = await this.readModels.apply(client, classified.applied);
    if (classified.rejected.length) {
      // Dead letters go out before the commit: a crash in between re-sends them (at least once,
      // identified by their source coordinates), never loses them. Not before the transaction's
      // pipelined writes have all succeeded: one that failed fails the batch before it is sent.
      await settleWrites(client);
      const letters: LogMessage[] = classified.rejected.map(toDeadLetter);
      await this.log.append(this.topics.dlq, letters);
    }
    const fenced = await advanced.answer;
    if (fenced.length) throw new FencedError(fenced[0], moves.find((m) => m.partition === fenced[0])!.from);
    const prune = Date.now() - this.lastPruned > PRUNE_EVERY_MS;
    // The batches' re-folded positions are announced with the first partition's events (one commit makes them all visible).
    const announced = live.map((p, i) => ({
      partition: p.batch.partition,
      nextOffset: moves[i].to.toString(),
      events: classified.parts[i].applied.map((e) => ({ eventId: e.eventId, type: e.type })),
      positions: i === 0 ? positions : [],
    }));
    if (await announce(client, announced, prune)) this.lastPruned = Date.now();
    const applied = live.map((p, i): AppliedBatch => {
      results[p.index] = { nextOffset: moves[i].to.toString() };
      const { applied: events, duplicates, rejected } = classified.parts[i];
      return { partition: p.batch.partition, applied: events, changes: i === 0 ? changes : [], duplicates, rejected };
    });
    return { results, applied };
  }

  /**
   * Journal rows, rejections and the events to apply of every live part, each partition's chain
   * carried on from its stored head; one duplicate lookup for them all (`seen`: the journal's content
   * hash of each event id applied before, added to as this goes), so that an event id sent to two
   * partitions of one transaction is applied once.
   */
  private classify(live: LivePart[], seen: Map<string, string>) {
    const journal: JournalRow[] = [];
    const rejected: RejectionRow[] = [];
    const applied: RecordedEvent[] = [];
    const parts: { applied: RecordedEvent[]; duplicates: number; rejected: RejectionRow[]; chain: Buffer }[] = [];
    for (const { batch, fresh, chain: head } of live) {
      const own: RecordedEvent[] = [];
      const refused: RejectionRow[] = [];
      let duplicates = 0;
      let chain = head;
      // The topic stamps LogAppendTime: the records of one produce request share it, so a run of
      // records carries one time, formatted once (toISOString: over a microsecond on a slow VM).
      let stamp: string | undefined;
      let recordedAt = '';
      for (const { entry, decoded } of fresh) {
        if (entry.timestamp !== stamp) {
          stamp = entry.timestamp;
          recordedAt = new Date(Number(stamp)).toISOString();
        }
        // One canonical serialisation serves the chain and the content hash. The received value is not
        // hashed as is: a direct publisher's bytes need not be canonical, and the chain must be
        // reproducible from the journal's stored envelope (ledger verify).
        const canonical = decoded.ok ? canonicalEnvelope(decoded.event) : null;
        chain = chainHash(chain, canonical ? canonical.bytes : (entry.value ?? Buffer.alloc(0)));
        if (!decoded.ok) {
          journal.push({
            partition: batch.partition,
            offset: entry.offset,
            recordedAt,
            hash: chain,
            eventId: null,
            disposition: 'rejected',
            type: null,
            occurredStart: null,
            contentSha256: null,
            envelope: null,
          });
          refused.push(rejection(batch, entry, recordedAt, headerEventId(entry), decoded.reason, decoded.problems));
          continue;
        }
        const event = decoded.event;
        const hash = canonical!.contentSha256;
        // Written out, not spread from a shared part: a spread in a literal copies property by property, per record.
        const row: JournalRow = {
          partition: batch.partition,
          offset: entry.offset,
          recordedAt,
          hash: chain,
          eventId: event.eventId,
          disposition: 'applied',
          type: event.type,
          occurredStart: occurredStartText(event.occurredAt),
          contentSha256: hash,
          envelope: event,
          envelopeText: canonical!.text,
        };
        const contradiction = headerContradiction(entry, event);
        if (contradiction) {
          // A consumer routing on CloudEvents headers would see another event than the ledger applies.
          journal.push({ ...row, disposition: 'rejected' });
          refused.push(rejection(batch, entry, recordedAt, event.eventId, 'headers.mismatch', [contradiction]));
          continue;
        }
        const previous = seen.get(event.eventId);
        if (previous === undefined) {
          seen.set(event.eventId, hash);
          journal.push(row);
          own.push({ ...event, recordedAt, partition: batch.partition, offset: entry.offset });
        } else if (previous === hash) {
          duplicates++;
          journal.push({ ...row, disposition: 'duplicate' });
        } else {
          journal.push({ ...row, disposition: 'rejected' });
          refused.push(
            rejection(batch, entry, recordedAt, event.eventId, 'event.id_conflict', [
              { field: 'eventId', message: 'this event id was already applied with different content; the first one stands' },
            ]),
          );
        }
      }
      applied.push(...own);
      rejected.push(...refused);
      parts.push({ applied: own, duplicates, rejected: refused, chain });
    }
    return { journal, rejected, applied, parts };
  }
}

/** A fetched batch and its decoded records. */
interface Part {
  batch: LogBatch;
  decoded: { entry: LogEntry; decoded: Decoded }[];
}

/** A part with records at or past its partition's stored offset: `index` is its place among the parts. */
interface LivePart {
  index: number;
  batch: LogBatch;
  fresh: { entry: LogEntry; decoded: Decoded }[];
  stored: bigint;
  chain: Buffer;
}

/**
 * Batches of different partitions run at the same time. Where they meet on the same rows — the
 * same event id published to two partitions, one proposal spread over partitions by a publisher's
 * own partitioner — PostgreSQL makes one wait, and in the rare cycle (two duplicated ids met in
 * opposite orders) aborts one: the batch's transaction rolled back whole, so it is simply run
 * again, at once, a few times, before the consumer's own retry with backoff takes over.
 */
const CONTENTION_CODES = new Set(['40P01', '40001', '23505']);
const CONTENTION_ATTEMPTS = 5;

async function contended<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= CONTENTION_ATTEMPTS || !CONTENTION_CODES.has((e as { code?: string }).code ?? '')) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

const ANNOUNCEMENT_LIMIT = 64_000; // characters of JSON: one SSE line a dashboard parses at once
const PRUNE_EVERY_MS = 60_000;

/**
 * Records what GET /v1/stream announces for these batches (in their transaction, one announcement
 * per partition) and wakes the query API; answers whether anything was announced (and pruned, when
 * asked).
 */
async function announce(client: PoolClient, batches: Announcement[], prune: boolean): Promise<boolean> {
  const announcements = batches.filter((b) => b.events.length || b.positions.length).map(withinLimit);
  await announceApplied(client, announcements, { prune });
  return announcements.length > 0;
}

/** An announcement cut to ANNOUNCEMENT_LIMIT characters of JSON, `truncated` when anything was left out. */
function withinLimit(announcement: Announcement): Announcement {
  let { events, positions } = announcement;
  let truncated = false;
  while (JSON.stringify({ events, touched: positions }).length > ANNOUNCEMENT_LIMIT && (events.length > 1 || positions.length > 1)) {
    events = events.slice(0, Math.ceil(events.length / 2));
    positions = positions.slice(0, Math.ceil(positions.length / 2));
    truncated = true;
  }
  return { ...announcement, events, positions, ...(truncated && { truncated }) };
}

/**
 * A direct producer's CloudEvents headers must not contradict the body: `ce_id` is the body's
 * `eventId` (case aside) and `ce_type` its `type`. A missing header contradicts nothing.
 */
function headerContradiction(entry: LogEntry, event: { eventId: string; type: string }): { field: string; message: string } | null {
  const id = entry.headers[CE_HEADERS.id];
  if (id !== undefined && id.toLowerCase() !== event.eventId.toLowerCase()) {
    return { field: CE_HEADERS.id, message: `the ${CE_HEADERS.id} header says ${JSON.stringify(id.slice(0, 64))} but the body's eventId is ${event.eventId}` };
  }
  const type = entry.headers[CE_HEADERS.type];
  if (type !== undefined && type !== event.type) {
    return { field: CE_HEADERS.type, message: `the ${CE_HEADERS.type} header says ${JSON.stringify(type.slice(0, 64))} but the body's type is ${event.type}` };
  }
  return null;
}

function headerEventId(entry: LogEntry): string | null {
  const id = entry.headers['ce_id'];
  return id && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : null;
}

function rejection(batch: LogBatch, entry: LogEntry, recordedAt: string, eventId: string | null, reason: string, problems: unknown): RejectionRow {
  return { topic: batch.topic, partition: batch.partition, offset: entry.offset, eventId, reason, problems, raw: entry.value, headers: entry.headers, recordedAt };
}

/** The tables (and columns) whose planner statistics the projector keeps fresh: the journal and the read models it looks rows up in. */
export function projectorLookups(): StatisticsTarget[] {
  return [{ schema: LEDGER_SCHEMA, ...JOURNAL_LOOKUPS }, ...READ_MODEL_LOOKUPS.map((t) => ({ schema: READ_SCHEMA, ...t }))];
}
