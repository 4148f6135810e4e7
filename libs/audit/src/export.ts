import { Pool } from 'pg';
import { positionHistory } from '@ledger/read-models';
import { ExportProof } from './export-proof';

export interface ExportScope {
  party: string;
  proposalId?: string;
  knownAt?: Date;
}

/** Names the export's line format; `verify-export` refuses any other. */
export const EXPORT_FORMAT = 'statement-ledger-export/2';

/**
 * The evidence behind a party's positions, as NDJSON lines: a header, then per proposal every
 * event that counts for the party there (its own acts, its tonal events, and the proposal's
 * condition resolutions) as recorded — with its log position, previous and own chain hash and the
 * signed checkpoint that covers it — and the position history those events fold into; then the
 * chain links from each event to its checkpoint's head, and those checkpoints (see ExportProof).
 */
export async function* exportParty(pool: Pool, scope: ExportScope): AsyncGenerator<Record<string, unknown>> {
  yield { kind: 'export', format: EXPORT_FORMAT, party: scope.party, proposalId: scope.proposalId ?? null, knownAt: scope.knownAt?.toISOString() ?? null };
  const proof = new ExportProof(pool);
  const { rows: proposals } = await pool.query(
    `SELECT proposal_id FROM read_model.position_events_v1 WHERE party = $1 AND ($2::text IS NULL OR proposal_id = $2)
     UNION SELECT proposal_id FROM read_model.tonal_events_v1 WHERE party = $1 AND ($2::text IS NULL OR proposal_id = $2)
     ORDER BY 1`,
    [scope.party, scope.proposalId ?? null],
  );
  for (const { proposal_id: proposalId } of proposals) {
    const { rows: events } = await pool.query(
      `SELECT e.event_id, e.type, e.partition, e."offset"::text AS offset, e.recorded_at, e.counts, e.revised, encode(j.hash, 'hex') AS hash,
              j.envelope,
              coalesce((SELECT encode(p.hash, 'hex') FROM ledger.journal p WHERE p.partition = e.partition AND p."offset" < e."offset" ORDER BY p."offset" DESC LIMIT 1),
                       repeat('0', 64)) AS prev_hash
         FROM read_model.events_v1 e
         JOIN ledger.journal j ON j.partition = e.partition AND j."offset" = e."offset"
        WHERE e.event_id IN (SELECT event_id FROM read_model.position_events_v1 WHERE party = $1 AND proposal_id = $2
                             UNION SELECT event_id FROM read_model.tonal_events_v1 WHERE party = $1 AND proposal_id = $2
                             UNION SELECT event_id FROM read_model.events_v1 WHERE proposal_id = $2 AND type = 'ConditionResolved')
          AND ($3::timestamptz IS NULL OR e.recorded_at <= $3)
        ORDER BY e.occurred_start, e.partition, e."offset"`,
      [scope.party, proposalId, scope.knownAt ?? null],
    );
    for (const e of events) {
      yield {
        kind: 'event',
        proposalId,
        eventId: e.event_id,
        type: e.type,
        partition: e.partition,
        offset: e.offset,
        recordedAt: (e.recorded_at as Date).toISOString(),
        prevHash: e.prev_hash,
        hash: e.hash,
        checkpointId: await proof.cover(e.partition, e.offset),
        envelope: e.envelope,
        // Where corrections, citations or a retraction changed it: its effective form now (null: retracted).
        ...(!e.counts || e.revised !== null ? { effectiveNow: e.counts ? e.revised : null } : {}),
      };
    }
    yield { kind: 'position', party: scope.party, proposalId, steps: await positionHistory(pool, scope.party, proposalId, scope.knownAt ?? null) };
  }
  yield* proof.lines();
}
