import { recordFigures } from '../faults/figures';
import { AppProcess } from '../faults/harness/apps';
import { Load, sleep } from '../faults/harness/load';
import { FaultScenario, shortKafkaSession } from '../faults/harness/scenario';
import { expectSettled, settle, settledCounts, settledFigures } from '../faults/harness/settle';
import { WRITER_APP, WriterSampler } from '../faults/harness/writers';
import { KafkaCluster } from './harness/cluster';

const RATE = 600;
const SESSION_MS = 6_000;

// Projectors side by side (issue 17): three projector processes of one consumer group on the
// three-broker cluster, their batches writing at the same time; one is killed (SIGKILL) under load
// and started again. The read models must equal a single-process fold of the journal, with every
// acknowledged event applied exactly once.
describe('cluster: three projector processes side by side, one killed and restarted under load', () => {
  const cluster = new KafkaCluster();
  let s: FaultScenario;
  let ingest: AppProcess;
  let projectors: AppProcess[];

  beforeAll(async () => {
    s = await FaultScenario.open({ name: 'cluster-projectors', broker: cluster });
    ingest = await s.app('ingest-api');
    projectors = [];
    for (const name of ['a', 'b', 'c']) projectors.push(await s.app('projector', { ...shortKafkaSession(SESSION_MS), PGAPPNAME: `${WRITER_APP}${name}` }));
    await ingest.start();
    for (const p of projectors) await p.start();
  }, 240_000);

  afterAll(async () => s?.close(), 90_000);

  it('keeps the read models equal to one fold of the journal', async () => {
    const sampler = s.track(new WriterSampler(s.pool)).start();
    const load = s.track(new Load({ url: ingest.url, token: s.token, rate: RATE, concurrency: 24 })).start();
    await sleep(8_000);
    const victim = projectors[1];
    await victim.kill();
    const killedAt = Date.now();
    await sleep(2_000);
    await victim.start({ ready: false, timeoutMs: 90_000 });
    await sleep(10_000);
    await load.stop();
    await sampler.stop();
    const x = await settle(s, load, { freshFold: true });
    recordFigures({
      scenario: 'cluster-projectors',
      ...settledCounts(x),
      recoverySeconds: x.drainSeconds,
      extra: {
        brokers: 3,
        projectorProcesses: projectors.length,
        killedAfterSeconds: Math.round((killedAt - load.startedAt) / 1000),
        achievedAckRate: Math.round(load.ratePerSecond(202)),
        sessionsWritingAtOnceMax: sampler.max,
        samplesWithTwoOrMoreProcessesWriting: `${sampler.twoProcesses} of ${sampler.samples}`,
        ...settledFigures(x),
      },
    });
    expect(sampler.twoProcesses).toBeGreaterThan(0);
    expect(load.unacknowledged()).toEqual([]);
    expectSettled(x);
  }, 420_000);
});
