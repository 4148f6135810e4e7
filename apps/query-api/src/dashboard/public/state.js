import { endOfDay, today } from './format.js';

export const $ = (id) => document.getElementById(id);

/** What the page shows; everything but the token is mirrored in the URL fragment, so a view can be shared. */
export const state = {
  proposals: [],
  parties: [],
  names: new Map(),
  proposalId: '',
  asOf: today(),
  /** Why asOf is what it is: 'today' (the default), 'link' (the fragment named it), 'data' (the newest fact's day), 'user'. */
  asOfSource: 'today',
  knownAt: '',
  interval: 'week',
  timeline: { filter: {}, cursor: undefined, shown: 0 },
};

export function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  state.proposalId = params.get('proposal') ?? '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(params.get('asOf') ?? '')) {
    state.asOf = params.get('asOf');
    state.asOfSource = 'link';
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(params.get('knownAt') ?? '')) state.knownAt = params.get('knownAt');
  if (['day', 'week', 'month'].includes(params.get('interval'))) state.interval = params.get('interval');
}

export function writeFragment() {
  const params = new URLSearchParams();
  if (state.proposalId) params.set('proposal', state.proposalId);
  if (state.asOf !== today()) params.set('asOf', state.asOf);
  if (state.knownAt) params.set('knownAt', state.knownAt);
  if (state.interval !== 'week') params.set('interval', state.interval);
  history.replaceState(null, '', `${location.pathname}${location.search}${params.size ? `#${params}` : ''}`);
}

/** The record-time cutoff as the API wants it (an instant with a zone), or undefined for "everything recorded". */
export function knownAtParam() {
  if (!state.knownAt) return undefined;
  const ms = new Date(state.knownAt).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function asOfMs() {
  return endOfDay(state.asOf);
}
