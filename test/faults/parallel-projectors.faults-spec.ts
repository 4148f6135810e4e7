import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionForKey, subjectKey } from '@ledger/contracts';
import { asLogEnvelope, runTool } from '@ledger/testing';
import { LedgerWorld } from '../../bench/harness/world/world';
import { recordFigures } from './figures';
import { AppProcess } from './harness/apps';
import { FaultBroker } from './harness/broker';
import { freshFoldDiffers, logEnds, verifyAndReplay, waitCaughtUp } from './harness/ledger';
import { FaultScenario } from './harness/scenario';
import { WRITER_APP, WriterSampler } from './harness/writers';

const KCAT = '/usr/bin/kcat';
const TOPIC = 'ledger.events.v1';
const PARTITIONS = 6;
/** Events of the made-up world per phase (after its registry). */
const EVENTS = 4_000;

/**
 * Two projector processes of one consumer group, each consuming its partitions three at a time:
 * their batches hold the read models' lock shared and write at the same time. Phase 1 publishes
 * by the ledger's murmur2 partitioner (a proposal's events share a partition); phase 2 publishes
 * with a partitioner of its own (round robin, as a direct producer may), so every proposal is
 * spread over all six partitions and batches contend for the same rows. Either way the read models
 * must equal a single-process fold of the journal, with every event applied exactly once.
 */
