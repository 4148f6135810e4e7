import { encodeEvent, EventEnvelope, LogMessage, validateEnvelope } from '@ledger/contracts';
import { seededRandom } from '@ledger/testing';

/**
 * A made-up diplomatic world for the projection benchmarks, generated deterministically (the same
 * seed gives the same events on every run): states, three persons per state with their
 * affiliations (head of state and foreign minister of the state, a spokesperson of the head of
 * state: roll-up over two steps), then a stream of proposals and what the parties say and do about
 * them — statements, acceptances plain and with conditions, condition resolutions, rejections,
 * appeals, demands, threats, accusations, meetings. Valid time moves forward with the stream; a few
 * events are reported late (their valid time lies days back), so some stances re-fold from an
 * insertion point, as in production.
 */
export interface WorldOptions {
  /** Length of the stream after the registry: proposals and days are spread over it. */
  events: number;
  seed?: number;
  /** Default 48. */
  states?: number;
  /** Default: one per 250 events, at least 24. */
  proposals?: number;
}

/** An event as a publisher sends it over HTTP (no `source`: the token gives the publisher). */
export type Body = Record<string, any>;

/** A (party, proposal) pair that has a stance: what the position queries ask about. */
export interface Pair {
  party: string;
  proposalId: string;
}

interface Proposal {
  id: string;
  proposer: string;
  parties: string[];
  kind: string;
  /** Conditions stated on it and still open, with who stated them. */
  open: { conditionId: string; by: string }[];
  conditions: number;
  /** Event ids of acts about it, for accusations that point at one. */
  recent: string[];
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);
/** Proposals being talked about at any one time. */
const ACTIVE = 40;
const KINDS = ['ceasefire', 'peace_plan', 'talks', 'sanctions_relief', 'other'];
const TONES = ['neutral', 'optimistic', 'pessimistic', 'accord', 'denial'];
const CATEGORIES = ['territorial', 'military', 'monitoring', 'security', 'political', 'humanitarian', 'other'];
const FORMATS = ['visit', 'host', 'third_location', 'phone', 'multilateral'];
const OUTLETS = ['Daily Ledger', 'Morning Wire', 'Capital Post', 'Evening Courier', 'Harbour Times'];
const WORDS = (
  'talks truce border aid prisoners exchange guarantees monitors corridor grain port energy sanctions envoy summit ' +
  'withdrawal troops front line timetable observers referendum reconstruction loans frozen assets airspace shipping ' +
  'inspections delegation framework phased verification amnesty elections autonomy security zone buffer'
).split(' ');

