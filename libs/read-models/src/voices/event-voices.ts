import { ActorRef, EventEnvelope, occurredStart } from '@ledger/contracts';
import { RoleVoice, VoiceRole } from '../facts/fact';
import { resolveActor, RollupContext } from '../rollup/rollup';

/** Every actor id an envelope names, in any role: what a registry change must look for. */
export function namedActors(e: EventEnvelope): string[] {
  // Called for every event, more than once: a plain loop, in the order the roles are listed.
  const d = e.data as Record<string, any>;
  const ids = new Set<string>();
  const add = (x: unknown) => {
    if (typeof x === 'string') ids.add(x);
  };
  const addRefs = (refs: { actorId: string; onBehalfOf?: string }[]) => {
    for (const a of refs) {
      add(a.actorId);
      add(a.onBehalfOf);
    }
  };
  addRefs(e.actors);
  if (e.recipients) addRefs(e.recipients);
  if (Array.isArray(d.participants)) d.participants.forEach(add);
  if (Array.isArray(d.signatories)) d.signatories.forEach(add);
  add(d.trigger?.party);
  add(d.by);
  add(d.host);
  add(d.mediator);
  return [...ids];
}

/** The references of each role an event has: its actors, recipients, and the ids its data names. */
function roleRefs(e: EventEnvelope): [VoiceRole, ActorRef[]][] {
  const d = e.data as Record<string, any>;
  const ids = (list: unknown): ActorRef[] => (Array.isArray(list) ? list.filter((x) => typeof x === 'string').map((actorId) => ({ actorId })) : []);
  return [
    ['actor', e.actors],
    ['recipient', e.recipients ?? []],
    ['participant', ids(d.participants)],
    ['signatory', ids(d.signatories)],
    ['trigger', typeof d.trigger?.party === 'string' ? [{ actorId: d.trigger.party }] : []],
    ['by', typeof d.by === 'string' ? [{ actorId: d.by }] : []],
  ];
}

/** Resolves every voice of an event at its valid time. Pure given the context. */
export function resolveVoices(e: EventEnvelope, ctx: RollupContext): RoleVoice[] {
  const at = occurredStart(e.occurredAt) ?? 0;
  const out: RoleVoice[] = [];
  for (const [role, refs] of roleRefs(e)) {
    let idx = 0;
    for (const ref of refs) {
      // Written out, not spread: a literal that starts with a spread is built property by property.
      for (const v of resolveActor(ref, at, ctx))
        out.push({ actorId: v.actorId, person: v.person, principal: v.principal, authority: v.authority, counted: v.counted, role, idx: idx++ });
    }
  }
  return out;
}