describe('fault: two projector processes write at the same time', () => {
  const broker = new FaultBroker();
  let s: FaultScenario;
  let projectors: AppProcess[];

  beforeAll(async () => {
    if (!existsSync(KCAT)) throw new Error(`${KCAT} not found: this scenario publishes with Debian's kcat (apt-get install -y kcat; .ci/run installs it)`);
    s = await FaultScenario.open({ name: 'parallel-projectors', broker });
    projectors = [await s.app('projector', { PGAPPNAME: `${WRITER_APP}a` }), await s.app('projector', { PGAPPNAME: `${WRITER_APP}b` })];
    for (const p of projectors) await p.start();
  }, 180_000);

  afterAll(async () => s?.close(), 60_000);

  it('keeps the read models equal to one fold of the journal, by either partitioner', async () => {
    const world = new LedgerWorld({ events: 2 * EVENTS, seed: 20251205 });
    const registry = world.registry().map((b) => asLogEnvelope(b, 'parallel-publisher'));
    const phase1 = world.take(EVENTS).map((b) => asLogEnvelope(b, 'parallel-publisher'));
    const phase2 = world.take(EVENTS).map((b) => asLogEnvelope(b, 'parallel-publisher'));
    const sampler = new WriterSampler(s.pool);
    s.track(sampler);

    await publish(s, registry, (e) => partitionForKey(subjectKey(e as any), PARTITIONS));
    await caughtUp(s);
    sampler.start();
    await publish(s, phase1, (e) => partitionForKey(subjectKey(e as any), PARTITIONS));
    await caughtUp(s);
    const afterMurmur = await freshFoldDiffers(s.pool);
    const murmurOverlap = sampler.snapshot();

    let next = 0;
    await publish(s, phase2, () => next++ % PARTITIONS);
    await caughtUp(s);
    const afterRoundRobin = await freshFoldDiffers(s.pool);
    await sampler.stop();

    const sent = [...registry, ...phase1, ...phase2].map((e) => String(e.eventId).toLowerCase());
    const { rows } = await s.pool.query(
      `SELECT count(*) FILTER (WHERE disposition = 'applied')::int AS applied, count(DISTINCT event_id) FILTER (WHERE disposition = 'applied')::int AS distinct_applied,
              count(*) FILTER (WHERE disposition = 'rejected')::int AS rejected
         FROM ledger.journal WHERE event_id = ANY($1::uuid[])`,
      [sent],
    );
    const proposalsSpread = await spreadProposals(s);
    const logs = projectors.map((p) => p.output()).join('\n');
    const retried = (logs.match(/batch failed \(attempt/g) ?? []).length;
    const exitCodes = await s.stopApps();
    const audit = await verifyAndReplay(s.pool, s.env());

    recordFigures({
      scenario: 'parallel-projectors',
      acknowledged: sent.length,
      applied: rows[0].distinct_applied,
      duplicated: rows[0].applied - rows[0].distinct_applied,
      lost: sent.length - rows[0].distinct_applied,
      recoverySeconds: null,
      extra: {
        projectorProcesses: projectors.length,
        partitions: PARTITIONS,
        eventsPublished: sent.length,
        proposalsOnSeveralPartitions: proposalsSpread,
        sessionsWritingAtOnceMax: sampler.max,
        samplesWithTwoProcessesWriting: `${sampler.twoProcesses} of ${sampler.samples}`,
        samplesWithTwoProcessesWritingMurmur2: `${murmurOverlap.twoProcesses} of ${murmurOverlap.samples}`,
        batchRetriesLogged: retried,
        freshFoldEqualsLiveMurmur2: afterMurmur.length === 0 ? 'yes' : `no (${afterMurmur.join(', ')})`,
        freshFoldEqualsLiveRoundRobin: afterRoundRobin.length === 0 ? 'yes' : `no (${afterRoundRobin.join(', ')})`,
        verify: audit.verifyOk ? `ok (${audit.records} records)` : `FAILED: ${audit.verifyFirstMismatch ?? audit.verifyCode}`,
        replayDigestUnchanged: audit.replayCode === 0 && audit.changedByReplay.length === 0 ? 'yes' : `no (${audit.changedByReplay.join(', ')})`,
      },
    });

    expect(rows[0]).toEqual({ applied: sent.length, distinct_applied: sent.length, rejected: 0 });
    expect(proposalsSpread).toBeGreaterThan(0);
    // Two processes inside the read-model phase at the same moment: the lock no longer serialises them.
    expect(sampler.twoProcesses).toBeGreaterThan(0);
    expect(afterMurmur).toEqual([]);
    expect(afterRoundRobin).toEqual([]);
    expect(Object.values(exitCodes).every((c) => c === 0)).toBe(true);
    expect(audit.verifyOk).toBe(true);
    expect(audit.replayCode).toBe(0);
    expect(audit.changedByReplay).toEqual([]);
  }, 600_000);
});

/** Publishes envelopes with kcat, each to the partition `partitionOf` names (one kcat per partition). */
async function publish(s: FaultScenario, events: Record<string, any>[], partitionOf: (e: Record<string, any>) => number): Promise<void> {
  const byPartition = new Map<number, string[]>();
  for (const e of events) {
    const p = partitionOf(e);
    byPartition.set(p, [...(byPartition.get(p) ?? []), `${subjectKey(e as any)}|${JSON.stringify(e)}`]);
  }
  await Promise.all(
    [...byPartition].map(([partition, lines]) => {
      const file = join(s.dataDir, `publish-${partition}-${Date.now()}.txt`);
      writeFileSync(file, lines.join('\n') + '\n');
      return runTool(KCAT, ['-P', '-b', s.broker.brokers, '-t', TOPIC, '-p', String(partition), '-K', '|', '-l', file]);
    }),
  );
}

async function caughtUp(s: FaultScenario): Promise<void> {
  await waitCaughtUp(s.pool, s.log, s.group, { ends: await logEnds(s.log), timeoutMs: 240_000 });
}

/** Proposals whose applied events sit in more than one partition. */
async function spreadProposals(s: FaultScenario): Promise<number> {
  const { rows } = await s.pool.query(
    `SELECT count(*)::int AS n FROM (SELECT envelope->>'proposalId' FROM ledger.journal WHERE disposition = 'applied' AND envelope ? 'proposalId'
      GROUP BY 1 HAVING count(DISTINCT partition) > 1) x`,
  );
  return rows[0].n;
}
