import { Exactness, exactness, freshFoldDiffers, AuditOutcome, verifyAndReplay, waitCaughtUp } from './ledger';
import { Load } from './load';
import { traceLost } from './lost';
import { FaultScenario } from './scenario';

export interface Settled {
  exactness: Exactness;
  /** Where each lost event went (traceLost), when some are lost. */
  lostTrace: string[];
  /** Read-model tables where the live models differ from a fresh fold of the journal (none expected); undefined: not compared here (`ledger verify` compares them too). */
  freshFoldDiffers?: string[];
  /** Exit codes of the graceful stop (SIGTERM) of every app process after the load. */
  exitCodes: Record<string, number | string | undefined>;
  audit: AuditOutcome;
  /** Seconds from the end of the load to the projector holding everything in the log. */
  drainSeconds: number;
}

/**
 * The end of every scenario, once the load has stopped and the fault is over: wait until the
 * projector applied everything in the log, count what became of each event sent, with `freshFold`
 * compare the read models with a fresh fold of the journal in one snapshot, stop the apps
 * gracefully, then run `ledger verify` (which folds afresh and compares too) and `ledger replay`.
 */
export async function settle(s: FaultScenario, load: Load, options: { freshFold?: boolean } = {}): Promise<Settled> {
  const drainMs = await waitCaughtUp(s.pool, s.log, s.group, { timeoutMs: 180_000 });
  const counted = await exactness(s.pool, load.acknowledged(), load.unacknowledged());
  const lostTrace = counted.lost ? await traceLost(s.pool, s.log, load.outcomes, counted.lostIds) : [];
  if (counted.lost) s.keepForInspection(`${counted.lost} acknowledged events not applied`);
  const differs = options.freshFold ? await freshFoldDiffers(s.pool) : undefined;
  const exitCodes = await s.stopApps();
  const audit = await verifyAndReplay(s.pool, s.env());
  return { exactness: counted, lostTrace, freshFoldDiffers: differs, exitCodes, audit, drainSeconds: drainMs / 1000 };
}

/** The counts every scenario's figures open with: acknowledged, applied, duplicated, lost. */
export function settledCounts(x: Settled): { acknowledged: number; applied: number; duplicated: number; lost: number } {
  const { acknowledged, applied, duplicated, lost } = x.exactness;
  return { acknowledged, applied, duplicated, lost };
}

/** The figures every scenario records about its end state (see settle). */
export function settledFigures(x: Settled): Record<string, number | string> {
  return {
    unknownOutcomeButApplied: x.exactness.unknownButApplied,
    duplicateRecordsSkipped: x.exactness.duplicateRecords,
    ...(x.lostTrace.length ? { lostTrace: x.lostTrace.join(' | ') } : {}),
    ...(x.freshFoldDiffers ? { freshFoldEqualsLive: x.freshFoldDiffers.length === 0 ? 'yes' : `no (${x.freshFoldDiffers.join(', ')})` } : {}),
    verify: x.audit.verifyOk ? `ok (${x.audit.records} records, checkpoints ${x.audit.checkpointsValid})` : `FAILED: ${x.audit.verifyFirstMismatch ?? x.audit.verifyCode}`,
    replayDigestUnchanged:
      x.audit.replayCode === 0 && x.audit.changedByReplay.length === 0
        ? `yes (${x.audit.replayEvents} events in ${x.audit.replaySeconds.toFixed(1)} s)`
        : `no (exit ${x.audit.replayCode}; ${x.audit.changedByReplay.join(', ')})`,
  };
}

/** The assertions every scenario ends with. */
export function expectSettled(x: Settled): void {
  expect({ lost: x.exactness.lost, duplicated: x.exactness.duplicated, lostTrace: x.lostTrace }).toEqual({ lost: 0, duplicated: 0, lostTrace: [] });
  expect(x.exactness.applied).toBe(x.exactness.acknowledged);
  if (x.freshFoldDiffers) expect(x.freshFoldDiffers).toEqual([]);
  expect(Object.values(x.exitCodes).every((c) => c === 0)).toBe(true);
  expect(x.audit.verifyFirstMismatch).toBeUndefined();
  expect(x.audit.verifyOk).toBe(true);
  expect(x.audit.replayCode).toBe(0);
  expect(x.audit.changedByReplay).toEqual([]);
}
