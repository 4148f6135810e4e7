import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { QueryApiModule } from '../../apps/query-api/src/query-api.module';
import { occurredStart } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, seedEnvelopes, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';

// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against the three
// apps on the real services, with the seed published through the ingest API.
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');
/** The screenshots docs/dashboard.md shows, taken by this test. */
const DOC_IMAGES = join(__dirname, '..', '..', 'docs', 'images');
const PROPOSAL = 'us-30-day-ceasefire-2025';
const VIEWPORT = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** Bidi controls a text could carry: embeddings, overrides, isolates. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

// Functions passed to page.evaluate run in the browser; the project compiles without the DOM lib.
declare const document: any;
declare const window: any;
declare const sessionStorage: any;
declare const getComputedStyle: any;
type HTMLElement = any;

describe('dashboard', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  let browser: BrowserContext;
  let profile: string;
  let readToken: string;
  let publishToken: string;
  let seededAt: Date;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: the dashboard tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
    }
    ctx = await createTestContext();
    const tokens = new TokenStore(ctx.pool);
    publishToken = (await tokens.create({ name: 'seed-desk', scopes: ['publish'] })).token;
    readToken = (await tokens.create({ name: 'dashboard', scopes: ['read'] })).token;
    app = await startTestApp(ctx, [IngestApiModule, ProjectorModule, QueryApiModule]);

    const events = seedEnvelopes().map(withoutPublisher);
    const posted = await http('POST', `${app.url}/v1/events/batch`, { json: { events }, token: publishToken });
    expect(posted.status).toBe(202);
    seededAt = new Date();
    await eventually(async () => {
      const res = await http('GET', `${app.url}/v1/positions?party=RUS&proposal=${PROPOSAL}`, { token: readToken });
      return res.body?.category === 'CONDITIONAL' && res.body.openConditions === 4 ? true : undefined;
    }, 20_000);

    mkdirSync(SHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      viewport: VIEWPORT,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.close();
    await ctx?.close();
  });

  let pageErrors: string[] = [];
  afterEach(() => {
    const errors = pageErrors;
    pageErrors = [];
    expect(errors).toEqual([]);
  });

  /** A fresh tab on the dashboard; an uncaught error in the page fails the test. */
  async function open(fragment: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${app.url}/#${fragment}`);
    return page;
  }

  async function ready(page: Page): Promise<void> {
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  }

  const lastCell = (page: Page, party: string) => page.locator(`tr[data-party="${party}"] button.cell`).last();

  it('serves the page and its files without a token; the data still needs one', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/dashboard/app.js">');

    const js = await fetch(`${app.url}/dashboard/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const etag = js.headers.get('etag')!;
    expect((await fetch(`${app.url}/dashboard/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${app.url}/dashboard/styles.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');

    const entry = await (await fetch(`${app.url}/dashboard/echarts.js`)).text();
    const vendor = /'\.\/(vendor\/echarts-[\d.]+\.esm\.min\.js)'/.exec(entry)?.[1];
    expect(vendor).toBeDefined();
    const lib = await fetch(`${app.url}/dashboard/${vendor}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(lib.status).toBe(200);
    expect(lib.headers.get('cache-control')).toContain('immutable');
    expect(lib.headers.get('content-encoding')).toBe('gzip');

    for (const path of ['/dashboard/nope.js', '/dashboard/..%2F..%2Fpackage.json', '/dashboard/vendor/..%2F..%2F..%2Fpackage.json', '/dashboard/dashboard.controller.ts']) {
      expect({ path, status: (await fetch(`${app.url}${path}`)).status }).toEqual({ path, status: 404 });
    }
    expect((await http('GET', `${app.url}/v1/proposals`)).status).toBe(401);
  });

  it('shows the seed: USA proposer, UKR accepted, RUS conditional with 4 open conditions', async () => {
    const page = await open(`token=${readToken}`);
    await ready(page);
    // The token leaves the address bar (and history) at once and stays in this tab only.
    expect(page.url()).not.toContain(readToken);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(readToken);

    await expect(lastCell(page, 'RUS').textContent()).resolves.toMatch(/Conditional\s*4 open/);
    await expect(lastCell(page, 'RUS').getAttribute('aria-label')).resolves.toContain('Conditional, 4 open conditions, score +0.1');
    await expect(lastCell(page, 'USA').textContent()).resolves.toContain('Proposer');
    await expect(lastCell(page, 'UKR').textContent()).resolves.toContain('Accepted');
    expect(await page.locator('#conditions tr[data-status="open"]').count()).toBe(4);
    await expect(page.locator('#conditions').textContent()).resolves.toContain('Ukrainian forces withdraw from Russia');
    await expect(page.locator('#threats [data-status]').first().textContent()).resolves.toContain('Armed');
    expect(await page.locator('#timeline .statement').count()).toBe(2);
    await page.waitForSelector('#step-chart svg path', { state: 'attached' });
    await page.waitForSelector('#dyads svg path', { state: 'attached' });
    await expect(page.locator('#live').textContent()).resolves.toContain('Live');

    // Fits a 1366×768 laptop: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'dashboard-seed.png') });
    await page.screenshot({ path: join(SHOTS, 'dashboard-seed-full.png'), fullPage: true });
    await page.close();
  });

  it('opens on the data that is there: as of the newest event when it is long past, and says so', async () => {
    const newest = new Date(Math.max(...seedEnvelopes().map((e) => occurredStart(e.occurredAt) ?? 0)));
    const day = newest.toISOString().slice(0, 10);
    expect(Date.now() - newest.getTime()).toBeGreaterThan(30 * 86_400_000); // the seed is March 2025
    const page = await open(`token=${readToken}`);
    await ready(page);
    await expect(page.locator('#as-of').inputValue()).resolves.toBe(day);
    const note = page.locator('#as-of-note');
    expect(await note.isVisible()).toBe(true);
    const shown = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(newest);
    await expect(note.textContent()).resolves.toContain(`as of ${shown}, the date of its newest event`);
    // The seed's state, not today's emptiness: a lean, conditions days old, dyads in the window.
    const leans = await page.locator('td.lean .lean-value').allTextContents();
    expect(leans.some((v) => Number(v.replace('−', '-')) !== 0)).toBe(true);
    const ages = (await page.locator('#conditions tr[data-status="open"] td.num').allTextContents()).map((t) => parseInt(t, 10));
    expect(ages.length).toBe(4);
    expect(Math.max(...ages)).toBeLessThan(30);
    await page.waitForSelector('#dyads svg path', { state: 'attached' });
    await expect(page.locator('#dyads-summary').textContent()).resolves.toMatch(/directed pairs/);
    mkdirSync(DOC_IMAGES, { recursive: true });
    await page.screenshot({ path: join(DOC_IMAGES, 'dashboard.png') });

    // "Show today" goes to today and the note goes away; a link naming a date gets no note.
    await page.locator('#as-of-today').click();
    await expect(page.locator('#as-of').inputValue()).resolves.toBe(new Date().toISOString().slice(0, 10));
    expect(await note.isHidden()).toBe(true);
    await page.close();
    const linked = await open(`asOf=2025-03-12&token=${readToken}`);
    await ready(linked);
    await expect(linked.locator('#as-of').inputValue()).resolves.toBe('2025-03-12');
    expect(await linked.locator('#as-of-note').isHidden()).toBe(true);
    await linked.close();
  });

  it('fits a 390×844 phone: no sideways scroll, nothing clipped, legend clear of the axis, a compact header', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setViewportSize(PHONE);
    await page.goto(`${app.url}/#token=${readToken}`);
    await ready(page);
    await page.waitForSelector('#dyads svg text', { state: 'attached' });
    await page.waitForSelector('#step-chart svg path', { state: 'attached' });

    const layout = await page.evaluate(() => {
      const width = window.innerWidth;
      /** Whether an ancestor below <body> scrolls or clips sideways (a matrix scrolls inside its panel). */
      const inScroller = (el: HTMLElement) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
        return false;
      };
      const describe = (el: HTMLElement) =>
        `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className?.baseVal ?? el.className} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      const outside = [...document.querySelectorAll('body *')]
        .filter((el: HTMLElement) => el.getClientRects().length && !el.closest('dialog') && !inScroller(el))
        .filter((el: HTMLElement) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
        })
        .map(describe);
      // Content wider than its own box: cut off, or spilling over its neighbour.
      const clipped = [...document.querySelectorAll('button, .badge, td, th, select, input, h1, h2, .sub, .as-of-note, .legend li, .st-head, .filters label')]
        .filter((el: HTMLElement) => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
        .map(describe);
      // The latest stance cells (in view when the matrix opens) lie wholly inside the visible part of their panel.
      const scroller = document.querySelector('.matrix-scroll').getBoundingClientRect();
      const lastCells = [...document.querySelectorAll('.matrix tbody tr')].map((tr: HTMLElement) => [...tr.querySelectorAll('button.cell')].pop());
      const hiddenCells = lastCells
        .filter((c: HTMLElement) => {
          const r = c.getBoundingClientRect();
          return r.left < scroller.left - 0.5 || r.right > scroller.right + 0.5;
        })
        .map(describe);
      // The party column (sticky) must not cover the latest cells.
      const names = [...document.querySelectorAll('.matrix tbody th[scope="row"]')].map((th: HTMLElement) => th.getBoundingClientRect().right);
      const covered = lastCells.filter((c: HTMLElement) => c.getBoundingClientRect().left < Math.max(...names) - 0.5).map(describe);
      const header = document.querySelector('header.top').getBoundingClientRect().height;
      return {
        width,
        scrollWidth: document.documentElement.scrollWidth,
        outside,
        clipped,
        hiddenCells,
        covered,
        cells: lastCells.length,
        headerShare: header / window.innerHeight,
      };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    expect(layout.outside).toEqual([]);
    expect(layout.clipped).toEqual([]);
    expect(layout.cells).toBe(3);
    expect(layout.hiddenCells).toEqual([]);
    expect(layout.covered).toEqual([]);
    expect(layout.headerShare).toBeLessThan(0.2);

    // The dyad chart's legend (SVG text) overlaps none of the axis labels (USA→RUS…) and stays inside the chart.
    const overlaps = await page.evaluate(() => {
      const chart = document.querySelector('#dyads').getBoundingClientRect();
      const texts = [...document.querySelectorAll('#dyads svg text')].map((t: HTMLElement) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }));
      const legend = texts.filter((t) => ['Verbal coop.', 'Material coop.', 'Verbal conflict', 'Material conflict', 'Goldstein Σ'].includes(t.text) && t.r.top > chart.top + 40);
      const axis = texts.filter((t) => t.text.includes('→'));
      const hit = (a: any, b: any) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return {
        legend: legend.length,
        axis: axis.length,
        overlapping: legend.flatMap((l) => axis.filter((a) => hit(l.r, a.r)).map((a) => `${l.text} × ${a.text}`)),
        outside: legend.filter((l) => l.r.left < chart.left || l.r.right > chart.right || l.r.bottom > chart.bottom).map((l) => l.text),
      };
    });
    expect(overlaps.legend).toBe(5);
    expect(overlaps.axis).toBeGreaterThan(0);
    expect(overlaps.overlapping).toEqual([]);
    expect(overlaps.outside).toEqual([]);

    await page.screenshot({ path: join(DOC_IMAGES, 'dashboard-390.png') });
    await page.screenshot({ path: join(SHOTS, 'dashboard-390-full.png'), fullPage: true });
    await page.close();
  });

  it('isolates user text: a right-to-left override in a name or a statement reorders nothing around it', async () => {
    const actor = {
      eventId: randomUUID(),
      type: 'ActorRegistered',
      schemaVersion: 1,
      occurredAt: { value: '2025-03-10', precision: 'day' },
      actors: [{ actorId: 'bidi-tester' }],
      data: { id: 'bidi-tester', kind: 'person', name: '\u202EBidi Tester' },
    };
    const statement = statementMade(
      { occurredAt: { value: '2025-03-12', precision: 'day' }, actors: [{ actorId: 'bidi-tester', onBehalfOf: 'USA' }] },
      { text: 'Before \u202Ethe override, after' },
    );
    for (const event of [actor, statement]) expect((await http('POST', `${app.url}/v1/events`, { json: event, token: publishToken })).status).toBe(202);
    await eventually(async () => ((await http('GET', `${app.url}/v1/events/${statement.eventId}`, { token: readToken })).body?.status === 'applied' ? true : undefined), 20_000);

    const page = await open(`token=${readToken}`);
    await ready(page);
    const item = page.locator(`#timeline li[data-event="${statement.eventId}"]`);
    await item.waitFor();
    const found = await page.evaluate((controls: string) => {
      const re = new RegExp(controls);
      const walker = document.createTreeWalker(document.body, 4);
      const unisolated: string[] = [];
      let withControls = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!re.test(n.nodeValue)) continue;
        withControls += 1;
        const parent = n.parentElement;
        const ownIsolate = parent.tagName === 'BDI' && parent.childNodes.length === 1;
        const textIsolate = parent.tagName === 'OPTION' && n.nodeValue.startsWith('\u2068') && n.nodeValue.endsWith('\u2069');
        if (!ownIsolate && !textIsolate) unisolated.push(`${parent.tagName}: ${JSON.stringify(n.nodeValue)}`);
      }
      return { withControls, unisolated };
    }, BIDI_CONTROLS.source);
    expect(found.withControls).toBeGreaterThanOrEqual(2);
    expect(found.unisolated).toEqual([]);
    // The words around the name keep their order on screen: name, " for ", the principal, left to right.
    const order = await item
      .locator('.st-who bdi')
      .evaluateAll((els: HTMLElement[]) => els.map((e) => ({ text: e.textContent, left: e.getBoundingClientRect().left, right: e.getBoundingClientRect().right })));
    expect(order.map((o) => o.text)).toEqual(['\u202EBidi Tester', ' for ', 'USA']);
    for (let i = 1; i < order.length; i++) expect(order[i].left).toBeGreaterThanOrEqual(order[i - 1].right - 1);
    await page.close();
  });

  it('reads the as-of date (valid time) and the as-known-at time (record time)', async () => {
    const page = await open(`asOf=2025-03-14&token=${readToken}`);
    await ready(page);
    await expect(page.locator('#as-of').inputValue()).resolves.toBe('2025-03-14');
    await expect(page.locator('#conditions tr[data-status="open"] td.num').first().textContent()).resolves.toMatch(/^1 day/);
    await page.screenshot({ path: join(SHOTS, 'dashboard-as-of-2025-03-14.png'), fullPage: true });

    // Before the seed was recorded the ledger knew nothing about the proposal.
    const before = new Date(seededAt.getTime() - 60 * 60_000);
    const local = new Date(before.getTime() - before.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.locator('#known-at').fill(local);
    await page.locator('#known-at').dispatchEvent('change');
    await page.waitForFunction(() => document.querySelector('#matrix')?.textContent?.includes('Nothing about this proposal had been recorded'));
    await page.locator('#known-now').click();
    await page.waitForFunction(() => document.querySelector('tr[data-party="RUS"]') !== null);
    await expect(lastCell(page, 'RUS').textContent()).resolves.toContain('Conditional');
    await page.close();
  });

  it('is usable from the keyboard: Tab into the matrix, arrows, Enter opens the basis event, Escape closes it', async () => {
    const page = await open(`token=${readToken}`);
    await ready(page);
    let onCell = false;
    for (let i = 0; i < 30 && !onCell; i++) {
      await page.keyboard.press('Tab');
      onCell = await page.evaluate(() => document.activeElement?.classList.contains('cell') ?? false);
    }
    expect(onCell).toBe(true);
    // The matrix is one tab stop; arrows walk it. Rows: USA (proposer) first, then RUS, UKR.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^RUS, /);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');

    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog#basis');
    await dialog.waitFor({ state: 'visible' });
    await expect(dialog.textContent()).resolves.toContain('ProposalAcceptedConditionally');
    await expect(dialog.textContent()).resolves.toContain('Who will determine where and who violated the ceasefire?');
    await expect(dialog.textContent()).resolves.toContain('13 Mar 2025');
    await expect(dialog.locator('.conds li').count()).resolves.toBe(4);
    await page.screenshot({ path: join(SHOTS, 'dashboard-basis-dialog.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^RUS, /);

    // Space opens it too.
    await page.keyboard.press(' ');
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('keeps text readable: every category cell and badge has at least 4.5:1 contrast', async () => {
    const page = await open(`token=${readToken}`);
    await ready(page);
    const low = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]) => {
        const [r, g, b] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const ratio = (a: number[], b: number[]) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      return [...document.querySelectorAll('button.cell, .badge, .legend .swatch')]
        .map((el: HTMLElement) => ({ text: el.textContent, ratio: ratio(rgb(getComputedStyle(el).color), rgb(getComputedStyle(el).backgroundColor)) }))
        .filter((x: { ratio: number }) => x.ratio < 4.5);
    });
    expect(low).toEqual([]);
    await page.close();
  });

  it('never plots an unknown stance as zero', async () => {
    const page = await open(`token=${readToken}`);
    await ready(page);
    // A string, so the module import runs in the page as written (the test file itself is CommonJS).
    const data = await page.evaluate(`(async () => {
      const { stepSeriesData } = await import('/dashboard/views/step-chart.js');
      const steps = [
        { occurredStart: '2025-03-10T00:00:00.000Z', score: 1, category: 'ACCEPTED' },
        { occurredStart: '2025-03-12T00:00:00.000Z', score: null, category: 'UNKNOWN' },
        { occurredStart: '2025-03-14T00:00:00.000Z', score: -1, category: 'REJECTED' },
      ];
      return stepSeriesData(steps, Date.parse('2025-03-20T00:00:00Z')).map((d) => d.value[1]);
    })()`);
    expect(data).toEqual([1, 1, null, -1, -1]);
    await page.close();
  });

  it('updates live, without a reload, when RUS rejects the proposal', async () => {
    const page = await open(`token=${readToken}`);
    await ready(page);
    await page.waitForFunction(() => document.querySelector('#live')?.getAttribute('data-state') === 'live');
    await page.evaluate(() => (window.sameDocument = true));

    const rejection = {
      eventId: randomUUID(),
      type: 'ProposalRejected',
      schemaVersion: 1,
      occurredAt: { value: '2025-03-15', precision: 'day' },
      actors: [{ actorId: 'putin', capacity: 'head_of_state' }],
      recipients: [{ actorId: 'USA' }],
      proposalId: PROPOSAL,
      evidence: { quote: 'A pause would only let Kyiv regroup', direct: true },
      data: { reasons: ['A pause would let Ukraine regroup and rearm'], version: 1, proposalKind: 'ceasefire' },
    };
    const posted = await http('POST', `${app.url}/v1/events`, { json: rejection, token: publishToken });
    expect(posted.status).toBe(202);

    await page.waitForFunction(() => [...document.querySelectorAll('tr[data-party="RUS"] button.cell')].pop()?.textContent?.includes('Rejected'), undefined, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('#threats [data-status]')?.getAttribute('data-status') === 'triggered', undefined, { timeout: 15_000 });
    await expect(lastCell(page, 'RUS').getAttribute('aria-label')).resolves.toContain('15 Mar 2025: Rejected');
    await expect(page.locator('#threats [data-status]').first().textContent()).resolves.toContain('Triggered');
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'dashboard-after-rejection.png'), fullPage: true });
    await page.close();
  });

  it('says clearly when the token is refused or lacks the read scope', async () => {
    const refused = await open('token=sl_not-a-real-token');
    await refused.waitForSelector('#notice:not([hidden])');
    await expect(refused.locator('#notice').textContent()).resolves.toContain('The token was refused');
    expect(await refused.locator('#token-form').isVisible()).toBe(true);
    await refused.close();

    const forbidden = await open(`token=${publishToken}`);
    await forbidden.waitForSelector('#notice:not([hidden])');
    await expect(forbidden.locator('#notice').textContent()).resolves.toContain('lacks the read scope');
    // Pasting a good token recovers without a reload.
    await forbidden.locator('#token-input').fill(readToken);
    await forbidden.locator('#token-input').press('Enter');
    await ready(forbidden);
    expect(await forbidden.locator('#notice').isHidden()).toBe(true);
    await forbidden.close();
  });
});

/** The token sets the publisher: a body naming one is refused (envelope.publisher_in_body). */
function withoutPublisher(envelope: object): Record<string, unknown> {
  const { source, ...rest } = envelope as { source?: Record<string, unknown> };
  const { publisher: _publisher, ...kept } = source ?? {};
  return Object.keys(kept).length ? { ...rest, source: kept } : rest;
}
