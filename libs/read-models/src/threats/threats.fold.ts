import { isoInstant, occurredStart } from '@ledger/contracts';
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
  // The trigger party's acts by (type, principal) and by (type, principal, proposal), and the
  // sanctions by the threat they fulfil, each in fold order: a threat looks only at its own
  // candidates (a replay folds millions; a scan past the acts on other proposals took a second of a
  // million's replay).
  const acts = new Map<string, ResolvedFact[]>();
  const fulfilling = new Map<string, ResolvedFact[]>();
  for (const f of facts) {
    const e = f.effective!;
    if (!e.modality?.negated) {
      for (const p of new Set(f.voices.filter((v) => v.role === 'actor' && v.counted && v.principal).map((v) => v.principal!))) {
        push(acts, actsKey(f.type, p, null), f);
        if (e.proposalId != null) push(acts, actsKey(f.type, p, e.proposalId), f);
      }
    }
    const fulfils = f.type === 'SanctionImposed' ? (e.data as Record<string, any>).fulfilsThreat : undefined;
    if (typeof fulfils === 'string') push(fulfilling, fulfils, f);
  }
  // Each fact's key made once, not once per comparison nor once per list that holds it.
  const keys = new Map<ResolvedFact, ReturnType<typeof keyOf>>();
  const keyOnce = (f: ResolvedFact) => keys.get(f) ?? keys.set(f, keyOf(f)).get(f)!;
  for (const list of [...acts.values(), ...fulfilling.values()]) {
    const keyed = list.map((f) => ({ f, key: keyOnce(f) })).sort((a, b) => compareOrder(a.key, b.key));
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
      const triggered = triggerParty ? firstAct(acts.get(actsKey(d.trigger?.eventType, triggerParty, d.trigger?.proposalId)) ?? [], start) : undefined;
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
        occurred_start: isoInstant(start),
        triggered_by: triggered?.eventId ?? null,
        triggered_start: triggered ? isoInstant(startOf(triggered)) : null,
        executed_by: executed?.eventId ?? null,
        executed_start: executed ? isoInstant(startOf(executed)) : null,
      };
    });
}

/** The key of a party's acts of one type, on one proposal or on any. */
function actsKey(type: string | undefined, party: string, proposalId: string | null | undefined): string {
  return proposalId == null ? `${type}\u001f${party}` : `${type}\u001f${party}\u001f${proposalId}`;
}

/**
 * The first act in fold order at or after `start`. The acts are in fold order, whose first key is
 * the start: a binary search finds the first at or after it.
 */
function firstAct(acts: ResolvedFact[], start: number): ResolvedFact | undefined {
  let lo = 0;
  let hi = acts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startOf(acts[mid]) < start) lo = mid + 1;
    else hi = mid;
  }
  return acts[lo];
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
