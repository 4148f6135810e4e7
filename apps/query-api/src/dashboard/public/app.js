import { adoptTokenFromUrl, ApiError, getJson, setToken } from './api.js';
import { setupBasisDialog } from './basis-dialog.js';
import { fill, placeholder } from './dom.js';
import { formatOccurred, today } from './format.js';
import { connectLive } from './live.js';
import { loadCatalogue, loadDyads, loadStances, loadThreats, loadTimeline, openBasis } from './loaders.js';
import { $, knownAtParam, readFragment, state, writeFragment } from './state.js';
import { resizeDyads } from './views/dyads.js';
import { renderLegend } from './views/matrix.js';
import { resizeStepChart } from './views/step-chart.js';

/** Which views an applied event type can change. */
const AFFECTS = {
  catalogue: new Set(['ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded', 'ProposalMade', 'ProposalAmended', 'EventCorrected', 'EventRetracted']),
  statements: new Set(['StatementMade', 'EventCorrected', 'EventRetracted', 'CitationAdded']),
};

let live;

function showNotice(text, kind = 'error') {
  const notice = $('notice');
  notice.dataset.kind = kind;
  fill(notice, text);
  notice.hidden = !text;
}

function askForToken(message) {
  showNotice(message, 'auth');
  $('token-form').hidden = false;
  live?.stop();
  setLive('off');
  $('token-input').focus();
}

/** Routes a failed load: token problems stop everything and ask for a token; others stay in their view. */
function failed(error, el) {
  if (error instanceof ApiError && error.isAuth) {
    askForToken(error.explanation);
    if (el) placeholder(el, 'Waiting for a valid read token.', 'error');
    return;
  }
  const text = error instanceof ApiError ? error.explanation : `Could not load: ${error.message}`;
  if (el) placeholder(el, text, 'error');
  else showNotice(text);
}

/** Each view's loader and the element that shows its problems. */
const LOADERS = {
  stances: [() => loadStances({ onOpen: (cell, proposalId) => openBasis(cell, proposalId).catch((e) => failed(e)) }), 'matrix'],
  threats: [loadThreats, 'threats'],
  dyads: [loadDyads, 'dyads'],
  timeline: [loadTimeline, 'timeline'],
};

async function run(view) {
  const [load, el] = LOADERS[view];
  try {
    await load();
  } catch (e) {
    failed(e, $(el));
  }
}

/** With no fact in this many days before today, today's view would be empty: the lean's window. */
const QUIET_DAYS = 30;

/**
 * Opens on the data that is there: when the page was not told a date and the newest fact is more
 * than QUIET_DAYS old (a historical data set, such as the seed of March 2025), it opens as of that
 * fact's day and says so, rather than showing today's empty lean, aged conditions and no dyads.
 */
async function openOnData() {
  if (state.asOfSource !== 'today' && state.asOfSource !== 'data') return;
  const extent = await getJson('/v1/extent', { knownAt: knownAtParam() });
  const last = Date.parse(extent.lastOccurredAt ?? '');
  if (Number.isNaN(last) || last >= Date.now() - QUIET_DAYS * 86_400_000) {
    // Newer facts arrived (live): back to today.
    if (state.asOfSource === 'data') setAsOf(today(), 'today', { refresh: false });
    return;
  }
  state.asOf = new Date(last).toISOString().slice(0, 10);
  state.asOfSource = 'data';
  $('as-of').value = state.asOf;
  fill(
    $('as-of-note-text'),
    `Showing the ledger as of ${formatOccurred(state.asOf)}, the date of its newest event: nothing has been recorded as happening in the ${QUIET_DAYS} days before today.`,
  );
  $('as-of-note').hidden = false;
}

function setAsOf(value, source, { refresh = true } = {}) {
  state.asOf = value;
  state.asOfSource = source;
  $('as-of').value = value;
  $('as-of-note').hidden = true;
  writeFragment();
  if (refresh) refreshSoon(['stances', 'threats', 'dyads']);
}

/** Loads everything: the lists first (names and the proposal picker), then every view at once. */
async function loadAll() {
  try {
    // Without the extent the page still works, as of today.
    await openOnData().catch((e) => {
      if (e instanceof ApiError && e.isAuth) throw e;
    });
    await loadCatalogue();
  } catch (e) {
    failed(e, $('matrix'));
    return;
  }
  await Promise.all(Object.keys(LOADERS).map(run));
  document.body.dataset.ready = 'true';
}

