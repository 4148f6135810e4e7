import { h } from '../dom.js';
import { formatOccurred } from '../format.js';

/** Who spoke and for whom, as separate strings: each name is its own bidi isolate. */
function speakers(statement, names) {
  const actors = (statement.actors ?? []).map((a, i) => [
    i ? ', ' : '',
    names.get(a.actorId) ?? a.actorId,
    a.onBehalfOf ? [' for ', names.get(a.onBehalfOf) && a.onBehalfOf.length > 3 ? names.get(a.onBehalfOf) : a.onBehalfOf] : '',
  ]);
  return actors.length ? actors : statement.parties.join(', ');
}

function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** One statement: when, who (and for whom), tone, the words, the sources. */
export function statementItem(s, names) {
  const citations = (s.citations ?? []).map((c) => {
    const href = safeUrl(c.url);
    const label = c.outlet || (href ? new URL(href).hostname : 'source');
    return h(
      'li',
      {},
      href ? h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, label) : label,
      c.publishedAt ? [' (', formatOccurred(c.publishedAt.slice(0, 10)), ')'] : '',
    );
  });
  return h(
    'li',
    { class: 'statement', dataset: { event: s.eventId } },
    h(
      'div',
      { class: 'st-head' },
      h('time', { datetime: s.occurredAt.value }, formatOccurred(s.occurredAt)),
      h('span', { class: 'st-who' }, speakers(s, names)),
      h('span', { class: `tone tone-${s.tone}` }, s.tone),
    ),
    h('p', { class: 'st-text' }, s.text),
    s.quote && !s.text.includes(s.quote) ? h('blockquote', {}, s.quote) : null,
    h(
      'p',
      { class: 'st-meta' },
      s.proposalId ? ['about ', s.proposalId] : 'no proposal',
      s.codes ? ` · CAMEO ${s.codes.cameo} (Goldstein ${s.codes.goldstein > 0 ? '+' : ''}${s.codes.goldstein})` : '',
      s.topics?.length ? [' · ', s.topics.map((t, i) => [i ? ', ' : '', t])] : '',
    ),
    citations.length ? h('ul', { class: 'citations', 'aria-label': 'Sources' }, citations) : null,
  );
}
