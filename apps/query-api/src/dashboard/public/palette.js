/**
 * Stance categories, strongest support first. Each has a text label and a glyph besides its
 * colour, so nobody has to tell colours apart; text on every fill passes WCAG AA (≥ 4.5:1).
 */
export const CATEGORIES = [
  { id: 'PROPOSER', label: 'Proposer', glyph: '★', bg: '#1d4f91', fg: '#ffffff', line: '#1d4f91' },
  { id: 'ACCEPTED', label: 'Accepted', glyph: '✓', bg: '#00735c', fg: '#ffffff', line: '#00735c' },
  { id: 'CONDITIONAL', label: 'Conditional', glyph: '◐', bg: '#f0b43c', fg: '#1a1a1a', line: '#b07800' },
  { id: 'NONCOMMITTAL', label: 'Noncommittal', glyph: '○', bg: '#d5dde8', fg: '#1a1a1a', line: '#6b7a90' },
  { id: 'REJECTED', label: 'Rejected', glyph: '✕', bg: '#b03a00', fg: '#ffffff', line: '#b03a00' },
  { id: 'UNKNOWN', label: 'Unknown', glyph: '?', bg: '#ffffff', fg: '#4a4f57', line: '#8a8f98' },
];

const BY_ID = new Map(CATEGORIES.map((c) => [c.id, c]));

export function category(id) {
  return BY_ID.get(id) ?? BY_ID.get('UNKNOWN');
}

/** Series colours for parties (Okabe–Ito, distinguishable with the common colour-vision deficiencies), with a symbol and dash each. */
export const PARTY_STYLES = [
  { color: '#0072b2', symbol: 'circle', dash: 'solid' },
  { color: '#d55e00', symbol: 'rect', dash: 'solid' },
  { color: '#009e73', symbol: 'triangle', dash: 'dashed' },
  { color: '#cc79a7', symbol: 'diamond', dash: 'dashed' },
  { color: '#000000', symbol: 'pin', dash: 'dotted' },
  { color: '#e69f00', symbol: 'roundRect', dash: 'dotted' },
];

export function partyStyle(index) {
  return PARTY_STYLES[index % PARTY_STYLES.length];
}

/** CAMEO quad classes: cooperation above the axis, conflict below. */
export const QUADS = [
  { key: 'verbalCooperation', label: 'Verbal coop.', color: '#56b4e9', sign: 1 },
  { key: 'materialCooperation', label: 'Material coop.', color: '#0072b2', sign: 1 },
  { key: 'verbalConflict', label: 'Verbal conflict', color: '#e69f00', sign: -1 },
  { key: 'materialConflict', label: 'Material conflict', color: '#b03a00', sign: -1 },
];

/** Badge text for a threat's status; the glyph repeats the meaning without colour. */
export const THREAT_STATUS = {
  armed: { label: 'Armed', glyph: '⚑' },
  triggered: { label: 'Triggered', glyph: '⚠' },
  executed: { label: 'Executed', glyph: '■' },
  lapsed: { label: 'Lapsed', glyph: '○' },
};

export const CONDITION_STATUS = {
  open: { label: 'Open', glyph: '●' },
  met: { label: 'Met', glyph: '✓' },
  waived: { label: 'Waived', glyph: '–' },
  dropped: { label: 'Dropped', glyph: '–' },
  superseded: { label: 'Superseded', glyph: '↷' },
};

/** The page's font stack: the charts measure their labels with it too, so legends do not overlap. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';
