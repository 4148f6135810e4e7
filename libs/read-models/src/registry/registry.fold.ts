import { EventEnvelope } from '@ledger/contracts';
import { compareOrder } from '../positions/fold-order';
import { orderKeyOf } from '../positions/position-membership';
import { ActorInfo, AffiliationInfo, RollupContext } from '../rollup/rollup';

/** A registry fact (ActorRegistered, AffiliationAsserted, AffiliationEnded) in its effective form, with its place in the log. */
export interface RegistryFact {
  eventId: string;
  type: string;
  partition: number;
  offset: string;
  effective: EventEnvelope;
}

export interface ActorRow {
  id: string;
  kind: string;
  name: string;
  aliases: string[];
  iso3: string | null;
  principal: string | null;
  members: string[] | null;
  basis_event_id: string;
}

export interface AffiliationRow {
  event_id: string;
  person: string;
  of: string;
  role: string;
  valid_from: string | null;
  asserted_to: string | null;
  valid_to: string | null;
  ended_by: string | null;
}

/**
 * The registry's rules, the one implementation the projector, replays and knownAt queries share.
 * actors_v1: the latest registration of each id in fold order wins. affiliations_v1: every
 * assertion, closed by the earliest matching end (same person, organisation and role, ending on
 * or after its start), or by its own validTo when that comes first. Pure: given every registry fact
 * of the ids concerned, it answers their rows.
 */
export function registryRows(facts: RegistryFact[]): { actors: ActorRow[]; affiliations: AffiliationRow[] } {
  const latest = new Map<string, RegistryFact>();
  for (const f of facts) {
    if (f.type !== 'ActorRegistered') continue;
    const id = (f.effective.data as { id: string }).id;
    const known = latest.get(id);
    if (!known || compareOrder(orderKeyOf(known.effective, known.partition, known.offset, null), orderKeyOf(f.effective, f.partition, f.offset, null)) < 0) latest.set(id, f);
  }
  const actors = [...latest.values()].map((f): ActorRow => {
    const d = f.effective.data as Record<string, any>;
    return {
      id: d.id,
      kind: d.kind,
      name: d.name,
      aliases: d.aliases ?? [],
      iso3: d.iso3 ?? null,
      principal: d.principal ?? null,
      members: d.members ?? null,
      basis_event_id: f.eventId,
    };
  });
  const day = (v: unknown) => (typeof v === 'string' ? v.slice(0, 10) : null);
  const ends = facts.filter((f) => f.type === 'AffiliationEnded').map((f) => ({ id: f.eventId, d: f.effective.data as Record<string, any> }));
  const affiliations = facts
    .filter((f) => f.type === 'AffiliationAsserted')
    .map((f): AffiliationRow => {
      const d = f.effective.data as Record<string, any>;
      const end = ends
        .filter((x) => x.d.person === d.person && x.d.of === d.of && x.d.role === d.role && day(x.d.validTo) !== null && day(x.d.validTo)! >= day(d.validFrom)!)
        .sort((a, b) => (day(a.d.validTo)! < day(b.d.validTo)! ? -1 : day(a.d.validTo)! > day(b.d.validTo)! ? 1 : a.id < b.id ? -1 : 1))[0];
      const asserted = day(d.validTo);
      const validTo = end ? (asserted && asserted < day(end.d.validTo)! ? asserted : day(end.d.validTo)) : asserted;
      return { event_id: f.eventId, person: d.person, of: d.of, role: d.role, valid_from: day(d.validFrom), asserted_to: asserted, valid_to: validTo, ended_by: end?.id ?? null };
    });
  return { actors, affiliations };
}

/** What the roll-up reads of an actors_v1 row. */
export type RollupActorRow = Pick<ActorRow, 'id' | 'kind' | 'principal' | 'members'>;
/** What the roll-up reads of an affiliations_v1 row. */
export type RollupAffiliationRow = Pick<AffiliationRow, 'event_id' | 'person' | 'of' | 'role' | 'valid_from' | 'valid_to'>;

/** The roll-up context of registry rows (what loadRollupContext and RegistryCache read from the tables). */
export function rollupContextOf(actors: RollupActorRow[], affiliations: RollupAffiliationRow[]): RollupContext {
  const info = new Map<string, ActorInfo>(
    actors.map((a) => [a.id, { id: a.id, kind: a.kind as ActorInfo['kind'], principal: a.principal ?? undefined, members: a.members ?? undefined }]),
  );
  const roles = new Map<string, AffiliationInfo[]>();
  for (const a of affiliations) {
    const list = roles.get(a.person) ?? [];
    list.push({ eventId: a.event_id, person: a.person, of: a.of, role: a.role as AffiliationInfo['role'], validFrom: a.valid_from!, validTo: a.valid_to ?? undefined });
    roles.set(a.person, list);
  }
  return { actor: (id) => info.get(id), affiliations: (person) => roles.get(person) ?? [] };
}
