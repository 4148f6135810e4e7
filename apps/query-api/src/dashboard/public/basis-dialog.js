import { fill, h } from './dom.js';
import { formatOccurred, formatScore, formatTime, plural } from './format.js';
import { category, CONDITION_STATUS } from './palette.js';

const dialog = () => document.getElementById('basis');
let opener = null;
let openerKey = null;

/** Who acted, as separate strings (each name its own bidi isolate); empty when nobody is named. */
function actorText(actors, names) {
  return (actors ?? []).map((a, i) => [
    i ? ', ' : '',
    names.get(a.actorId) ?? a.actorId,
    a.capacity ? ` (${a.capacity.replaceAll('_', ' ')})` : '',
    a.onBehalfOf ? [' for ', a.onBehalfOf] : '',
  ]);
}

function row(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function citationList(citations) {
  if (!citations?.length) return h('p', { class: 'muted' }, 'No citations recorded for this event.');
  return h(
    'ul',
    { class: 'citations' },
    citations.map((c) => {
      let href = null;
      try {
        const u = new URL(c.url);
        if (u.protocol === 'https:' || u.protocol === 'http:') href = u.href;
      } catch {
        href = null;
      }
      return h(
        'li',
        {},
        href ? h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, c.outlet || href) : c.outlet || c.url,
        c.publishedAt ? ` · ${formatTime(c.publishedAt)}` : '',
      );
    }),
  );
}

/** Shows a stance and the event it rests on; Escape or the close button closes it and focus returns to the cell. */
export function showBasis({ party, when, position, names, opener: from }) {
  const d = dialog();
  opener = from ?? document.activeElement;
  openerKey = opener?.dataset?.key ?? null;
  const cat = category(position?.category);
  const basis = position?.basis;
  const open = position?.conditions?.filter((c) => c.status === 'open') ?? [];
  fill(document.getElementById('basis-title'), names.get(party) ?? party, ` · ${when}`);
  fill(
    document.getElementById('basis-body'),
    h(
      'p',
      { class: 'stance' },
      h('span', { class: `pill${cat.id === 'UNKNOWN' ? ' unknown' : ''}`, style: { background: cat.bg, color: cat.fg } }, `${cat.glyph} ${cat.label}`),
      cat.id === 'CONDITIONAL' ? ` ${plural(position.openConditions, 'open condition')}` : '',
      ` · score ${formatScore(position?.score ?? null)}`,
      position?.contested ? ' · contested by another authoritative voice' : '',
    ),
    basis
      ? h(
          'dl',
          { class: 'facts' },
          row('Event', h('code', {}, basis.type)),
          row('Occurred', formatOccurred(basis.occurredAt), ` (${basis.occurredAt?.precision ?? 'day'} precision)`),
          row('Recorded', formatTime(basis.recordedAt)),
          row('Who', basis.actors?.length ? actorText(basis.actors, names) : '—'),
          row(
            'Quote',
            basis.quote
              ? h('blockquote', {}, '“', basis.quote, '”', h('span', { class: 'muted' }, basis.direct ? ' — direct quote' : ' — reported speech'))
              : h('span', { class: 'muted' }, 'no quote recorded'),
          ),
          row('Citations', citationList(basis.citations)),
          row('Event id', h('code', { class: 'id' }, basis.eventId)),
        )
      : h('p', { class: 'muted' }, 'No stance is known at this point: no event has set one yet.'),
    open.length
      ? h(
          'section',
          {},
          h('h3', {}, 'Open conditions'),
          h(
            'ul',
            { class: 'conds' },
            open.map((c) =>
              h(
                'li',
                {},
                h('span', { class: 'badge cond-open' }, CONDITION_STATUS.open.glyph, ' Open'),
                ' ',
                c.text,
                h('span', { class: 'muted' }, ` → ${c.addressedTo.join(', ')}`),
              ),
            ),
          ),
        )
      : null,
  );
  if (!d.open) d.showModal();
  d.querySelector('.dialog-close button').focus();
}

export function setupBasisDialog() {
  const d = dialog();
  d.addEventListener('close', () => {
    // A live update may have redrawn the matrix meanwhile: return to the same cell in the new one.
    const target = opener && document.contains(opener) ? opener : openerKey ? document.querySelector(`[data-key="${CSS.escape(openerKey)}"]`) : null;
    target?.focus();
    opener = null;
    openerKey = null;
  });
  // A click on the backdrop (outside the dialog box) closes it too.
  d.addEventListener('click', (e) => {
    if (e.target === d) d.close();
  });
}
