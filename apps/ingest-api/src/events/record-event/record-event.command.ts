import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { contentHash, encodeEvent, EventEnvelope, LedgerTopics } from '@ledger/contracts';
import { EventLog } from '@ledger/kafka';
import { LEDGER_TOPICS } from '@ledger/platform';
import { EventIdConflictError, PublishResult } from '../shared/publish-result';
import { Receipts } from '../shared/receipts';

/** Append one validated envelope to the ledger log. */
export class RecordEventCommand extends Command<PublishResult> {
  constructor(readonly event: EventEnvelope) {
    super();
  }
}

@CommandHandler(RecordEventCommand)
export class RecordEventHandler implements ICommandHandler<RecordEventCommand> {
  constructor(
    private readonly log: EventLog,
    private readonly receipts: Receipts,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
  ) {}

  async execute({ event }: RecordEventCommand): Promise<PublishResult> {
    const hash = contentHash(event);
    const known = await this.receipts.known(event.eventId);
    if (known === hash) return { eventId: event.eventId, status: 'duplicate' };
    if (known !== null) throw new EventIdConflictError(event.eventId);
    const [appended] = await this.log.append(this.topics.events, [encodeEvent(event)]);
    const recordedAt = new Date(Number(appended.timestamp)).toISOString();
    this.receipts.record([{ eventId: event.eventId, contentSha256: hash, partition: appended.partition, offset: appended.offset, acceptedAt: recordedAt }]);
    return { eventId: event.eventId, status: 'accepted', partition: appended.partition, offset: appended.offset, recordedAt };
  }
}
