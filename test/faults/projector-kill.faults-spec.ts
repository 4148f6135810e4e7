import { recordFigures } from './figures';
import { AppProcess } from './harness/apps';
import { FaultBroker } from './harness/broker';
import { lag, logEnds, OffsetSampler, storedOffsets, sessionsOf, waitOffsetsMove } from './harness/ledger';
import { Load, sleep } from './harness/load';
import { seededRandom } from './harness/random';
import { FaultScenario, shortKafkaSession } from './harness/scenario';
import { expectSettled, settle, settledCounts, settledFigures } from './harness/settle';

const KILLS = 10;
const RATE = 500;

interface Kill {
  /** PostgreSQL transactions the projector had open just before SIGKILL (> 0: a batch was in flight). */
  openTransactions: number;
  /** Records in the log not yet applied when it was killed. */
  lagAtKill: bigint;
  /** From SIGKILL to the restarted projector's first committed batch. */
  resumeMs: number;
}

// Scenario 2: the projector dies (SIGKILL) ten times in the middle of its work under ~500
// publishes per second, and is restarted each time. Each batch's journal rows, read-model updates
// and next offset commit in one transaction: a kill may cost a batch its work, never apply it twice
// or skip it, and the stored offsets only ever move forward.
describe('fault: the projector is killed mid-batch, again and again', () => {
  const random = seededRandom();
  let s: FaultScenario;
  let ingest: AppProcess;
  let projector: AppProcess;

  beforeAll(async () => {
    s = await FaultScenario.open({ name: 'projector-kill', broker: new FaultBroker() });
    ingest = await s.app('ingest-api');
    // The first incarnation runs with the product's default session (KAFKA_SESSION_TIMEOUT_MS,
    // 10 s): the first restart shows how long a crash stalls the projection. Later incarnations get
    // the broker's minimum, 6 s, so that ten crashes fit in the suite's time.
    projector = await s.app('projector');
    await ingest.start();
    await projector.start();
  }, 120_000);

  afterAll(async () => s?.close(), 60_000);

  it('loses nothing, applies nothing twice, and never moves a stored offset backwards', async () => {
    const sampler = s.track(new OffsetSampler(s.pool, s.group, 75)).start();
    const load = s.track(new Load({ url: ingest.url, token: s.token, rate: RATE, concurrency: 16 })).start();
    await sleep(3_000);
    const kills: Kill[] = [];

    for (let k = 0; k < KILLS; k++) {
      const openTransactions = (await sessionsOf(s.pool, projector.pid!)).inTransaction;
      await projector.kill();
      const killedAt = Date.now();
      // No projector runs now: the stored offsets stay where the killed one left them.
      const frozen = await storedOffsets(s.pool, s.group);
      const lagAtKill = lag(await logEnds(s.log), frozen);
      projector.extraEnv = shortKafkaSession(6_000);
      await projector.start({ ready: false, timeoutMs: 90_000 });
      await waitOffsetsMove(s.pool, s.group, frozen, 90_000);
      kills.push({ openTransactions, lagAtKill, resumeMs: Date.now() - killedAt });
      await sleep(random.between(500, 2_000));
    }
    await sleep(2_000);
    await load.stop();
    await sampler.stop();
    expect(ingest.alive && projector.alive).toBe(true);

    const x = await settle(s, load);
    const later = kills.slice(1).map((k) => k.resumeMs / 1000);
    recordFigures({
      scenario: 'projector-kill',
      ...settledCounts(x),
      recoverySeconds: Math.max(...kills.map((k) => k.resumeMs)) / 1000,
      extra: {
        seed: random.seed,
        projectorKills: kills.length,
        killsWithTransactionOpen: kills.filter((k) => k.openTransactions > 0).length,
        lagAtKillMax: Number(kills.reduce((m, k) => (k.lagAtKill > m ? k.lagAtKill : m), 0n)),
        resumeSecondsProductionSession: Number((kills[0].resumeMs / 1000).toFixed(1)),
        resumeSeconds6sSessionMedian: Number(median(later).toFixed(1)),
        resumeSeconds6sSessionMax: Number(Math.max(...later).toFixed(1)),
        offsetSamples: sampler.samples,
        offsetRegressions: sampler.regressions.length,
        achievedAckRate: Math.round(load.ratePerSecond(202)),
        loadSeconds: Number(((load.stoppedAt - load.startedAt) / 1000).toFixed(1)),
        non202:
          Object.entries(load.tally())
            .filter(([k]) => k !== '202')
            .map(([k, v]) => `${k}×${v}`)
            .join(', ') || 'none',
        catchUpAfterLoadSeconds: Number(x.drainSeconds.toFixed(1)),
        ...settledFigures(x),
      },
    });

    expect(sampler.regressions).toEqual([]);
    expect(projector.exits.filter((code) => code !== 'SIGKILL')).toEqual([0]); // the kills, then the graceful stop
    expect(load.unacknowledged()).toEqual([]); // the projector's crashes never reach a publisher
    expectSettled(x);
  }, 600_000);
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}
