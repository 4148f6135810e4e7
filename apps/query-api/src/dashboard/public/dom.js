/**
 * Builds elements from data without ever parsing it as markup: text goes through textContent, so
 * a quote or a party name cannot inject anything into the page.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Elements whose content is plain text only: their strings are isolated with FSI … PDI instead of <bdi>. */
const TEXT_ONLY = new Set(['OPTION', 'OPTGROUP', 'TITLE', 'TEXTAREA']);

/**
 * Each string goes in as its own bidi isolate (a <bdi>, which is also dir=auto), so a direction
 * control in the data (U+202E RIGHT-TO-LEFT OVERRIDE in a quote or a name) can reorder only its own
 * text, never the words around it. Callers pass data and the words around it as separate strings.
 */
function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false || child === '') continue;
    if (child instanceof Node) el.append(child);
    else if (TEXT_ONLY.has(el.tagName)) el.append(document.createTextNode(isolate(child)));
    else el.append(Object.assign(document.createElement('bdi'), { textContent: String(child) }));
  }
}

/** Text isolated for places that hold no markup (options, chart labels): FSI … PDI around it. */
export function isolate(text) {
  return `\u2068${String(text)}\u2069`;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Escapes text for the few places a library wants an HTML string (chart tooltips). */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** A one-line message in a view's place: loading, empty, or why it failed. */
export function placeholder(el, text, kind = 'empty') {
  fill(el, h('p', { class: `placeholder ${kind}` }, text));
}