/** Three upper-case letters from a number: AAA, AAB, … (valid ISO-like state ids). */
function letters(n: number): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return a[Math.floor(n / 676) % 26] + a[Math.floor(n / 26) % 26] + a[n % 26];
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 week (`2024-W07`) of a UTC instant. */
function isoWeek(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * DAY_MS));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export class LedgerWorld {
  readonly states: string[];
  /** Persons per state: [head of state, foreign minister, spokesperson of the head of state]. */
  private readonly persons = new Map<string, string[]>();
  private readonly random: () => number;
  private readonly seedHex: string;
  private readonly eventsPerProposal: number;
  private readonly eventsPerDay: number;
  private readonly active: Proposal[] = [];
  private readonly stances = new Map<string, Pair>();
  private counter = 0;
  private streamed = 0;
  /** Valid day of the event being made (for its citation's date). */
  private day = START;
  private proposalsMade = 0;

  constructor(options: WorldOptions) {
    const seed = options.seed ?? 20250314;
    this.random = seededRandom(seed);
    this.seedHex = (seed >>> 0).toString(16).padStart(8, '0').slice(-8);
    const states = options.states ?? 48;
    this.states = Array.from({ length: states }, (_, i) => letters(i * 7 + 3));
    for (const s of this.states)
      this.persons.set(
        s,
        ['hos', 'fm', 'spox'].map((r) => `${s.toLowerCase()}-${r}`),
      );
    const proposals = options.proposals ?? Math.max(24, Math.round(options.events / 250));
    this.eventsPerProposal = Math.max(1, Math.floor(options.events / proposals));
    // About three years of valid time, whatever the length.
    this.eventsPerDay = Math.max(1, options.events / 1100);
  }

  /** Registrations and affiliations: what must come first (ActorRegistered for states and persons, AffiliationAsserted). */
  registry(): Body[] {
    const out: Body[] = [];
    const at = { value: '2023-12-01', precision: 'day' };
    for (const s of this.states) {
      out.push(this.envelope('ActorRegistered', at, [{ actorId: s }], { id: s, kind: 'state', name: `Republic of ${s}`, aliases: [`${s} government`], iso3: s }));
    }
    for (const s of this.states) {
      const [hos, fm, spox] = this.persons.get(s)!;
      for (const [id, name] of [
        [hos, `President of ${s}`],
        [fm, `Foreign minister of ${s}`],
        [spox, `Spokesperson of the president of ${s}`],
      ]) {
        out.push(this.envelope('ActorRegistered', at, [{ actorId: id }], { id, kind: 'person', name, aliases: [] }));
      }
      const since = '2020-01-01';
      out.push(this.envelope('AffiliationAsserted', { value: since, precision: 'day' }, [{ actorId: hos }], { person: hos, of: s, role: 'head_of_state', validFrom: since }));
      out.push(this.envelope('AffiliationAsserted', { value: since, precision: 'day' }, [{ actorId: fm }], { person: fm, of: s, role: 'foreign_minister', validFrom: since }));
      out.push(this.envelope('AffiliationAsserted', { value: since, precision: 'day' }, [{ actorId: spox }], { person: spox, of: hos, role: 'spokesperson', validFrom: since }));
    }
    return out;
  }

  /** The next event of the stream. */
  next(): Body {
    const i = this.streamed++;
    if (this.active.length < 2 || i % this.eventsPerProposal === 0) return this.proposalMade(i);
    const p = this.active[Math.floor(this.random() * this.active.length)];
    const r = this.random();
    if (r < 0.26) return this.statement(i, p);
    if (r < 0.34) return this.accepted(i, p);
    if (r < 0.4) return this.acceptedConditionally(i, p);
    if (r < 0.46) return p.open.length ? this.conditionResolved(i, p) : this.statement(i, p);
    if (r < 0.5) return this.rejected(i, p);
    if (r < 0.55) return this.considered(i, p);
    if (r < 0.64) return this.appeal(i, p);
    if (r < 0.69) return this.demand(i, p);
    // Threats are about 3 % of coded events in the public event datasets; each one here has a trigger.
    if (r < 0.72) return this.threat(i, p);
    if (r < 0.76) return this.accusation(i, p);
    if (r < 0.9) return this.meeting(i, p);
    if (r < 0.93) return this.meetingIntended(i);
    return this.statement(i, undefined);
  }

  /** `count` events of the stream. */
  take(count: number): Body[] {
    return Array.from({ length: count }, () => this.next());
  }

  /** Pairs that have (or had) a stance, in the order they first appeared. */
  pairs(): Pair[] {
    return [...this.stances.values()];
  }

  // --- event kinds -------------------------------------------------------------------------

  private proposalMade(i: number): Body {
    const proposer = this.pick(this.states);
    const others = this.sample(
      this.states.filter((s) => s !== proposer),
      2 + Math.floor(this.random() * 3),
    );
    const id = `prop-${this.seedHex}-${++this.proposalsMade}`;
    const kind = this.pick(KINDS);
    const p: Proposal = { id, proposer, parties: [proposer, ...others], kind, open: [], conditions: 0, recent: [] };
    this.active.push(p);
    if (this.active.length > ACTIVE) this.active.shift();
    const terms = Array.from({ length: 2 + Math.floor(this.random() * 3) }, () => this.phrase(6));
    return this.about(
      p,
      proposer,
      this.envelope(
        'ProposalMade',
        this.occurred(i),
        [{ actorId: proposer }],
        {
          proposal: { title: `${this.phrase(3)} (${kind})`, kind, terms, ...(kind === 'ceasefire' && { durationDays: 30 }) },
          version: 1,
        },
        { recipients: others.map((actorId) => ({ actorId })), proposalId: id },
      ),
    );
  }

  private statement(i: number, p: Proposal | undefined): Body {
    const party = p ? this.pick(p.parties) : this.pick(this.states);
    const data = { text: this.sentence(), tone: this.pick(TONES), topics: this.sample(WORDS, 1 + Math.floor(this.random() * 3)) };
    const e = this.envelope('StatementMade', this.occurred(i), [this.speaker(party)], data, p ? { proposalId: p.id } : {});
    return p ? this.about(p, party, e) : e;
  }

  private accepted(i: number, p: Proposal): Body {
    const party = this.pick(p.parties.slice(1));
    p.open = p.open.filter((c) => c.by !== party); // its own conditions are superseded
    return this.about(
      p,
      party,
      this.envelope(
        'ProposalAccepted',
        this.occurred(i),
        [this.speaker(party, 0.5)],
        { version: 1, proposalKind: p.kind },
        { recipients: [{ actorId: p.proposer }], proposalId: p.id },
      ),
    );
  }

  private acceptedConditionally(i: number, p: Proposal): Body {
    const party = this.pick(p.parties.slice(1));
    const conditions = Array.from({ length: 1 + Math.floor(this.random() * 4) }, () => {
      const conditionId = `${p.id}-c${++p.conditions}`;
      p.open.push({ conditionId, by: party });
      return {
        conditionId,
        text: this.sentence(),
        category: this.pick(CATEGORIES),
        addressedTo: this.sample(
          p.parties.filter((s) => s !== party),
          1 + Math.floor(this.random() * 2),
        ),
      };
    });
    return this.about(
      p,
      party,
      this.envelope(
        'ProposalAcceptedConditionally',
        this.occurred(i),
        [this.speaker(party, 0.5)],
        { version: 1, proposalKind: p.kind, conditions },
        {
          recipients: [{ actorId: p.proposer }],
          proposalId: p.id,
        },
      ),
    );
  }

  private conditionResolved(i: number, p: Proposal): Body {
    const [c] = p.open.splice(Math.floor(this.random() * p.open.length), 1);
    const resolution = this.pick(['met', 'waived', 'dropped', 'met']);
    return this.about(p, c.by, this.envelope('ConditionResolved', this.occurred(i), [this.speaker(c.by, 0.5)], { conditionId: c.conditionId, resolution }, { proposalId: p.id }));
  }

  private rejected(i: number, p: Proposal): Body {
    const party = this.pick(p.parties.slice(1));
    p.open = p.open.filter((c) => c.by !== party);
    return this.about(
      p,
      party,
      this.envelope(
        'ProposalRejected',
        this.occurred(i),
        [this.speaker(party, 0.5)],
        { reasons: [this.sentence()], version: 1, proposalKind: p.kind },
        {
          recipients: [{ actorId: p.proposer }],
          proposalId: p.id,
        },
      ),
    );
  }

  private considered(i: number, p: Proposal): Body {
    const party = this.pick(p.parties.slice(1));
    return this.about(p, party, this.envelope('ProposalConsidered', this.occurred(i), [this.speaker(party)], {}, { proposalId: p.id }));
  }

  private appeal(i: number, p: Proposal): Body {
    const party = this.pick(p.parties);
    const to = this.pick(p.parties.filter((s) => s !== party));
    return this.about(
      p,
      party,
      this.envelope('AppealMade', this.occurred(i), [this.speaker(party)], { ask: `Accept the ${this.phrase(3)}` }, { recipients: [{ actorId: to }], proposalId: p.id }),
    );
  }

  private demand(i: number, p: Proposal): Body {
    const party = this.pick(p.parties);
    const to = this.pick(p.parties.filter((s) => s !== party));
    return this.about(
      p,
      party,
      this.envelope('DemandIssued', this.occurred(i), [this.speaker(party)], { demand: this.sentence() }, { recipients: [{ actorId: to }], proposalId: p.id }),
    );
  }

  private threat(i: number, p: Proposal): Body {
    const party = this.pick(p.parties);
    const to = this.pick(p.parties.filter((s) => s !== party));
    const data = {
      sanction: { kind: this.pick(['economic', 'diplomatic', 'aid']), scope: this.phrase(5) },
      trigger: { party: to, eventType: 'ProposalRejected', proposalId: p.id },
    };
    return this.about(p, party, this.envelope('SanctionThreatened', this.occurred(i), [this.speaker(party)], data, { recipients: [{ actorId: to }], proposalId: p.id }));
  }

  private accusation(i: number, p: Proposal): Body {
    const party = this.pick(p.parties);
    const to = this.pick(p.parties.filter((s) => s !== party));
    const about = p.recent.length ? { aboutEventIds: [this.pick(p.recent)] } : {};
    const type = this.random() < 0.5 ? 'AccusationMade' : 'CriticismIssued';
    return this.about(
      p,
      party,
      this.envelope(type, this.occurred(i), [this.speaker(party)], { text: this.sentence(), ...about }, { recipients: [{ actorId: to }], proposalId: p.id }),
    );
  }

  private meeting(i: number, p: Proposal): Body {
    const [a, b] = this.sample(p.parties, 2);
    const [pa, pb] = [this.persons.get(a)!, this.persons.get(b)!].map((ps) => ps[Math.floor(this.random() * 2)]);
    const format = this.pick(FORMATS);
    const data = { participants: [pa, pb], host: format === 'host' || format === 'visit' ? pb : undefined, format, location: `${this.pick(WORDS)} city` };
    if (data.host === undefined) delete data.host;
    const withProposal = this.random() < 0.5 ? { proposalId: p.id } : {};
    return this.envelope('MeetingHeld', this.occurred(i), [{ actorId: pa }], data, withProposal);
  }

  private meetingIntended(i: number): Body {
    const [a, b] = this.sample(this.states, 2);
    return this.envelope('MeetingIntended', this.occurred(i), [this.speaker(a)], { participants: [this.persons.get(a)![0], this.persons.get(b)![0]] });
  }

  // --- parts ---------------------------------------------------------------------------------

  private envelope(type: string, occurredAt: { value: string; precision: string }, actors: Body[], data: Body, extra: Body = {}): Body {
    const eventId = this.uuid();
    const e: Body = { eventId, type, schemaVersion: 1, occurredAt, actors, ...extra, data };
    const r = this.random();
    if (r < 0.5) e.evidence = { quote: this.sentence(), direct: r < 0.3 };
    if (r > 0.8) {
      e.citations = [{ url: `https://news.example/${this.seedHex}/${this.counter}`, outlet: this.pick(OUTLETS), publishedAt: `${isoDay(this.day)}T12:00:00Z` }];
    }
    if (r > 0.97) e.modality = { hedged: true };
    return e;
  }

  /** Records a stance-bearing act of `party` on `p` (for the queries) and remembers the event id. */
  private about(p: Proposal, party: string, e: Body): Body {
    const key = `${party}\u0000${p.id}`;
    if (!this.stances.has(key)) this.stances.set(key, { party, proposalId: p.id });
    p.recent.push(e.eventId);
    if (p.recent.length > 8) p.recent.shift();
    return e;
  }

  /** The state itself, or one of its persons in a capacity on its behalf (the spokesperson via the head of state). */
  private speaker(state: string, stateShare = 0.3): Body {
    if (this.random() < stateShare) return { actorId: state };
    const [hos, fm, spox] = this.persons.get(state)!;
    const r = this.random();
    if (r < 0.45) return { actorId: hos, capacity: 'head_of_state', onBehalfOf: state };
    if (r < 0.8) return { actorId: fm, capacity: 'foreign_minister', onBehalfOf: state };
    return { actorId: spox, capacity: 'spokesperson', onBehalfOf: hos };
  }

  /** Valid time of the i-th event: the stream's day, sometimes as a week or a month, sometimes reported late. */
  private occurred(i: number): { value: string; precision: string } {
    let day = START + Math.floor(i / this.eventsPerDay) * DAY_MS;
    if (this.random() < 0.03) day -= (1 + Math.floor(this.random() * 20)) * DAY_MS;
    this.day = day;
    const r = this.random();
    if (r < 0.08) return { value: isoWeek(day), precision: 'week' };
    if (r < 0.11) return { value: isoDay(day).slice(0, 7), precision: 'month' };
    return { value: isoDay(day), precision: 'day' };
  }

  private uuid(): string {
    const n = (++this.counter).toString(16).padStart(12, '0');
    return `${this.seedHex}-b0b0-4000-8000-${n}`;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  private sample<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(this.random() * copy.length), 1)[0]);
    return out;
  }

  private phrase(n: number): string {
    return Array.from({ length: n }, () => this.pick(WORDS)).join(' ');
  }

  private sentence(): string {
    const s = this.phrase(8 + Math.floor(this.random() * 14));
    return s[0].toUpperCase() + s.slice(1) + '.';
  }
}

/** An HTTP body as a direct Kafka publisher writes it: complete, with source.publisher. */
export function asLogEnvelope(body: Body, publisher: string): EventEnvelope {
  return { ...body, source: { publisher } } as EventEnvelope;
}

/** The Kafka message for a body, validated first when asked (as the ingest API does before it produces). */
export function toMessage(body: Body, publisher: string, validate: boolean): LogMessage {
  const envelope = asLogEnvelope(body, publisher);
  if (validate) {
    const checked = validateEnvelope(envelope);
    if (!checked.ok) throw new Error(`bench world: invalid ${body.type}: ${JSON.stringify(checked.problems)}`);
    return encodeEvent(checked.event);
  }
  return encodeEvent(envelope);
}
