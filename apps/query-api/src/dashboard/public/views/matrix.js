import { fill, h, placeholder } from '../dom.js';
import { formatOccurred, formatScore, formatStepHeading, plural, startOf } from '../format.js';
import { category, CATEGORIES } from '../palette.js';

const PRECISION_RANK = { exact: 0, day: 1, week: 2, month: 3 };

/** Columns: the distinct valid times at which any party's stance changed, in fold order, up to asOf. */
export function matrixColumns(histories, asOfMs) {
  const columns = new Map();
  for (const steps of histories.values()) {
    for (const step of steps) {
      const start = Date.parse(step.occurredStart) || startOf(step.occurredAt);
      if (start > asOfMs) continue;
      const rank = PRECISION_RANK[step.occurredAt?.precision] ?? 1;
      const key = `${start}|${rank}`;
      if (!columns.has(key)) columns.set(key, { key, start, rank, occurredAt: step.occurredAt });
    }
  }
  return [...columns.values()].sort((a, b) => a.start - b.start || a.rank - b.rank);
}

function atOrBefore(step, column) {
  const start = Date.parse(step.occurredStart) || startOf(step.occurredAt);
  const rank = PRECISION_RANK[step.occurredAt?.precision] ?? 1;
  return start < column.start || (start === column.start && rank <= column.rank);
}

/** The step in force for a party at a column (the last one at or before it), and whether it changed there. */
export function cellAt(steps, column) {
  let current = null;
  let explicit = false;
  for (const step of steps) {
    if (!atOrBefore(step, column)) break;
    const start = Date.parse(step.occurredStart) || startOf(step.occurredAt);
    current = step;
    explicit = start === column.start && (PRECISION_RANK[step.occurredAt?.precision] ?? 1) === column.rank;
  }
  return { step: current, explicit };
}

function describe(step) {
  const cat = category(step?.category ?? 'UNKNOWN');
  const open = step?.openConditions ?? 0;
  return { cat, open, text: `${cat.label}${cat.id === 'CONDITIONAL' ? `, ${plural(open, 'open condition')}` : ''}` };
}

/**
 * Rows are parties, columns the moments a stance changed; each cell is a button (arrow keys move
 * between cells, Enter or Space opens the event the stance rests on).
 */
export function renderMatrix(el, { parties, names, histories, leans = new Map(), asOfMs, knownAt, onOpen }) {
  const columns = matrixColumns(histories, asOfMs);
  if (!parties.length || !columns.length) {
    const none = knownAt ? 'Nothing about this proposal had been recorded by the as-known-at time.' : 'No stance was taken by the as-of date.';
    placeholder(el, parties.length ? none : 'No party has taken a stance on this proposal yet.');
    return;
  }
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', class: 'corner' }, 'Party'),
    columns.map((c) => h('th', { scope: 'col', title: formatOccurred(c.occurredAt) }, formatStepHeading(c.occurredAt))),
    h(
      'th',
      { scope: 'col', class: 'lean-head', title: 'Tone of the party’s statements, appeals, criticism and threats about the proposal in the 30 days to the as-of date' },
      'Lean (30 d)',
    ),
  );
  const rows = parties.map((party, r) =>
    h(
      'tr',
      { dataset: { party } },
      h(
        'th',
        { scope: 'row' },
        h('span', { class: 'party-id' }, party),
        names.get(party) && names.get(party) !== party ? h('span', { class: 'party-name' }, names.get(party)) : null,
      ),
      columns.map((column, c) => {
        const { step, explicit } = cellAt(histories.get(party) ?? [], column);
        const { cat, open, text } = describe(step);
        const when = formatOccurred(column.occurredAt);
        const label = `${party}, ${when}: ${text}${step ? `, score ${formatScore(step.score)}` : ''}${explicit ? ', changed by an event here' : ''}${step?.contested ? ', contested' : ''}. Open the basis event.`;
        return h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `cell${explicit ? ' explicit' : ''}${cat.id === 'UNKNOWN' ? ' unknown' : ''}`,
              style: { background: cat.bg, color: cat.fg },
              tabindex: '-1',
              title: text,
              'aria-label': label,
              dataset: { row: r, col: c, category: cat.id, key: `${party}|${column.key}` },
              onclick: (e) => onOpen({ party, step, column, opener: e.currentTarget }),
            },
            h('span', { class: 'cat' }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, cat.glyph), cat.label),
            cat.id === 'CONDITIONAL' ? h('span', { class: 'open' }, `${open} open`) : null,
            step?.contested ? h('span', { class: 'contested' }, 'contested') : null,
          ),
        );
      }),
      leanCell(leans.get(party)),
    ),
  );
  const table = h('table', { class: 'matrix', 'aria-describedby': 'matrix-help' }, h('thead', {}, head), h('tbody', {}, rows));
  const scroller = h('div', { class: 'matrix-scroll' }, table);
  fill(
    el,
    scroller,
    h(
      'p',
      { id: 'matrix-help', class: 'help' },
      'Arrow keys move between cells; Enter opens the event behind a stance. A heavy outline marks the moment a party’s stance changed; other cells carry it forward. Lean: the tone of the party’s words about the proposal in the 30 days to the as-of date, −1 to +1.',
    ),
  );
  setupRovingFocus(table, parties.length, columns.length);
  scroller.scrollLeft = scroller.scrollWidth;
}

