import { LedgerError } from '@ledger/contracts';

/** What a publish did: the log acknowledged it now, or it had been accepted before with the same content. */
export type PublishResult = { eventId: string; status: 'accepted'; partition: number; offset: string; recordedAt: string } | { eventId: string; status: 'duplicate' };

/** An event id reused with different content: the first one stands. */
export class EventIdConflictError extends LedgerError {
  constructor(eventId: string) {
    super(
      409,
      'event.id_conflict',
      'Event id already used with different content',
      `Event ${eventId} was accepted before with other content; the first one stands. Use a new eventId or Idempotency-Key.`,
      {
        eventId,
      },
    );
  }
}
