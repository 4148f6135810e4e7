import { compareOrder, OrderKey } from './fold-order';
import { PositionState } from './positions.fold';

/** The fold's state after a pair's last history step, as one transaction of this process wrote it. */
export interface PairTail {
  /** The step's place in the fold order. */
  key: OrderKey;
  state: PositionState;
  /** Changed steps since the last stored state (position-refold's STATE_EVERY rule). */
  changes: number;
  /** The id of the transaction that wrote the step's row (its xmin, as text). */
  xid: string;
}

/** The pair's last history row as the database holds it now. */
export interface LastRow {
  key: OrderKey;
  xmin: string;
}

/**
 * The state after each pair's last history step, held by one projector process between batches: a
 * batch that appends to a pair folds on from here, without reading its stored state and the events
 * after it back. An entry counts only while the pair's last row is the very row it describes: the
 * same step, written by the same transaction (PostgreSQL's xmin, which every rewrite of a row
 * changes). Another process's re-fold, a batch that rolled back after its entries were set, a replay
 * that swapped the schema: each leaves a last row that does not match, and the pair is read back.
 * Entries are per schema (the search_path of the batch), and the oldest go beyond `limit`.
 */
export class PairTails {
  private readonly tails = new Map<string, PairTail>();

  constructor(private readonly limit = 10_000) {}

  /** The entry for a pair if it describes `last`, the pair's last row now. */
  match(schema: string, party: string, proposalId: string, last: LastRow | undefined): PairTail | undefined {
    const tail = this.tails.get(id(schema, party, proposalId));
    return tail && last && tail.xid === last.xmin && compareOrder(tail.key, last.key) === 0 ? tail : undefined;
  }

  set(schema: string, party: string, proposalId: string, tail: PairTail): void {
    const key = id(schema, party, proposalId);
    this.tails.delete(key);
    this.tails.set(key, tail);
    if (this.tails.size > this.limit) this.tails.delete(this.tails.keys().next().value!);
  }

  forget(schema: string, party: string, proposalId: string): void {
    this.tails.delete(id(schema, party, proposalId));
  }
}

const id = (schema: string, party: string, proposalId: string) => `${schema}\u0000${party}\u0000${proposalId}`;
