import { getAll, getJson } from './api.js';
import { showBasis } from './basis-dialog.js';
import { fill, h, placeholder } from './dom.js';
import { endOfDay, formatDate, formatOccurred, formatTime, startOf } from './format.js';
import { $, asOfMs, knownAtParam, state } from './state.js';
import { renderConditions } from './views/conditions.js';
import { renderDyads } from './views/dyads.js';
import { renderMatrix } from './views/matrix.js';
import { renderStepChart } from './views/step-chart.js';
import { renderThreats } from './views/threats.js';
import { statementItem } from './views/timeline.js';

const DAY = 86_400_000;

/** Each load counts its runs: an answer that arrives after a newer request started is dropped. */
const generation = { stances: 0, threats: 0, dyads: 0, timeline: 0 };

/** The parties (for names and the statement filter) and the proposals (for the picker). */
export async function loadCatalogue() {
  const [parties, proposals] = await Promise.all([getAll('/v1/parties'), getAll('/v1/proposals')]);
  state.parties = parties;
  state.names = new Map(parties.map((p) => [p.id, p.name]));
  // Newest first; proposals only known from positions (no ProposalMade yet) last.
  state.proposals = [...proposals].sort((a, b) => (startOf(b.madeAt) || 0) - (startOf(a.madeAt) || 0) || a.id.localeCompare(b.id));
  if (!state.proposals.some((p) => p.id === state.proposalId)) state.proposalId = state.proposals[0]?.id ?? '';
  fill(
    $('proposal'),
    state.proposals.length
      ? state.proposals.map((p) => h('option', { value: p.id, selected: p.id === state.proposalId }, p.title ? [p.title, ` (${p.id})`] : p.id))
      : h('option', { value: '' }, 'No proposal recorded yet'),
  );
  const party = $('tl-party').value;
  const byKind = (kind) => parties.filter((p) => p.kind === kind).sort((a, b) => a.id.localeCompare(b.id));
  fill(
    $('tl-party'),
    h('option', { value: '' }, 'All'),
    h(
      'optgroup',
      { label: 'States' },
      byKind('state').map((p) => h('option', { value: p.id }, `${p.id} · `, p.name)),
    ),
    h(
      'optgroup',
      { label: 'People' },
      byKind('person').map((p) => h('option', { value: p.id }, p.name)),
    ),
  );
  $('tl-party').value = party;
}

/** The proposer first, then the others by id. */
function rowsOf(proposal) {
  const stances = Array.isArray(proposal.stances) ? proposal.stances.map((s) => s.party) : Object.keys(proposal.stances ?? {});
  const parties = [...new Set(stances)];
  return parties.sort((a, b) => Number(b === proposal.proposer) - Number(a === proposal.proposer) || a.localeCompare(b));
}

/** The stance views of the selected proposal: matrix, step chart, conditions. `onOpen(cell, proposalId)` opens a cell's basis. */
export async function loadStances({ onOpen }) {
  const run = ++generation.stances;
  const id = state.proposalId;
  if (!id) {
    for (const el of ['matrix', 'conditions']) placeholder($(el), 'No proposal recorded yet.');
    return;
  }
  const knownAt = knownAtParam();
  const proposal = await getJson(`/v1/proposals/${encodeURIComponent(id)}`, { asOf: state.asOf });
  const parties = rowsOf(proposal);
  const [histories, positions] = await Promise.all([
    Promise.all(parties.map((party) => getJson('/v1/positions/history', { party, proposal: id, knownAt }))),
    Promise.all(parties.map((party) => getJson('/v1/positions', { party, proposal: id, asOf: state.asOf, knownAt }))),
  ]);
  await learnSpeakers(positions, id, knownAt);
  if (run !== generation.stances) return;
  const byParty = new Map(histories.map((r) => [r.party, r.steps]));
  const focused = document.activeElement?.dataset?.key;
  const open = (cell) => onOpen(cell, id);
  const when = `as of ${formatOccurred(state.asOf)}${knownAt ? `, as known at ${formatTime(knownAt)}` : ''}`;
  const title = proposal.title ?? proposal.id;
  const made = proposal.kind
    ? `${proposal.kind}${proposal.durationDays ? `, ${proposal.durationDays} days` : ''}, proposed by ${proposal.proposer ?? 'unknown'}`
    : 'not yet recorded as made';
  fill($('matrix-sub'), title, ` — ${made} · ${when}`);
  fill($('chart-sub'), title, ` · ${when}`);
  fill($('conditions-sub'), title, ` · ages in days at ${formatOccurred(state.asOf)}`);
  renderMatrix($('matrix'), { parties, names: state.names, histories: byParty, leans: new Map(positions.map((p) => [p.party, p.lean])), asOfMs: asOfMs(), knownAt, onOpen: open });
  renderStepChart($('step-chart'), { parties, names: state.names, histories: byParty, asOfMs: asOfMs(), onOpen: open });
  renderConditions($('conditions'), { positions, names: state.names, events: statingEvents, asOfMs: asOfMs() });
  if (focused) document.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
}

