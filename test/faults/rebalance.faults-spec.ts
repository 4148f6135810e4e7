import { recordFigures } from './figures';
import { AppProcess } from './harness/apps';
import { FaultBroker } from './harness/broker';
import { OffsetSampler, sessionsOf } from './harness/ledger';
import { Load, sleep } from './harness/load';
import { seededRandom } from './harness/random';
import { FaultScenario, shortKafkaSession } from './harness/scenario';
import { expectSettled, settle, settledCounts, settledFigures } from './harness/settle';

const KILLS = 5;
const RATE = 600;
const SESSION_MS = 6_000;

// Scenario 3: two projectors share the consumer group; one is killed (SIGKILL) and restarted five
// times under load, so the partitions move between them at every rebalance. Then the survivor is
// made a stale instance: paused (SIGSTOP) past its session timeout, so the group hands its
// partitions to the other one, and resumed (SIGCONT) with whatever batch it held. The read models
// must stay exactly the fold of the journal, with no event applied twice.
describe('fault: rebalances between two projectors of one group', () => {
  const random = seededRandom();
  const broker = new FaultBroker();
  let s: FaultScenario;
  let ingest: AppProcess;
  let survivor: AppProcess;
  let victim: AppProcess;

  /** Waits for a generation with `members` members to stabilise after the first `seen` ones; resolves with the ms it took. */
  const stabilised = async (seen: number, members: number, timeoutMs = 60_000): Promise<number> => {
    const started = Date.now();
    while (
      !broker
        .groupHistory(s.group)
        .stable.slice(seen)
        .some((g) => g.members === members)
    ) {
      if (Date.now() - started > timeoutMs) throw new Error(`no generation with ${members} member(s) within ${timeoutMs} ms: ${JSON.stringify(broker.groupHistory(s.group))}`);
      await sleep(100);
    }
    return Date.now() - started;
  };

  beforeAll(async () => {
    s = await FaultScenario.open({ name: 'rebalance', broker });
    ingest = await s.app('ingest-api');
    // Both with a 6 s session (KAFKA_SESSION_TIMEOUT_MS, the broker's minimum) so that each kill
    // stalls the group briefly; projector-kill measures the default once.
    survivor = await s.app('projector', shortKafkaSession(SESSION_MS));
    victim = await s.app('projector', shortKafkaSession(SESSION_MS));
    await ingest.start();
    await survivor.start();
    await victim.start();
    await stabilised(0, 2);
  }, 180_000);

  afterAll(async () => s?.close(), 60_000);

  it('keeps the read models equal to a fresh fold of the journal, with nothing applied twice', async () => {
    const sampler = s.track(new OffsetSampler(s.pool, s.group, 100)).start();
    const load = s.track(new Load({ url: ingest.url, token: s.token, rate: RATE, concurrency: 24 })).start();
    await sleep(3_000);
    const generationsBefore = broker.groupHistory(s.group).stable.length;
    const rejoinMs: number[] = [];
    let killsInTransaction = 0;

    for (let k = 0; k < KILLS; k++) {
      const seen = broker.groupHistory(s.group).stable.length;
      if ((await sessionsOf(s.pool, victim.pid!)).inTransaction > 0) killsInTransaction++;
      await victim.kill();
      const killedAt = Date.now();
      await sleep(random.between(500, 1_500));
      await victim.start({ ready: false, timeoutMs: 90_000 });
      await stabilised(seen, 2, 90_000);
      rejoinMs.push(Date.now() - killedAt);
      await sleep(random.between(1_000, 3_000));
    }

    // The stale instance: paused past its session, its partitions handed over, then resumed.
    const seen = broker.groupHistory(s.group).stable.length;
    survivor.signal('SIGSTOP');
    await sleep(200);
    const heldWhenPaused = (await sessionsOf(s.pool, survivor.pid!)).inTransaction;
    await sleep(SESSION_MS + 3_000);
    const handedOver = broker
      .groupHistory(s.group)
      .stable.slice(seen)
      .some((g) => g.members === 1);
    const otherWaitedOnLock = (await sessionsOf(s.pool, victim.pid!)).waitingOnLock;
    survivor.signal('SIGCONT');
    await stabilised(seen, 2, 90_000);
    await sleep(2_000);

    await load.stop();
    await sampler.stop();
    expect(survivor.alive && victim.alive && ingest.alive).toBe(true);
    const x = await settle(s, load, { freshFold: true });
    const history = broker.groupHistory(s.group);
    const logs = survivor.output() + '\n' + victim.output();
    const fenced = (logs.match(/this consumer was fenced/g) ?? []).length;
    const retried = (logs.match(/batch failed \(attempt/g) ?? []).length;
    recordFigures({
      scenario: 'rebalance',
      ...settledCounts(x),
      recoverySeconds: Math.max(...rejoinMs) / 1000,
      extra: {
        seed: random.seed,
        kills: KILLS,
        killsWithTransactionOpen: killsInTransaction,
        rebalancesBegun: history.reasons.length,
        generationsStabilised: history.stable.length,
        generationsDuringFaults: history.stable.length - generationsBefore,
        rejoinSeconds: rejoinMs.map((ms) => (ms / 1000).toFixed(1)).join(' / '),
        staleInstanceHeldTransaction: heldWhenPaused > 0 ? 'yes' : 'no',
        staleInstancePartitionsHandedOver: handedOver ? 'yes' : 'no',
        otherInstanceWaitedOnStaleLock: otherWaitedOnLock > 0 ? 'yes' : 'no',
        fencedErrors: fenced,
        batchRetriesLogged: retried,
        offsetRegressions: sampler.regressions.length,
        achievedAckRate: Math.round(load.ratePerSecond(202)),
        non202:
          Object.entries(load.tally())
            .filter(([k]) => k !== '202')
            .map(([k, v]) => `${k}×${v}`)
            .join(', ') || 'none',
        ...settledFigures(x),
      },
    });

    expect(sampler.regressions).toEqual([]);
    // At least one generation per kill (the restarted instance joins, the killed one expires). The
    // paused instance's round may add two more, or none: while it holds a partition's offset row
    // lock, the other instance's batch waits on that lock and cannot rejoin the group either.
    expect(history.stable.length - generationsBefore).toBeGreaterThanOrEqual(KILLS);
    expect(load.unacknowledged()).toEqual([]);
    expectSettled(x);
  }, 600_000);
});
