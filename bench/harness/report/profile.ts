import { readFileSync } from 'node:fs';
import type { SqlTiming, Table } from '../types';
import { fmt } from './format';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame belongs: an npm package, one of our libraries or apps, Node itself, or V8. */
export function moduleOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : `native ${name || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/dist\/(libs|apps|bench)\/([^/]+)/.exec(url);
  if (ours) return ours[1] === 'libs' ? `@ledger/${ours[2]}` : `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
  return url;
}

/** A part of the work, recognised by a frame (`functionName url`) on the stack. */
export type Stage = [label: string, frame: RegExp];

/**
 * Self and total (inclusive) time per module, the functions with most self time, and, when stages
 * are given, each sample charged to the stage of its nearest frame that one of them recognises.
 */
export function summariseProfile(file: string, stages: Stage[] = [], top = 15): { modules: Table; functions: Table; stages?: Table; sampledMs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = total - (self.get(profile.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id ?? -1) ?? 0);

  const stageTime = new Map<string, number>();
  const moduleSelf = new Map<string, number>();
  const moduleTotal = new Map<string, number>();
  const functionSelf = new Map<string, number>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const mod = moduleOf(frame.url, frame.functionName);
    add(moduleSelf, mod, ms);
    add(functionSelf, `${frame.functionName || '(anonymous)'} · ${mod}${frame.url ? `:${frame.lineNumber + 1}` : ''}`, ms);
    // Inclusive: each module on the stack once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (f.functionName === '(root)') continue;
      seen.add(moduleOf(f.url, f.functionName));
    }
    for (const m of seen) add(moduleTotal, m, ms);
    if (stages.length) add(stageTime, stageOf(id, byId, parent, stages), ms);
  }
  const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1)} %`;
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    sampledMs: total,
    modules: {
      title: `Modules by self time (share of ${Math.round(busy)} ms busy CPU; "with callees" counts a module once per stack)`,
      header: ['module', 'self', 'with callees'],
      rows: ranked(moduleSelf).map(([m, ms]) => [m, pct(ms), pct(moduleTotal.get(m) ?? ms)]),
    },
    functions: {
      title: 'Functions by self time',
      header: ['function · module:line', 'self'],
      rows: ranked(functionSelf).map(([f, ms]) => [f, pct(ms)]),
    },
    stages: stages.length
      ? {
          title: 'Where the time goes: each sample charged to its nearest recognised frame',
          header: ['stage', 'share of busy CPU'],
          rows: ranked(stageTime).map(([st, ms]) => [st, pct(ms)]),
        }
      : undefined,
  };
}

function stageOf(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>, stages: Stage[]): string {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const f = byId.get(at)!.callFrame;
    const frame = `${f.functionName} ${f.url}`;
    const stage = stages.find(([, re]) => re.test(frame));
    if (stage) return stage[0];
  }
  return 'other (our code between awaits, Node internals)';
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

/** The profile's stage, module and function tables, titled with what was profiled. */
export function profileTables(file: string, what: string, stages: Stage[] = []): Table[] {
  const summary = summariseProfile(file, stages);
  return [summary.stages, summary.modules, summary.functions].filter((t): t is Table => t !== undefined).map((t) => ({ ...t, title: `Server CPU profile, ${what}: ${t.title}` }));
}

/** The statements that kept the process waiting longest, as a report table. */
export function sqlTable(timings: SqlTiming[], windowSeconds: number, what: string, top = 12): Table {
  const total = timings.reduce((n, t) => n + t.totalMs, 0);
  return {
    title: `${what}: SQL statements by total wait (wall time from call to answer: PostgreSQL's work, round trip, lock waits; ${fmt(total / 1000)} s in all over a ${fmt(windowSeconds)} s window)`,
    header: ['statement (first 90 characters)', 'calls', 'total s', 'ms per call', 'share of all waits', 'rows'],
    rows: timings
      .slice(0, top)
      .map((t) => [`\`${t.statement}\``, fmt(t.calls), fmt(t.totalMs / 1000), fmt(t.totalMs / t.calls), `${((t.totalMs / (total || 1)) * 100).toFixed(1)} %`, fmt(t.rows)]),
  };
}