/**
 * Events that stated conditions, by id, for "who said it": a position's basis names its speaker,
 * and a condition's stating event is usually the basis of the stance at the time it was stated.
 */
const statingEvents = new Map();
const statingTried = new Set();

async function learnSpeakers(positions, proposalId, knownAt) {
  for (const p of positions) if (p.basis) statingEvents.set(p.basis.eventId, p.basis);
  const wanted = new Map();
  for (const p of positions) {
    for (const c of p.conditions) {
      const key = `${p.party}|${c.statedAt}|${knownAt ?? ''}`;
      if (!statingEvents.has(c.statedBy) && !statingTried.has(key)) wanted.set(key, { party: p.party, asOf: c.statedAt });
    }
  }
  await Promise.all(
    [...wanted].map(async ([key, { party, asOf }]) => {
      statingTried.add(key);
      const then = await getJson('/v1/positions', { party, proposal: proposalId, asOf, knownAt }).catch(() => null);
      if (then?.basis) statingEvents.set(then.basis.eventId, then.basis);
    }),
  );
}

/** The stance at a cell's moment and the event it rests on, from GET /v1/positions at that valid time. */
export async function openBasis({ party, column, opener }, proposalId) {
  const asOf = new Date(Math.min(column.start, asOfMs())).toISOString();
  const position = await getJson('/v1/positions', { party, proposal: proposalId, asOf, knownAt: knownAtParam() });
  showBasis({ party, when: formatOccurred(column.occurredAt), position, names: state.names, opener });
}

export async function loadThreats() {
  const run = ++generation.threats;
  const threats = await getAll('/v1/threats', { asOf: state.asOf });
  if (run !== generation.threats) return;
  fill($('threats-sub'), `judged at ${formatOccurred(state.asOf)}`);
  renderThreats($('threats'), { threats, names: state.names, proposalId: state.proposalId });
}

/**
 * The window ends with the as-of day; it starts two weeks before the selected proposal was made
 * (the talks around it), or 90 days earlier when there is none — the API's own default (a year
 * before today) would miss past talks viewed as of a past date.
 */
function dyadWindow() {
  const to = endOfDay(state.asOf) + 1;
  const made = startOf(state.proposals.find((p) => p.id === state.proposalId)?.madeAt);
  const from = Math.max(to - 3650 * DAY, Math.min(to - 90 * DAY, Number.isNaN(made) ? Infinity : made - 14 * DAY));
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(from), to: day(to) };
}

export async function loadDyads() {
  const run = ++generation.dyads;
  const window = dyadWindow();
  const dyads = await getAll('/v1/dyads', { interval: state.interval, ...window });
  if (run !== generation.dyads) return;
  fill($('dyads-sub'), `${formatDate(window.from)} – ${formatDate(endOfDay(state.asOf))}`);
  renderDyads($('dyads'), $('dyads-summary'), { dyads, interval: state.interval });
}

export async function loadTimeline({ more = false } = {}) {
  const run = ++generation.timeline;
  const f = state.timeline.filter;
  const to = f.to ? new Date(endOfDay(f.to) + 1).toISOString().slice(0, 10) : undefined;
  // A refresh keeps as many statements as were shown, so "more" pages are not lost.
  const limit = more ? 20 : Math.min(500, Math.max(20, state.timeline.shown));
  const page = await getJson('/v1/statements', { party: f.party, q: f.q, from: f.from, to, limit, cursor: more ? state.timeline.cursor : undefined });
  if (run !== generation.timeline) return;
  const list = $('timeline');
  const items = page.items.map((s) => statementItem(s, state.names));
  if (more) list.append(...items);
  else fill(list, items.length ? items : h('li', { class: 'placeholder' }, 'No statement matches.'));
  state.timeline.shown = (more ? state.timeline.shown : 0) + page.items.length;
  state.timeline.cursor = page.nextCursor;
  $('timeline-more').hidden = !page.nextCursor;
}
