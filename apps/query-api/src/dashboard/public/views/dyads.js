import * as echarts from '../echarts.js';
import { escapeHtml, fill } from '../dom.js';
import { formatDate } from '../format.js';
import { FONT, QUADS } from '../palette.js';

/** Room for one bar and its two-line label. */
const BAR_SLOT_PX = 64;
/** The legend's item geometry (ECharts draws it; the rows it wraps into are worked out here). */
const LEGEND = { itemWidth: 18, itemGap: 10, symbolGap: 5, fontSize: 11.5, rowHeight: 24 };
/** Height of the category axis: its two-line labels and their margin. */
const AXIS_LABELS_PX = 44;
let chart;
let measure;
/** The last drawing's arguments, for a resize. */
let drawn;

/**
 * How many rows the legend wraps into at this width: a narrow screen wraps it, and a legend drawn
 * over the axis labels hides them, so the plot area is lifted by the legend's real height.
 */
export function legendRows(names, width) {
  measure ??= document.createElement('canvas').getContext('2d');
  measure.font = `${LEGEND.fontSize}px ${FONT}`;
  let rows = 1;
  let x = 0;
  for (const name of names) {
    const item = LEGEND.itemWidth + LEGEND.symbolGap + Math.ceil(measure.measureText(name).width);
    if (x > 0 && x + item > width) {
      rows += 1;
      x = 0;
    }
    x += item + LEGEND.itemGap;
  }
  return rows;
}

/** One bar per (period, directed pair), oldest period first; within a period the busiest pair first. */
export function dyadBars(dyads) {
  return [...dyads].sort((a, b) => Date.parse(a.period) - Date.parse(b.period) || b.events - a.events || `${a.source}${a.target}`.localeCompare(`${b.source}${b.target}`));
}

function periodLabel(period, interval) {
  const start = Date.parse(period.length === 10 ? `${period}T00:00:00Z` : period);
  if (interval === 'month') return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(start);
  return `${interval === 'week' ? 'wk ' : ''}${formatDate(start).replace(/ \d{4}$/, '')}`;
}

/**
 * Directed dyads: per period and pair (source → target), the four CAMEO quad classes stacked —
 * cooperation above zero, conflict below — and the Goldstein sum as a marked point (right axis).
 */
