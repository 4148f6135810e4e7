import * as echarts from '../echarts.js';
import { escapeHtml } from '../dom.js';
import { formatOccurred, formatScore, plural } from '../format.js';
import { category, FONT, partyStyle } from '../palette.js';

const DAY = 86_400_000;
/** Parties with equal scores would hide each other; lines are drawn this far apart (tooltips give the true score). */
const SEPARATION = 0.03;

let chart;

/**
 * Points for one party's step line: each explicit step is a marked point; an UNKNOWN step (no
 * score) ends the line and leaves a gap until the next known score — never a drop to zero.
 */
export function stepSeriesData(steps, endMs, offset = 0) {
  const data = [];
  let previous = null;
  for (const step of steps) {
    const t = Date.parse(step.occurredStart);
    if (t > endMs) break;
    if (step.score === null || step.score === undefined) {
      if (previous !== null) data.push({ value: [t, previous + offset], symbol: 'none', step: null });
      data.push({ value: [t, null], step });
    } else {
      data.push({ value: [t, step.score + offset], step });
    }
    previous = step.score ?? null;
  }
  if (previous !== null && data.length) data.push({ value: [endMs, previous + offset], symbol: 'none', step: null });
  return data;
}

function axisRange(histories, endMs) {
  const times = [...histories.values()]
    .flat()
    .map((s) => Date.parse(s.occurredStart))
    .filter((t) => t <= endMs);
  if (!times.length) return { min: endMs - 7 * DAY, max: endMs };
  const first = Math.min(...times);
  const last = Math.max(...times);
  const pad = Math.max(2 * DAY, (last - first) * 0.15);
  return { min: first - DAY, max: Math.min(endMs, last + pad) };
}

export function renderStepChart(el, { parties, names, histories, asOfMs, onOpen }) {
  chart ??= echarts.init(el, null, { renderer: 'svg' });
  const range = axisRange(histories, asOfMs);
  const series = parties.map((party, i) => {
    const style = partyStyle(i);
    const offset = (i - (parties.length - 1) / 2) * SEPARATION;
    return {
      name: party,
      type: 'line',
      step: 'end',
      connectNulls: false,
      symbol: style.symbol,
      symbolSize: 10,
      showAllSymbol: true,
      lineStyle: { width: 2.5, color: style.color, type: style.dash },
      itemStyle: { color: style.color, borderColor: '#ffffff', borderWidth: 1 },
      emphasis: { focus: 'series' },
      data: stepSeriesData(histories.get(party) ?? [], asOfMs, offset).map((d) => ({ ...d, party })),
    };
  });
  chart.setOption(
    {
      animation: false,
      aria: { enabled: true, label: { description: summary(parties, names, histories, asOfMs) } },
      textStyle: { fontFamily: FONT, color: '#1f2328' },
      grid: { left: 104, right: 28, top: 36, bottom: 28 },
      legend: { top: 0, left: 0, itemWidth: 30, itemGap: 18, textStyle: { color: '#1f2328', fontSize: 12 }, data: parties.map((p) => ({ name: p })) },
      tooltip: { trigger: 'item', confine: true, formatter: tooltip },
      xAxis: {
        type: 'time',
        min: range.min,
        max: range.max,
        axisLabel: { color: '#3d444d', hideOverlap: true, formatter: { year: '{yyyy}', month: '{MMM} {yyyy}', day: '{d} {MMM}', hour: '{HH}:{mm}' } },
        axisLine: { lineStyle: { color: '#6e7781' } },
        splitLine: { show: true, lineStyle: { color: '#eaeef2' } },
      },
      yAxis: {
        type: 'value',
        min: -1.2,
        max: 1.2,
        interval: 0.5,
        axisLabel: { color: '#3d444d', formatter: yLabel, customValues: [-1, -0.5, 0, 0.5, 1] },
        axisTick: { customValues: [-1, -0.5, 0, 0.5, 1] },
        splitLine: { lineStyle: { color: '#eaeef2' } },
      },
      series,
    },
    { notMerge: true },
  );
  chart.off('click');
  chart.on('click', (p) => {
    if (p.data?.step) onOpen({ party: p.data.party, step: p.data.step, column: { start: Date.parse(p.data.step.occurredStart), occurredAt: p.data.step.occurredAt }, opener: el });
  });
}

function yLabel(v) {
  const labels = { 1: '+1 accepted', 0.5: '+0.5', 0: '0 noncommittal', '-0.5': '−0.5', '-1': '−1 rejected' };
  return labels[v] ?? '';
}

function tooltip(p) {
  const step = p.data?.step;
  if (!step) return escapeHtml(p.seriesName);
  const cat = category(step.category);
  const open = cat.id === 'CONDITIONAL' ? `, ${plural(step.openConditions, 'open condition')}` : '';
  return [
    `<strong>${escapeHtml(p.seriesName)}</strong> · ${escapeHtml(formatOccurred(step.occurredAt))}`,
    `${escapeHtml(cat.glyph)} ${escapeHtml(cat.label)}${escapeHtml(open)} · score ${escapeHtml(formatScore(step.score))}`,
    `<span style="color:#57606a">${escapeHtml(step.type)} · click to open</span>`,
  ].join('<br>');
}

/** A text version of the chart for screen readers. */
function summary(parties, names, histories, asOfMs) {
  const lines = parties.map((party) => {
    const steps = (histories.get(party) ?? []).filter((s) => Date.parse(s.occurredStart) <= asOfMs);
    if (!steps.length) return `${party}: no stance.`;
    return `${names.get(party) ?? party}: ${steps.map((s) => `${category(s.category).label} (${formatScore(s.score)}) from ${formatOccurred(s.occurredAt)}`).join('; ')}.`;
  });
  return `Score of each party's stance over time. ${lines.join(' ')}`;
}

export function resizeStepChart() {
  chart?.resize();
}
