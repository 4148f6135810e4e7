import { ActorKind, ActorRef, AffiliationRole, ROLE_AUTHORITY, utcDay } from '@ledger/contracts';

/** What the registry says about an actor (the latest ActorRegistered by fold order). */
export interface ActorInfo {
  id: string;
  kind: ActorKind;
  /** The state an organ or delegation belongs to. */
  principal?: string;
  /** The members of a compound actor (a joint delegation). */
  members?: string[];
}

/** A time-bounded role: `person` holds `role` for `of` (a state, an organisation or a person). */
export interface AffiliationInfo {
  eventId: string;
  person: string;
  of: string;
  role: AffiliationRole;
  /** First day (YYYY-MM-DD), inclusive. */
  validFrom: string;
  /** Last day (YYYY-MM-DD), inclusive; absent = still holds. */
  validTo?: string;
}

/** What the roll-up reads; the projector loads it from the registry tables, tests build it by hand. */
export interface RollupContext {
  actor(id: string): ActorInfo | undefined;
  affiliations(person: string): AffiliationInfo[];
}

/**
 * One voice of an event resolved at its valid time: who spoke (`person`), for which principal, and
 * with what authority (1 head of state/government, 2 ministers, spokespeople, envoys, 3 other
 * officials). `counted` is false for commentators and for actors whose principal is not known
 * (yet: a later affiliation or registration resolves them and the event is folded in then).
 */
export interface Voice {
  actorId: string;
  person: string | null;
  principal: string | null;
  authority: number | null;
  counted: boolean;
}

const STATE_ID = /^[A-Z]{3}$/;
const MAX_DEPTH = 6;

/** The kind of an actor: as registered, else a state by the ISO alpha-3 convention, else a person. */
export function actorKind(id: string, ctx: RollupContext): ActorKind {
  return ctx.actor(id)?.kind ?? (STATE_ID.test(id) ? 'state' : 'person');
}

/**
 * Resolves an actor reference at valid time `at` (ms) into voices: Peskov → Putin → RUS. A
 * compound actor expands per member. Pure: everything it knows comes from `ctx`.
 */
export function resolveActor(ref: ActorRef, at: number, ctx: RollupContext): Voice[] {
  const own = authorityOf(ref.actorId, ref.capacity, at, ctx);
  if (ref.onBehalfOf) {
    const principal = principalOf(ref.onBehalfOf, at, ctx, 0);
    const capacityAuthority = ref.capacity && ref.capacity in ROLE_AUTHORITY ? ROLE_AUTHORITY[ref.capacity as AffiliationRole] : undefined;
    const authority = own.authority ?? capacityAuthority ?? 3;
    return [voice(ref.actorId, own.person, principal, authority, actorKind(ref.actorId, ctx) !== 'commentator')];
  }
  return expand(ref.actorId, ref.capacity, at, ctx, 0);
}

function expand(id: string, capacity: string | undefined, at: number, ctx: RollupContext, depth: number): Voice[] {
  const info = ctx.actor(id);
  if (info?.members?.length && !info.principal && depth < MAX_DEPTH) {
    return info.members.flatMap((m) => expand(m, undefined, at, ctx, depth + 1));
  }
  const kind = actorKind(id, ctx);
  if (kind === 'commentator') return [voice(id, null, null, null, false)];
  if (kind === 'state' || kind === 'organization') return [voice(id, null, id, 1, true)];
  if (kind === 'state_organ' || kind === 'delegation') {
    const principal = info?.principal ? principalOf(info.principal, at, ctx, depth + 1) : null;
    return [voice(id, null, principal, 2, principal !== null)];
  }
  const own = authorityOf(id, capacity, at, ctx);
  return [voice(id, id, own.principal, own.authority, own.principal !== null)];
}

/** The principal an id stands for at `at`, following organs, delegations and persons' roles. */
export function principalOf(id: string, at: number, ctx: RollupContext, depth: number): string | null {
  if (depth > MAX_DEPTH) return null;
  const kind = actorKind(id, ctx);
  if (kind === 'state' || kind === 'organization') return id;
  if (kind === 'commentator') return null;
  const info = ctx.actor(id);
  if (kind === 'state_organ' || kind === 'delegation') return info?.principal ? principalOf(info.principal, at, ctx, depth + 1) : null;
  const role = activeRole(id, undefined, at, ctx);
  return role ? principalOf(role.of, at, ctx, depth + 1) : null;
}

/** A person's own authority and principal at `at`, from the role that rolls up (capacity first, else the highest). */
function authorityOf(id: string, capacity: string | undefined, at: number, ctx: RollupContext): { person: string | null; principal: string | null; authority: number | null } {
  if (actorKind(id, ctx) !== 'person') return { person: null, principal: principalOf(id, at, ctx, 0), authority: null };
  const role = activeRole(id, capacity, at, ctx);
  if (!role) return { person: id, principal: null, authority: null };
  return { person: id, principal: principalOf(role.of, at, ctx, 1), authority: ROLE_AUTHORITY[role.role] };
}

function activeRole(person: string, capacity: string | undefined, at: number, ctx: RollupContext): AffiliationInfo | undefined {
  const day = utcDay(at);
  const active = ctx
    .affiliations(person)
    .filter((a) => ROLE_AUTHORITY[a.role] !== null && a.validFrom <= day && (!a.validTo || day <= a.validTo))
    .sort((a, b) => rank(a, capacity) - rank(b, capacity) || (a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : 0) || (a.eventId < b.eventId ? -1 : 1));
  return active[0];
}

function rank(a: AffiliationInfo, capacity: string | undefined): number {
  return (a.role === capacity ? 0 : 10) + (ROLE_AUTHORITY[a.role] ?? 9);
}

function voice(actorId: string, person: string | null, principal: string | null, authority: number | null, counted: boolean): Voice {
  return { actorId, person, principal, authority, counted: counted && principal !== null };
}