export function renderDyads(el, summaryEl, { dyads, interval }) {
  chart ??= echarts.init(el, null, { renderer: 'svg' });
  drawn = [el, summaryEl, { dyads, interval }];
  const bars = dyadBars(dyads);
  const visible = Math.max(4, Math.floor((el.clientWidth - 90) / BAR_SLOT_PX));
  const zoom = bars.length > visible;
  const legendHeight = legendRows([...QUADS.map((q) => q.label), 'Goldstein Σ'], el.clientWidth - 10) * LEGEND.rowHeight;
  el.style.height = `${232 + legendHeight + AXIS_LABELS_PX}px`;
  chart.resize();
  const categories = bars.map((d) => `${d.source}→${d.target}\n${periodLabel(d.period, interval)}`);
  // Both axes symmetric around zero, so their zero lines coincide.
  const goldMax = niceCeil(Math.max(5, ...bars.map((d) => Math.abs(d.goldsteinSum))));
  const countMax = niceCeil(Math.max(2, ...bars.map((d) => Math.max(d.quad.verbalCooperation + d.quad.materialCooperation, d.quad.verbalConflict + d.quad.materialConflict))));
  chart.setOption(
    {
      animation: false,
      aria: { enabled: true, decal: { show: true }, label: { description: `Cooperation and conflict between states. ${summary(bars, interval)}` } },
      textStyle: { fontFamily: FONT, color: '#1f2328' },
      grid: { left: 40, right: 44, top: 30, bottom: legendHeight + AXIS_LABELS_PX + (zoom ? 22 : 0) },
      legend: { bottom: zoom ? 22 : 0, left: 0, itemGap: LEGEND.itemGap, itemWidth: LEGEND.itemWidth, textStyle: { color: '#1f2328', fontSize: LEGEND.fontSize } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, formatter: (items) => tooltip(items, bars) },
      xAxis: { type: 'category', data: categories, axisLabel: { color: '#3d444d', interval: 0, fontSize: 11, lineHeight: 14 }, axisTick: { alignWithLabel: true } },
      yAxis: [
        {
          type: 'value',
          name: 'events (conflict ↓)',
          nameTextStyle: { color: '#3d444d', align: 'left' },
          min: -countMax,
          max: countMax,
          interval: countMax / 2,
          axisLabel: { color: '#3d444d', formatter: (v) => String(Math.abs(v)) },
          splitLine: { lineStyle: { color: '#eaeef2' } },
        },
        {
          type: 'value',
          name: 'Goldstein Σ',
          nameTextStyle: { color: '#3d444d', align: 'right' },
          min: -goldMax,
          max: goldMax,
          interval: goldMax / 2,
          axisLabel: { color: '#3d444d' },
          splitLine: { show: false },
        },
      ],
      dataZoom: zoom ? [{ type: 'slider', startValue: bars.length - visible, endValue: bars.length - 1, height: 14, bottom: 4, brushSelect: false }] : [],
      series: [
        ...QUADS.map((q) => ({
          name: q.label,
          type: 'bar',
          stack: 'quads',
          barMaxWidth: 36,
          itemStyle: { color: q.color },
          data: bars.map((d) => (d.quad[q.key] ? q.sign * d.quad[q.key] : 0)),
        })),
        {
          name: 'Goldstein Σ',
          type: 'scatter',
          yAxisIndex: 1,
          symbol: 'diamond',
          symbolSize: 12,
          itemStyle: { color: '#1f2328', borderColor: '#ffffff', borderWidth: 1 },
          label: { show: true, position: 'right', color: '#1f2328', fontSize: 11, formatter: (p) => signed(p.value) },
          data: bars.map((d) => round(d.goldsteinSum)),
        },
      ],
    },
    { notMerge: true },
  );
  fill(summaryEl, summary(bars, interval));
}

/** The smallest of 2, 4, 6, 8, 10 × 10ⁿ at or above x: an even top, so half of it is a round tick. */
function niceCeil(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  return [2, 4, 6, 8, 10].map((m) => m * p).find((v) => v >= x) ?? 20 * p;
}

function round(x) {
  return Math.round(x * 10) / 10;
}

function signed(x) {
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(round(x)).toFixed(1)}`;
}

function tooltip(items, bars) {
  const d = bars[items[0]?.dataIndex];
  if (!d) return '';
  const rows = QUADS.map((q) => `${escapeHtml(q.label)}: ${d.quad[q.key]}`);
  return [
    `<strong>${escapeHtml(d.source)} → ${escapeHtml(d.target)}</strong> · from ${escapeHtml(formatDate(`${d.period.slice(0, 10)}T00:00:00Z`))}`,
    `${d.events} events · Goldstein Σ ${signed(d.goldsteinSum)} (mean ${signed(d.goldsteinMean)})`,
    ...rows,
  ].join('<br>');
}

/** The chart in words: the most cooperative and the most hostile pair. */
function summary(bars, interval) {
  if (!bars.length) return 'No events between states in this window.';
  const totals = new Map();
  for (const d of bars) totals.set(`${d.source} → ${d.target}`, (totals.get(`${d.source} → ${d.target}`) ?? 0) + d.goldsteinSum);
  const ranked = [...totals].sort((a, b) => b[1] - a[1]);
  const [best, worst] = [ranked[0], ranked[ranked.length - 1]];
  const parts = [`${totals.size} directed pairs, per ${interval}. Diamonds: Goldstein sum (right axis); bars: events by CAMEO quad class, conflict below zero.`];
  if (best[1] > 0) parts.push(`Most cooperative: ${best[0]} (${signed(best[1])}).`);
  if (worst[1] < 0) parts.push(`Most hostile: ${worst[0]} (${signed(worst[1])}).`);
  return parts.join(' ');
}

/** A new width may wrap the legend differently: draw again. */
export function resizeDyads() {
  if (drawn) renderDyads(...drawn);
}
