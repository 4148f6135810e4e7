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
    let cell = days.get(c.day);
    if (!cell) days.set(c.day, (cell = { source: c.source, target: c.target, day: c.day, events: 0, sum: 0n, quads: [0, 0, 0, 0, 0] }));
    cell.events++;
    let goldstein = this.scaledOf.get(c.goldstein);
    if (goldstein === undefined) this.scaledOf.set(c.goldstein, (goldstein = scaled(c.goldstein)));
    cell.sum += goldstein;
    if (c.quad !== null) cell.quads[c.quad]++;
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
            verbal_coop: c.quads[1],
            material_coop: c.quads[2],
            verbal_conflict: c.quads[3],
            material_conflict: c.quads[4],
          };
  }
}

type Cell = { source: string; target: string; day: string; events: number; sum: bigint; quads: number[] };

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
