import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { canonicalEnvelope, encodeEventWith, EventEnvelope, LedgerTopics } from '@ledger/contracts';
import { EventLog } from '@ledger/log';
import { LEDGER_TOPICS } from '@ledger/config';
import { LedgerMetrics } from '@ledger/ops';
import { EventIdConflictError, PublishResult } from '../shared/publish-result';
import { Receipt, Receipts } from '@ledger/ledger-store';

/** Append validated envelopes to the ledger log, together, skipping exact repeats of accepted ones. */
export class PublishEventsCommand extends Command<PublishResult[]> {
  constructor(readonly events: EventEnvelope[]) {
    super();
  }
}

@CommandHandler(PublishEventsCommand)
export class PublishEventsHandler implements ICommandHandler<PublishEventsCommand> {
  constructor(
    private readonly log: EventLog,
    private readonly receipts: Receipts,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
    private readonly metrics: LedgerMetrics,
  ) {}

  async execute({ events }: PublishEventsCommand): Promise<PublishResult[]> {
    // One canonical serialisation per event: its sha256 goes on the receipt, its bytes onto the log.
    const canonical = events.map(canonicalEnvelope);
    const hashes = canonical.map((c) => c.contentSha256);
    const known = await Promise.all(events.map((e) => this.receipts.known(e.eventId)));
    const firstInBatch = new Map<string, number>();
    const fresh: number[] = [];
    events.forEach((event, i) => {
      const earlier = known[i] ?? (firstInBatch.has(event.eventId) ? hashes[firstInBatch.get(event.eventId)!] : null);
      if (earlier !== null && earlier !== hashes[i]) throw new EventIdConflictError(event.eventId);
      if (earlier === null) {
        firstInBatch.set(event.eventId, i);
        fresh.push(i);
      }
    });
    // Every new event goes out in one append: all acknowledged, or the caller gets 503 and retries.
    const appended = await this.log.append(
      this.topics.events,
      fresh.map((i) => encodeEventWith(events[i], canonical[i].bytes)),
    );
    for (const i of fresh) this.metrics.eventsAccepted.inc({ type: events[i].type });
    const results: PublishResult[] = events.map((e) => ({ eventId: e.eventId, status: 'duplicate' }));
    const receipts: Receipt[] = [];
    // A produce call's records share a few append times: each is formatted once.
    let lastTimestamp = '';
    let lastIso = '';
    fresh.forEach((i, k) => {
      const a = appended[k];
      if (a.timestamp !== lastTimestamp) {
        lastTimestamp = a.timestamp;
        lastIso = new Date(Number(a.timestamp)).toISOString();
      }
      results[i] = { eventId: events[i].eventId, status: 'accepted', partition: a.partition, offset: a.offset, recordedAt: lastIso };
      receipts.push({ eventId: events[i].eventId, contentSha256: hashes[i], partition: a.partition, offset: a.offset, acceptedAt: lastIso });
    });
    this.receipts.record(receipts);
    return results;
  }
}
