import { Pool } from 'pg';
import { positionHistory } from '@ledger/read-models';

export interface ExportScope {
  party: string;
  proposalId?: string;
  knownAt?: Date;
}

/**
 * The evidence behind a party's positions, as NDJSON lines: a header, then per proposal every
 * event that counts for the party there (its own acts, its tonal events, and the proposal's
 * condition resolutions) as recorded — with its log position and journal hash, so each line can be
 * checked against the hash chain — and the position history those events fold into.
 */
export async function* exportParty(pool: Pool, scope: ExportScope): AsyncGenerator<Record<string, unknown>> {
  yield { kind: 'export', party: scope.party, proposalId: scope.proposalId ?? null, knownAt: scope.knownAt?.toISOString() ?? null };
  const { rows: proposals } = await pool.query(
    `SELECT proposal_id FROM read_model.position_events_v1 WHERE party = $1 AND ($2::text IS NULL OR proposal_id = $2)
     UNION SELECT proposal_id FROM read_model.tonal_events_v1 WHERE party = $1 AND ($2::text IS NULL OR proposal_id = $2)
     ORDER BY 1`,
    [scope.party, scope.proposalId ?? null],
  );
  for (const { proposal_id: proposalId } of proposals) {
    const { rows: events } = await pool.query(
      `SELECT e.event_id, e.type, e.partition, e."offset"::text AS offset, e.recorded_at, e.envelope, e.effective, encode(j.hash, 'hex') AS hash
         FROM read_model.events_v1 e
         LEFT JOIN ledger.journal j ON j.partition = e.partition AND j."offset" = e."offset"
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
        hash: e.hash,
        envelope: e.envelope,
        ...(JSON.stringify(e.effective) !== JSON.stringify(e.envelope) ? { effectiveNow: e.effective } : {}),
      };
    }
    yield { kind: 'position', party: scope.party, proposalId, steps: await positionHistory(pool, scope.party, proposalId, scope.knownAt ?? null) };
  }
}
