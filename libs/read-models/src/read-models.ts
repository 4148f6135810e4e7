import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { FactChange } from './facts/fact';
import { waitingTargets, writeFacts } from './facts/facts.writer';
import { readBoth } from '@ledger/postgres';
import { DyadsProjection } from './dyads/dyads.projection';
import { PositionsProjection } from './positions/positions.projection';
import { KeyLocker, Projection } from './projection';
import { enterReadModels, lockKeys, lockModeOf } from './read-model-locks';
import { ProposalsProjection } from './proposals/proposals.projection';
import { refreshRegistry } from './registry/registry.writer';
import { READ_SCHEMA } from './schemas';
import { StatementsProjection } from './statements/statements.projection';
import { ThreatsProjection } from './threats/threats.projection';
import { refreshVoices, Stored } from './voices/voices.writer';
import { resolveVoices } from './voices/event-voices';
import { RegistryCache } from './registry/rollup-context';
import { actorsColumn } from './facts/facts.writer';

/** What one batch changed in the read models. */
export interface ReadModelChanges {
  changes: FactChange[];
  /** The (party, proposal) stances re-folded. */
  positions: { party: string; proposalId: string }[];
}

/**
 * Every read model, written together inside the caller's transaction: facts, the registry, the
 * resolved voices, then each projection. The schema is a parameter, so a replay can build a fresh
 * copy beside the live one.
 */
export class ReadModels {
  private readonly positions = new PositionsProjection();
  private readonly registry = new RegistryCache();
  private readonly others: Projection[] = [new StatementsProjection(), new ProposalsProjection(), new ThreatsProjection(), new DyadsProjection()];

  constructor(readonly schema: string = READ_SCHEMA) {}

  /** Folds newly applied events (never duplicates) into the read models; answers what changed. */
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<ReadModelChanges> {
    if (!events.length) return { changes: [], positions: [] };
    // Shared for ordinary batches (partitions in parallel), exclusive for registry facts and
    // modifiers; then the proposals the batch is about, in a fixed order (read-model-locks).
    // The search_path is transaction-scoped: the caller's later statements qualify their schemas (ledger.*).
    const mode = lockModeOf(events);
    await enterReadModels(
      client,
      this.schema,
      mode,
      events.flatMap((e) => (e.proposalId ? [e.proposalId] : [])),
    );
    const lock: KeyLocker = (cls, keys) => lockKeys(client, this.schema, mode, cls, keys);
    // New facts are written with their voices resolved against the registry as it stands: one row
    // per event, updated only when the batch's own registry facts or corrections resolve it anew.
    // The registry's epoch (and the registry, when it moved) and the modifiers recorded earlier that
    // wait for this batch's events: independent reads, in one round trip.
    const [ctx, waiting] = await readBoth(
      client,
      () => this.registry.context(client),
      () => waitingTargets(client, events),
    );
    const inserted = new Map<string, Stored>();
    const written = await writeFacts(
      client,
      events,
      (e) => {
        const own = { voices: resolveVoices(e, ctx), actors: actorsColumn(e.type, e) };
        inserted.set(e.eventId, own);
        return own;
      },
      waiting,
    );
    const rolledUp = await refreshRegistry(client, written.changes);
    const changes = await refreshVoices(client, written.changes, written.fresh, inserted, rolledUp, { ctx, plain: written.plain });
    const positions = await this.positions.refreshPairs(client, changes);
    for (const projection of this.others) await projection.refresh(client, changes, lock);
    return { changes, positions };
  }
}
