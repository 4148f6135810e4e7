import { fill, h, placeholder } from '../dom.js';
import { formatDate } from '../format.js';
import { THREAT_STATUS } from '../palette.js';

/** What the trigger's event type means, in words (the type itself for the rest). */
const ACTS = {
  ProposalRejected: 'rejects',
  ProposalAccepted: 'accepts',
  ProposalAcceptedConditionally: 'accepts with conditions',
  ProposalConsidered: 'considers',
  PositionWithdrawn: 'withdraws its position on',
  CeasefireViolationAlleged: 'is accused of violating a ceasefire on',
};

/** The trigger in words, as separate strings: a name's own direction controls stay inside it. */
function trigger(t, names) {
  if (!t.trigger) return 'no trigger named';
  const who = names.get(t.trigger.party) ?? t.trigger.party ?? 'someone';
  const act = ACTS[t.trigger.eventType];
  const what = t.trigger.proposalId ?? 'it';
  return act ? ['if ', who, ` ${act} `, what] : ['if ', who, `: ${t.trigger.eventType}`, t.trigger.proposalId ? [' on ', t.trigger.proposalId] : ''];
}

/** Sanction threats and their tracker state: armed → triggered → executed, or lapsed at the deadline. */
export function renderThreats(el, { threats, names, proposalId }) {
  if (!threats.length) {
    placeholder(el, 'No sanction threat recorded by this date.');
    return;
  }
  const related = (t) => t.proposalId === proposalId || t.trigger?.proposalId === proposalId;
  const sorted = [...threats].sort((a, b) => Number(related(b)) - Number(related(a)) || Date.parse(b.occurredAt) - Date.parse(a.occurredAt));
  fill(
    el,
    h(
      'ul',
      { class: 'threats' },
      sorted.map((t) => {
        const status = THREAT_STATUS[t.status] ?? { label: t.status, glyph: '' };
        return h(
          'li',
          { class: `threat${related(t) ? ' related' : ''}`, dataset: { threat: t.threatId, status: t.status } },
          h('span', { class: `badge threat-${t.status}` }, h('span', { 'aria-hidden': 'true' }, status.glyph), ` ${status.label}`),
          h(
            'div',
            { class: 'threat-body' },
            h(
              'p',
              { class: 'threat-head' },
              h('strong', {}, t.by ?? 'unknown'),
              ' → ',
              h('strong', {}, t.against.join(', ') || '—'),
              ': ',
              t.sanction.kind,
              ' sanctions',
              t.ultimatum ? h('span', { class: 'tag' }, 'ultimatum') : null,
            ),
            h('p', { class: 'threat-scope' }, t.sanction.scope),
            h(
              'p',
              { class: 'threat-meta' },
              trigger(t, names),
              ` · threatened ${formatDate(t.occurredAt)}`,
              t.deadline ? ` · deadline ${formatDate(t.deadline)}` : '',
              related(t) ? ' · about this proposal' : '',
            ),
          ),
        );
      }),
    ),
  );
}