/** The lean (−1..+1) as a signed number and a bar from the middle: right for warmer, left for cooler. */
function leanCell(lean) {
  if (lean === undefined || lean === null) return h('td', { class: 'lean' }, '—');
  const width = `${Math.min(50, Math.abs(lean) * 50)}%`;
  const bar = h('span', { class: `lean-bar ${lean < 0 ? 'neg' : 'pos'}`, style: lean < 0 ? { right: '50%', width } : { left: '50%', width } });
  return h(
    'td',
    { class: 'lean' },
    h('span', { class: 'lean-value' }, `${lean > 0 ? '+' : lean < 0 ? '−' : ''}${Math.abs(lean).toFixed(2)}`),
    h('span', { class: 'lean-track', 'aria-hidden': 'true' }, bar),
  );
}

/** One tab stop for the whole grid (the latest cell of the first row); arrows, Home and End move. */
function setupRovingFocus(table, rows, cols) {
  const cell = (r, c) => table.querySelector(`button[data-row="${r}"][data-col="${c}"]`);
  let current = cell(0, cols - 1);
  current.tabIndex = 0;
  table.addEventListener('keydown', (e) => {
    const btn = e.target.closest('button.cell');
    if (!btn) return;
    let r = Number(btn.dataset.row);
    let c = Number(btn.dataset.col);
    const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
    if (moves[e.key]) [r, c] = [r + moves[e.key][0], c + moves[e.key][1]];
    else if (e.key === 'Home') c = 0;
    else if (e.key === 'End') c = cols - 1;
    else return;
    e.preventDefault();
    const next = cell(Math.max(0, Math.min(rows - 1, r)), Math.max(0, Math.min(cols - 1, c)));
    current.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
    current = next;
  });
  table.addEventListener('focusin', (e) => {
    const btn = e.target.closest('button.cell');
    if (!btn || btn === current) return;
    current.tabIndex = -1;
    btn.tabIndex = 0;
    current = btn;
  });
}

/** The legend: every category with its glyph, colour and score rule. */
export function renderLegend(el) {
  const rules = { PROPOSER: '+1', ACCEPTED: '+1', CONDITIONAL: '+0.5 − 0.1 per open condition (min +0.1)', NONCOMMITTAL: '0', REJECTED: '−1', UNKNOWN: 'no score' };
  fill(
    el,
    CATEGORIES.map((c) =>
      h(
        'li',
        {},
        h('span', { class: `swatch${c.id === 'UNKNOWN' ? ' unknown' : ''}`, style: { background: c.bg, color: c.fg }, 'aria-hidden': 'true' }, c.glyph),
        h('span', {}, c.label),
        h('span', { class: 'rule' }, rules[c.id]),
      ),
    ),
  );
}
