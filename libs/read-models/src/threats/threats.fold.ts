import { occurredStart } from '@ledger/contracts';
import { ResolvedFact } from '../facts/fact';
import { compareOrder } from '../positions/fold-order';
import { orderKeyOf } from '../positions/position-membership';

/**
 * threats_v1 from resolved facts, by the threats projection's rules: by the first counted actor
 * (most authoritative), against the counted recipients; triggered by the first event in fold order,
 * at or after the threat, in which the trigger party does the trigger act (on the trigger proposal
 * when one is named, never negated); executed by the first SanctionImposed that fulfils it. Pure.
 */
export function threatRows(facts: ResolvedFact[]) {
  // The trigger party's acts by (type, principal) and the sanctions by the threat they fulfil,
  // each in fold order: a threat looks only at its own candidates (a replay folds millions).
  const acts = new Map<string, ResolvedFact[]>();
  const fulfilling = new Map<string, ResolvedFact[]>();
  for (const f of facts) {
    const e = f.effective!;
    if (!e.modality?.negated) {
      for (const p of new Set(f.voices.filter((v) => v.role === 'actor' && v.counted && v.principal).map((v) => v.principal!))) push(acts, `${f.type}\u001f${p}`, f);
    }
    const fulfils = f.type === 'SanctionImposed' ? (e.data as Record<string, any>).fulfilsThreat : undefined;
    if (typeof fulfils === 'string') push(fulfilling, fulfils, f);
  }
  for (const list of [...acts.values(), ...fulfilling.values()]) {
    // Each fact's key made once, not once per comparison.
    const keyed = list.map((f) => ({ f, key: keyOf(f) })).sort((a, b) => compareOrder(a.key, b.key));
    for (let i = 0; i < keyed.length; i++) list[i] = keyed[i].f;
  }
  return facts
    .filter((t) => t.type === 'SanctionThreatened')
    .map((t) => {
      const e = t.effective!;
      const d = e.data as Record<string, any>;
      const counted = (role: string) => t.voices.filter((v) => v.role === role && v.counted);
      const by = counted('actor').sort((a, b) => (a.authority ?? Infinity) - (b.authority ?? Infinity) || a.idx - b.idx)[0];
      const against = [...new Set(counted('recipient').flatMap((v) => (v.principal ? [v.principal] : [])))].sort();
      const triggerParty = t.voices.find((v) => v.role === 'trigger')?.principal ?? null;
      const start = startOf(t);
      const triggered = triggerParty ? firstAct(acts.get(`${d.trigger?.eventType}\u001f${triggerParty}`) ?? [], start, d.trigger?.proposalId) : undefined;
      const executed = (fulfilling.get(t.eventId) ?? [])[0];
      return {
        threat_id: t.eventId,
        by_party: by?.principal ?? null,
        against,
        sanction: d.sanction,
        trigger_party: triggerParty,
        trigger_type: d.trigger?.eventType ?? null,
        trigger_proposal: d.trigger?.proposalId ?? null,
        deadline: d.deadline ?? null,
        ultimatum: d.ultimatum ?? false,
        proposal_id: e.proposalId ?? null,
        occurred_value: e.occurredAt.value,
        occurred_start: new Date(start).toISOString(),
        triggered_by: triggered?.eventId ?? null,
        triggered_start: triggered ? new Date(startOf(triggered)).toISOString() : null,
        executed_by: executed?.eventId ?? null,
        executed_start: executed ? new Date(startOf(executed)).toISOString() : null,
      };
    });
}

/**
 * The first act in fold order at or after `start` (on `proposalId` when one is named). The acts are
 * in fold order, whose first key is the start: a binary search finds the first at or after it, so a
 * threat reads only its candidates, not every act of its trigger party before it.
 */
function firstAct(acts: ResolvedFact[], start: number, proposalId: string | null | undefined): ResolvedFact | undefined {
  let lo = 0;
  let hi = acts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startOf(acts[mid]) < start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < acts.length; i++) if (proposalId == null || acts[i].effective!.proposalId === proposalId) return acts[i];
  return undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function startOf(f: ResolvedFact): number {
  return occurredStart(f.effective!.occurredAt) ?? 0;
}

function keyOf(f: ResolvedFact) {
  return orderKeyOf(f.effective!, f.partition, f.offset, null);
}
