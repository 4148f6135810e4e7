import { Pool } from 'pg';
import { KnownAt, tableRef } from '../known-at/known-at';
import { decodeCursor, encodeCursor, Page } from '@ledger/ledger-store';

/** Where a threat stands at valid time asOf (DOMAIN.md §4, threat tracker). */
export const THREAT_STATUSES = ['armed', 'triggered', 'executed', 'lapsed'] as const;
export type ThreatStatus = (typeof THREAT_STATUSES)[number];

/** A sanction threat as it stood at `asOf`: later triggers and executions are not known yet. */
export interface ThreatView {
  /** The SanctionThreatened event. */
  threatId: string;
  /** The principal who threatened. */
  by: string | null;
  against: string[];
  sanction: { kind: string; scope: string };
  /** What sets it off: the party doing the act (eventType), on the proposal when one is named. */
  trigger: { party: string | null; eventType: string | null; proposalId?: string } | null;
  /** Calendar date after which an untriggered threat has lapsed. */
  deadline: string | null;
  ultimatum: boolean;
  proposalId: string | null;
  /** Valid time of the threat (its occurredAt value). */
  occurredAt: string;
  status: ThreatStatus;
  /** The event that triggered it, when that had happened by asOf. */
  triggeredBy: string | null;
  /** The SanctionImposed that fulfilled it, when that had happened by asOf. */
  executedBy: string | null;
}

export interface ThreatFilter {
  /** The threatening party or one of its targets. */
  party?: string;
  status?: ThreatStatus;
  asOf: Date;
  limit: number;
  cursor?: string;
}

/** executed ≤ asOf, else triggered ≤ asOf, else lapsed once the deadline's day is over, else armed. */
const STATUS = `CASE WHEN executed_start <= $1 THEN 'executed'
                     WHEN triggered_start <= $1 THEN 'triggered'
                     WHEN deadline < ($1::timestamptz AT TIME ZONE 'UTC')::date THEN 'lapsed'
                     ELSE 'armed' END`;

/** Threats made by asOf, newest first, with their status at asOf; as known at `known.at` when given. */
export async function listThreats(pool: Pool, filter: ThreatFilter, known?: KnownAt | null): Promise<Page<ThreatView>> {
  const [start, id] = filter.cursor ? decodeCursor(filter.cursor, ['timestamp', 'uuid']) : [null, null];
  const params: unknown[] = [filter.asOf, filter.party ?? null, filter.status ?? null, start, id, filter.limit + 1];
  const from = tableRef('threats_v1', params, known);
  const { rows } = await pool.query(
    `SELECT * FROM (
       SELECT t.*, to_char(t.deadline, 'YYYY-MM-DD') AS deadline_day, ${STATUS} AS status FROM ${from} t
        WHERE occurred_start <= $1 AND ($2::text IS NULL OR by_party = $2 OR $2 = ANY(against))) s
      WHERE ($3::text IS NULL OR status = $3)
        AND ($4::timestamptz IS NULL OR (occurred_start, threat_id) < ($4::timestamptz, $5::uuid))
      ORDER BY occurred_start DESC, threat_id DESC LIMIT $6`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toThreat(r, filter.asOf)),
    nextCursor: rows.length > filter.limit && last ? encodeCursor([(last.occurred_start as Date).toISOString(), last.threat_id]) : undefined,
  };
}

function toThreat(r: Record<string, any>, asOf: Date): ThreatView {
  const known = (at: Date | null) => at !== null && at.getTime() <= asOf.getTime();
  const trigger = r.trigger_party || r.trigger_type ? { party: r.trigger_party, eventType: r.trigger_type, ...(r.trigger_proposal && { proposalId: r.trigger_proposal }) } : null;
  return {
    threatId: r.threat_id,
    by: r.by_party,
    against: r.against,
    sanction: r.sanction,
    trigger,
    deadline: r.deadline_day,
    ultimatum: r.ultimatum,
    proposalId: r.proposal_id,
    occurredAt: r.occurred_value,
    status: r.status,
    triggeredBy: known(r.triggered_start) ? r.triggered_by : null,
    executedBy: known(r.executed_start) ? r.executed_by : null,
  };
}
