import { PoolClient } from 'pg';
import { FactChange, ResolvedFact } from '../facts/fact';
import { Projection } from '../projection';
import { dyadContributions } from './dyads.fold';
import { write } from '@ledger/postgres';

/**
 * Directed dyads per day: each event counts once per (source principal → target principal) and
 * coded act (a conditional acceptance adds one 10x demand per condition). Sources are the actors,
 * targets the recipients (and the accused of a violation); a meeting's participants pair up both
 * ways. Commentators and unresolved voices never count, nor does a party toward itself.
 */
export class DyadsProjection implements Projection {
  readonly name = 'dyads_v1';

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    // What a changed event contributed before is derived again from what the read models had
    // derived it from (its previous effective form and voices), and taken back: each contribution
    // signed, -1 taken back and +1 new, summed in SQL.
    const signed: SignedCell[] = [];
    const old: { source: string; target: string; day: string }[] = [];
    for (const c of changes) {
      if (c.previous && c.previousVoices) {
        for (const d of dyadContributions({ ...(c.after ?? placeholder(c)), effective: c.previous, voices: c.previousVoices } as ResolvedFact)) {
          signed.push({ source: d.source, target: d.target, day: d.day, goldstein: d.goldstein, quad: d.quad, sign: -1 });
          old.push({ source: d.source, target: d.target, day: d.day });
        }
      }
      if (c.after?.effective)
        for (const d of dyadContributions(c.after)) signed.push({ source: d.source, target: d.target, day: d.day, goldstein: d.goldstein, quad: d.quad, sign: 1 });
    }
    if (!signed.length) return;
    // Cells are additive (numeric, exact; trim_scale so that 3.4 + 10 - 3.4 reads 10, as a fresh
    // fold has it). Another partition's batch may add to the same cells at the same time: the
    // upsert locks them in key order, so the two wait for each other, never deadlock, and neither
    // overwrites the other's counts.
    await write(
      client,
      `INSERT INTO dyads_v1 AS d (source, target, day, events, goldstein_sum, verbal_coop, material_coop, verbal_conflict, material_conflict)
       SELECT source, target, day, sum(sign), trim_scale(sum(sign * goldstein)), coalesce(sum(sign) FILTER (WHERE quad = 1), 0), coalesce(sum(sign) FILTER (WHERE quad = 2), 0),
              coalesce(sum(sign) FILTER (WHERE quad = 3), 0), coalesce(sum(sign) FILTER (WHERE quad = 4), 0)
         FROM jsonb_to_recordset($1::jsonb) AS r(source text, target text, day date, goldstein numeric, quad smallint, sign int)
        GROUP BY source, target, day
        ORDER BY source, target, day
       ON CONFLICT (source, target, day) DO UPDATE SET events = d.events + excluded.events, goldstein_sum = trim_scale(d.goldstein_sum + excluded.goldstein_sum),
              verbal_coop = d.verbal_coop + excluded.verbal_coop, material_coop = d.material_coop + excluded.material_coop,
              verbal_conflict = d.verbal_conflict + excluded.verbal_conflict, material_conflict = d.material_conflict + excluded.material_conflict`,
      [JSON.stringify(signed)],
    );
    if (old.length) {
      // A cell nothing counts in any more is gone, as a fresh fold would have it.
      await write(
        client,
        `DELETE FROM dyads_v1 d USING jsonb_to_recordset($1::jsonb) AS k(source text, target text, day date)
          WHERE d.source = k.source AND d.target = k.target AND d.day = k.day AND d.events = 0`,
        [JSON.stringify(old)],
      );
    }
  }
}

/** One contribution to a cell, signed: -1 taken back, +1 new. */
interface SignedCell {
  source: string;
  target: string;
  day: string;
  goldstein: number;
  quad: number | null;
  sign: number;
}

/** A change's fact when it no longer counts (retracted): only its identity is needed to take back what it contributed. */
function placeholder(c: FactChange) {
  return { eventId: c.eventId, type: c.type, partition: 0, offset: '0', recordedAt: '', envelope: c.previous, previous: null };
}
