import { fill, h, placeholder } from '../dom.js';
import { daysBetween, formatDate, plural } from '../format.js';
import { CONDITION_STATUS } from '../palette.js';

/** Open first, then the oldest first: the longest-standing obstacles lead. */
function order(a, b) {
  return (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1) || Date.parse(a.statedAt) - Date.parse(b.statedAt);
}

/** Who spoke for the party, when the stating event is known (`events`: id → basis event). */
function speaker(position, condition, names, events) {
  const id = events.get(condition.statedBy)?.actors?.[0]?.actorId;
  return id && id !== position.party ? (names.get(id) ?? id) : null;
}

/**
 * Every condition a party attached to its stance on the proposal: who stated it, to whom, where it
 * stands, and how many days it had been standing at the as-of date.
 */
export function renderConditions(el, { positions, names, events, asOfMs }) {
  const rows = positions.flatMap((p) => p.conditions.map((c) => ({ position: p, condition: c })));
  if (!rows.length) {
    placeholder(el, 'No party has attached conditions to this proposal by this date.');
    return;
  }
  rows.sort((a, b) => order(a.condition, b.condition));
  const open = rows.filter((r) => r.condition.status === 'open').length;
  fill(
    el,
    h('p', { class: 'count' }, `${plural(open, 'open condition')}, ${rows.length - open} closed`),
    h(
      'table',
      { class: 'board' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Condition', 'Stated by', 'To', 'Status', 'Age'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map(({ position, condition: c }) => {
          const status = CONDITION_STATUS[c.status] ?? { label: c.status, glyph: '' };
          const stated = Date.parse(c.statedAt);
          const until = c.status === 'open' || !c.resolvedAt ? asOfMs : Math.min(asOfMs, Date.parse(c.resolvedAt));
          const age = daysBetween(stated, until);
          const who = speaker(position, c, names, events);
          return h(
            'tr',
            { dataset: { condition: c.conditionId, status: c.status } },
            h('td', { class: 'cond' }, h('span', { class: 'ctext' }, c.text), h('span', { class: 'ccat' }, c.category)),
            h('td', { class: 'by' }, h('strong', {}, position.party), who ? h('span', { class: 'who' }, who) : null),
            h('td', { class: 'to' }, c.addressedTo.length ? c.addressedTo.join(', ') : '—'),
            h(
              'td',
              {},
              h('span', { class: `badge cond-${c.status}` }, h('span', { 'aria-hidden': 'true' }, status.glyph), ` ${status.label}`),
              c.resolvedAt ? h('span', { class: 'when' }, formatDate(c.resolvedAt)) : null,
            ),
            h(
              'td',
              { class: 'num', title: c.status === 'open' ? 'days open at the as-of date' : 'days it stood before it was closed' },
              plural(age, 'day'),
              h('span', { class: 'when' }, `since ${formatDate(stated)}`),
            ),
          );
        }),
      ),
    ),
  );
}
