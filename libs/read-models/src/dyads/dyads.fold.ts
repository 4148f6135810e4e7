import { cameoQuad, effectiveCodes, impliedCodes, occurredStart, utcDay } from '@ledger/contracts';
import { ResolvedFact } from '../facts/fact';

const MEETING_TYPES = new Set(['MeetingHeld', 'NegotiationHeld', 'MeetingIntended']);
const MEETING_ROLES = new Set(['actor', 'participant', 'recipient']);
const SOURCE_ROLES = new Set(['actor']);
const TARGET_ROLES = new Set(['recipient', 'by']);

/**
 * The dyad contributions of one fact: one per (source, target) pair and coded act. Loops rather
 * than Sets, closures and flatMap: it runs for every event of a replay.
 */
export function dyadContributions(fact: ResolvedFact) {
  const out: { event_id: string; source: string; target: string; seq: number; day: string; cameo: string; goldstein: number; quad: number | null }[] = [];
  const e = fact.effective!;
  if (e.modality?.negated || e.modality?.hypothetical) return out;
  const codes: { cameo: string; goldstein: number; quad: number }[] = [];
  for (const c of [effectiveCodes(e), ...impliedCodes(e)]) {
    const quad = c ? cameoQuad(c.cameo) : null;
    if (c && quad !== null) codes.push({ cameo: c.cameo, goldstein: c.goldstein, quad });
  }
  if (!codes.length) return out;
  const meeting = MEETING_TYPES.has(e.type);
  const sources = principals(fact.voices, meeting ? MEETING_ROLES : SOURCE_ROLES);
  const targets = meeting ? sources : principals(fact.voices, TARGET_ROLES);
  if (!sources.length || !targets.length) return out;
  const day = utcDay(occurredStart(e.occurredAt) ?? 0);
  for (const source of sources)
    for (const target of targets) {
      if (source === target) continue;
      for (let seq = 0; seq < codes.length; seq++) {
        const c = codes[seq];
        out.push({ event_id: e.eventId, source, target, seq, day, cameo: c.cameo, goldstein: c.goldstein, quad: c.quad });
      }
    }
  return out;
}

/** The counted principals of the voices in `roles`, each once, in the voices' order. */
function principals(voices: ResolvedFact['voices'], roles: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const v of voices) if (v.counted && v.principal && roles.has(v.role) && !out.includes(v.principal)) out.push(v.principal);
  return out;
}

type Contribution = { source: string; target: string; day: string; goldstein: number; quad: number | null };

/**
 * dyads_v1 from contributions: one cell per (source, target, day), its Goldstein sum added
 * exactly in decimal (as PostgreSQL adds numeric) and trimmed of trailing zeros, as the
 * projection's additive upserts leave it.
 */
export function dyadCells(contributions: Contribution[]) {
  const cells = new DyadCells();
  for (const c of contributions) cells.add(c);
  return [...cells.rows()];
}

/**
 * dyadCells as contributions come: a replay adds each fact's as it folds the log, keeping only the
 * cells. Found by source, then target, then day: the parties' strings are few and hash once, where
 * a key joined from the three was a new string to hash for every contribution (the largest cost of
 * the dyads in a replay of a million events).
 */
export class DyadCells {
  private readonly cells = new Map<string, Map<string, Map<string, Cell>>>();
  /** Goldstein values scaled (few distinct values, each parsed once). */
  private readonly scaledOf = new Map<number, bigint>();

  add(c: Contribution): void {
    let targets = this.cells.get(c.source);
    if (!targets) this.cells.set(c.source, (targets = new Map()));
    let days = targets.get(c.target);
    if (!days) targets.set(c.target, (days = new Map()));
    let goldstein = this.scaledOf.get(c.goldstein);
    if (goldstein === undefined) this.scaledOf.set(c.goldstein, (goldstein = scaled(c.goldstein)));
    const cell = days.get(c.day);
    // Most contributions open a cell of their own: one object, its sum the first value (a bigint added to 0n is a new one).
    if (!cell) {
      const q = c.quad;
      days.set(c.day, {
        source: c.source,
        target: c.target,
        day: c.day,
        events: 1,
        sum: goldstein,
        q1: q === 1 ? 1 : 0,
        q2: q === 2 ? 1 : 0,
        q3: q === 3 ? 1 : 0,
        q4: q === 4 ? 1 : 0,
      });
      return;
    }
    cell.events++;
    cell.sum += goldstein;
    if (c.quad === 1) cell.q1++;
    else if (c.quad === 2) cell.q2++;
    else if (c.quad === 3) cell.q3++;
    else if (c.quad === 4) cell.q4++;
  }

  *rows() {
    for (const targets of this.cells.values())
      for (const days of targets.values())
        for (const c of days.values())
          yield {
            source: c.source,
            target: c.target,
            day: c.day,
            events: c.events,
            goldstein_sum: unscaled(c.sum),
            verbal_coop: c.q1,
            material_coop: c.q2,
            verbal_conflict: c.q3,
            material_conflict: c.q4,
          };
  }
}

/** A cell's counts: events, the Goldstein sum scaled (SCALE), and the events of each quad class (1–4). */
type Cell = { source: string; target: string; day: string; events: number; sum: bigint; q1: number; q2: number; q3: number; q4: number };

/** Decimal places kept exactly when summing Goldstein values (the scale runs -10..10 with one decimal; publishers may give more). */
const SCALE = 12;

function scaled(n: number): bigint {
  const [int, frac = ''] = String(n).split('.');
  if (/e/i.test(String(n)) || frac.length > SCALE) throw new Error(`Goldstein value ${n} has more than ${SCALE} decimals`);
  const negative = int.startsWith('-');
  const digits = BigInt(int.replace('-', '') + frac.padEnd(SCALE, '0'));
  return negative ? -digits : digits;
}

function unscaled(v: bigint): string {
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(SCALE + 1, '0');
  const frac = digits.slice(-SCALE).replace(/0+$/, '');
  const int = digits.slice(0, -SCALE);
  return `${negative ? '-' : ''}${int}${frac ? '.' + frac : ''}`;
}
