import { Pool } from 'pg';
import { KnownAt, tableRef } from '../known-at/known-at';
import { decodeCursor, encodeCursor, Page } from '@ledger/ledger-store';

export const DYAD_INTERVALS = ['day', 'week', 'month'] as const;
/** Period length; weeks are ISO weeks (starting Monday). */
export type DyadInterval = (typeof DYAD_INTERVALS)[number];

/** What one principal did toward another in one period (DOMAIN.md §4, dyads). */
export interface DyadView {
  source: string;
  target: string;
  /** First day of the period (YYYY-MM-DD). */
  period: string;
  events: number;
  goldsteinSum: number;
  /** goldsteinSum / events, rounded to 3 decimals. */
  goldsteinMean: number;
  /** Counts per CAMEO quad class: verbal cooperation 01–05, material cooperation 06–08, verbal conflict 09–14, material conflict 15–20. */
  quad: { verbalCooperation: number; materialCooperation: number; verbalConflict: number; materialConflict: number };
}

export interface DyadFilter {
  /** First day included (YYYY-MM-DD). */
  from: string;
  /** First day not included (YYYY-MM-DD). */
  to: string;
  interval: DyadInterval;
  source?: string;
  target?: string;
  limit: number;
  cursor?: string;
}

/**
 * Sums the daily dyads of [from, to) per period; a period at either edge of the range holds only
 * the days inside it. Ordered by period, then source and target. As known at `known.at` when given.
 */
export async function listDyads(pool: Pool, filter: DyadFilter, known?: KnownAt | null): Promise<Page<DyadView>> {
  const [period, source, target] = filter.cursor ? decodeCursor(filter.cursor, ['text', 'text', 'text']) : [null, null, null];
  const params: unknown[] = [filter.interval, filter.from, filter.to, filter.source ?? null, filter.target ?? null, period, source, target, filter.limit + 1];
  const from = tableRef('dyads_v1', params, known);
  const { rows } = await pool.query(
    `SELECT * FROM (
       SELECT source, target, to_char(date_trunc($1, day::timestamp), 'YYYY-MM-DD') AS period, sum(events)::int AS events,
              round(sum(goldstein_sum), 3)::text AS goldstein_sum, round(sum(goldstein_sum) / sum(events), 3)::text AS goldstein_mean, sum(verbal_coop)::int AS vc, sum(material_coop)::int AS mc,
              sum(verbal_conflict)::int AS vk, sum(material_conflict)::int AS mk
         FROM ${from} dy
        WHERE day >= $2::date AND day < $3::date AND ($4::text IS NULL OR source = $4) AND ($5::text IS NULL OR target = $5)
        GROUP BY 1, 2, 3) d
      WHERE $6::text IS NULL OR (period, source COLLATE "C", target COLLATE "C") > ($6::text, $7::text COLLATE "C", $8::text COLLATE "C")
      ORDER BY period, source COLLATE "C", target COLLATE "C" LIMIT $9`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      source: r.source,
      target: r.target,
      period: r.period,
      events: r.events,
      goldsteinSum: Number(r.goldstein_sum),
      goldsteinMean: Number(r.goldstein_mean),
      quad: { verbalCooperation: r.vc, materialCooperation: r.mc, verbalConflict: r.vk, materialConflict: r.mk },
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor([last.period, last.source, last.target]) : undefined,
  };
}