const pending = new Set();
let flushTimer;
let flushing = Promise.resolve();

/** Collects what changed and refreshes those views once things settle (debounced). */
function refreshSoon(views) {
  for (const v of views) pending.add(v);
  clearTimeout(flushTimer);
  flushTimer = setTimeout(() => {
    flushing = flushing.then(flush);
  }, 300);
}

async function flush() {
  const views = [...pending];
  pending.clear();
  if (!views.length) return;
  // Opened as of the newest fact's day: a newer fact moves the view along with it.
  if (state.asOfSource === 'data') {
    await openOnData().catch(() => undefined);
    for (const v of ['stances', 'threats', 'dyads']) if (!views.includes(v)) views.push(v);
  }
  if (views.includes('catalogue')) {
    try {
      await loadCatalogue();
    } catch (e) {
      failed(e);
    }
  }
  await Promise.all(views.filter((v) => v in LOADERS).map(run));
  const stamp = new Date().toLocaleTimeString('en-GB');
  $('live').title = `Last update ${stamp}`;
  $('live').dataset.flash = String(Date.now());
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
}

function onApplied(batch) {
  const types = (batch.events ?? []).map((e) => e.type);
  const views = new Set(['threats', 'dyads']);
  if (types.some((t) => AFFECTS.catalogue.has(t))) views.add('catalogue').add('stances');
  if (types.some((t) => AFFECTS.statements.has(t))) views.add('timeline');
  if ((batch.positions ?? []).some((p) => p.proposalId === state.proposalId) || batch.truncated) views.add('stances');
  refreshSoon(views);
}

function onPosition(change) {
  if (!change.proposalId || change.proposalId === state.proposalId) refreshSoon(['stances']);
  else refreshSoon(['catalogue']);
}

const LIVE_TEXT = { off: 'Not connected', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline, retrying' };

function setLive(s) {
  $('live').dataset.state = s;
  fill($('live').querySelector('.live-text'), LIVE_TEXT[s] ?? s);
}

function startLive() {
  live?.stop();
  live = connectLive({ onApplied, onPosition, onResync: () => refreshSoon(['catalogue', ...Object.keys(LOADERS)]), onState: setLive });
}

function wireControls() {
  $('as-of').value = state.asOf;
  $('known-at').value = state.knownAt;
  $('dyad-interval').value = state.interval;
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  $('proposal').addEventListener('change', (e) => {
    state.proposalId = e.target.value;
    writeFragment();
    refreshSoon(['stances', 'threats', 'dyads']);
  });
  $('as-of').addEventListener('change', (e) => setAsOf(e.target.value || today(), 'user'));
  $('as-of-today').addEventListener('click', () => setAsOf(today(), 'user'));
  $('known-at').addEventListener('change', (e) => {
    state.knownAt = e.target.value;
    writeFragment();
    refreshSoon(['stances']);
  });
  $('known-now').addEventListener('click', () => {
    $('known-at').value = '';
    state.knownAt = '';
    writeFragment();
    refreshSoon(['stances']);
  });
  $('dyad-interval').addEventListener('change', (e) => {
    state.interval = e.target.value;
    writeFragment();
    refreshSoon(['dyads']);
  });
  $('timeline-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    state.timeline.filter = { party: $('tl-party').value, q: $('tl-q').value.trim(), from: $('tl-from').value, to: $('tl-to').value };
    state.timeline.shown = 0;
    run('timeline');
  });
  $('timeline-more').addEventListener('click', () => loadTimeline({ more: true }).catch((e) => failed(e, $('timeline'))));
  $('change-token').addEventListener('click', () => {
    $('token-form').hidden = false;
    $('token-input').focus();
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) return;
    setToken(token);
    $('token-input').value = '';
    $('token-form').hidden = true;
    showNotice('');
    startLive();
    loadAll();
  });
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      resizeStepChart();
      resizeDyads();
    }, 150);
  });
}

function main() {
  const token = adoptTokenFromUrl();
  readFragment();
  wireControls();
  renderLegend($('legend'));
  setupBasisDialog();
  if (!token) {
    askForToken('A read token is needed to show the ledger. Open the link printed by npm start, or paste a token below.');
    return;
  }
  startLive();
  loadAll();
}

main();
