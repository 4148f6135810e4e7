import { LoadResult, runLoad } from '../measure/load';
import { loadRow, profileFile, serverWindow } from '../report/load-report';
import type { BenchContext } from '../types';
import { IngestApp } from './ingest-app';

export interface SweepSpec {
  /** Scenario name, for log lines and profile file names. */
  name: string;
  levels: number[];
  path: string;
  body: () => string;
  /** Events in one request: a 202 acknowledges this many. */
  events: number;
  noopLabel: string;
}

export interface Sweep {
  rows: (string | number)[][];
  /** The level with the most 202s per second, with its profile file (when --profile). */
  best: { ingest: LoadResult; profile?: string };
  bestNoop: LoadResult;
}

/**
 * Closed-loop runs at each concurrency level, the no-op baseline first and then the real endpoint,
 * so drift on the shared machine hits both alike.
 */
export async function sweepLevels(ctx: BenchContext, app: IngestApp, spec: SweepSpec): Promise<Sweep> {
  const base = { origin: app.server.url, headers: app.headers, body: spec.body, warmupSec: ctx.warmupSec, measureSec: ctx.measureSec };
  const rows: (string | number)[][] = [];
  const points: { noop: LoadResult; ingest: LoadResult; profile?: string }[] = [];
  for (const connections of spec.levels) {
    ctx.log(`${spec.name}: ${connections} in flight`);
    const noop = await runLoad({ ...base, path: '/bench/noop', connections, watch: app.watch(), onMeasure: serverWindow(app.server) });
    const profile = profileFile(ctx, `${spec.name}-c${connections}`);
    const ingest = await runLoad({ ...base, path: spec.path, connections, watch: app.watch(), onMeasure: serverWindow(app.server, profile) });
    rows.push(loadRow(spec.noopLabel, noop, spec.events), loadRow(`POST ${spec.path}`, ingest, spec.events));
    points.push({ noop, ingest, profile });
  }
  const most = (pick: (p: (typeof points)[number]) => LoadResult) => points.reduce((a, b) => (pick(b).perSecond(202) > pick(a).perSecond(202) ? b : a));
  return { rows, best: most((p) => p.ingest), bestNoop: most((p) => p.noop).noop };
}
