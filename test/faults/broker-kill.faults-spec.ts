import { recordFigures } from './figures';
import { AppProcess } from './harness/apps';
import { FaultBroker } from './harness/broker';
import { logEnds, waitCaughtUp } from './harness/ledger';
import { firstAnswer, Load, sleep } from './harness/load';
import { FaultScenario } from './harness/scenario';
import { expectSettled, settle, settledCounts, settledFigures } from './harness/settle';

const KILLS = 3;
const DOWN_MS = 3_000;
const RATE = 1_000;

interface Outage {
  /** When kafka.sh kill returned: the broker was gone. */
  killedAt: number;
  /** How long the restarted broker took to serve requests (kafka.sh start). */
  brokerStartMs: number;
  readyAt: number;
  /** From the broker being ready to the first 202. */
  firstAckMs: number;
  /** From the broker being ready to the projector holding everything the log held at that moment. */
  caughtUpMs: number;
  /** Answers from the kill to the first 202 after the restart, by status and code. */
  answers: Record<string, number>;
  /** 202s for requests sent after the broker was gone and answered before it was back (must be none). */
  ackedWithoutBroker: number;
}

// Scenario 1: the ledger's only Kafka broker dies (SIGKILL) three times under ~1,000 single-event
// publishes per second, and comes back a few seconds later each time. A 202 is a promise that the
// log holds the event: every acknowledged event must end up applied exactly once.
describe('fault: the Kafka broker is killed under load', () => {
  const broker = new FaultBroker();
  let s: FaultScenario;
  let ingest: AppProcess;
  let projector: AppProcess;

  beforeAll(async () => {
    s = await FaultScenario.open({ name: 'broker-kill', broker });
    ingest = await s.app('ingest-api');
    projector = await s.app('projector');
    // The ingest API creates the topics at boot; the projector subscribes to them.
    await ingest.start();
    await projector.start();
  }, 120_000);

  afterAll(async () => s?.close(), 60_000);

  it('answers 503 while the broker is down, never 202 without the log, and applies every 202 exactly once', async () => {
    const load = s.track(new Load({ url: ingest.url, token: s.token, rate: RATE, concurrency: 32 })).start();
    await sleep(5_000);
    const outages: Outage[] = [];

    for (let k = 0; k < KILLS; k++) {
      await broker.kill();
      const killedAt = Date.now();
      await sleep(DOWN_MS);
      const restartAt = Date.now();
      const brokerStartMs = await broker.start();
      const readyAt = Date.now();
      const ends = await logEnds(s.log);
      const firstAck = await firstAnswer(load, 202, restartAt, 60_000);
      await waitCaughtUp(s.pool, s.log, s.group, { ends, timeoutMs: 120_000 });
      outages.push({
        killedAt,
        brokerStartMs,
        readyAt,
        firstAckMs: Math.max(0, firstAck.doneAt - readyAt),
        caughtUpMs: Date.now() - readyAt,
        answers: load.tally(load.between(killedAt, firstAck.doneAt)),
        ackedWithoutBroker: load.outcomes.filter((o) => o.status === 202 && o.sentAt >= killedAt && o.doneAt < restartAt).length,
      });
      await sleep(2_000);
    }
    await load.stop();
    if (process.env.LEDGER_FAULTS_DEBUG) process.stdout.write(`${load.timeline().join('\n')}\n${JSON.stringify(outages, null, 1)}\n`);
    expect(ingest.alive && projector.alive).toBe(true);

    const x = await settle(s, load);
    const during = outages.map((o) => o.answers);
    const count503 = (a: Record<string, number>) =>
      Object.entries(a)
        .filter(([k]) => k.startsWith('503'))
        .reduce((n, [, v]) => n + v, 0);
    const status = load.tally();
    recordFigures({
      scenario: 'broker-kill',
      ...settledCounts(x),
      recoverySeconds: Math.max(...outages.map((o) => Math.max(o.firstAckMs, o.caughtUpMs))) / 1000,
      extra: {
        brokerKills: KILLS,
        targetRate: RATE,
        achievedAckRate: Math.round(load.ratePerSecond(202)),
        ackRateOutsideOutages: Math.round(
          ackRateOutside(
            load,
            outages.map((o) => [o.killedAt, o.readyAt + o.firstAckMs]),
          ),
        ),
        peakAckRate1s: peakRate(load),
        loadSeconds: Number(((load.stoppedAt - load.startedAt) / 1000).toFixed(1)),
        requests: load.outcomes.length,
        status503DuringOutages: during.reduce((n, a) => n + count503(a), 0),
        status503Total: Object.entries(status)
          .filter(([k]) => k.startsWith('503'))
          .reduce((n, [, v]) => n + v, 0),
        otherStatuses:
          Object.entries(status)
            .filter(([k]) => k !== '202' && !k.startsWith('503'))
            .map(([k, v]) => `${k}×${v}`)
            .join(', ') || 'none',
        ackedWithoutBroker: outages.reduce((n, o) => n + o.ackedWithoutBroker, 0),
        brokerStartSeconds: outages.map((o) => (o.brokerStartMs / 1000).toFixed(1)).join(' / '),
        firstAckAfterRestartSeconds: outages.map((o) => (o.firstAckMs / 1000).toFixed(1)).join(' / '),
        projectorCaughtUpSeconds: outages.map((o) => (o.caughtUpMs / 1000).toFixed(1)).join(' / '),
        ...settledFigures(x),
      },
    });

    expect(outages.map((o) => o.ackedWithoutBroker)).toEqual(outages.map(() => 0));
    for (const o of during) expect(count503(o)).toBeGreaterThan(0);
    // A 503 is the only refusal the outage may cause: no 500, no connection error.
    expect(Object.keys(status).filter((k) => k !== '202' && !k.startsWith('503'))).toEqual([]);
    expectSettled(x);
  }, 420_000);
});

/** 202s per second over the load's time outside the given windows (kill → first 202 after the restart). */
function ackRateOutside(load: Load, windows: [number, number][]): number {
  const outside = (t: number) => !windows.some(([from, to]) => t >= from && t < to);
  const seconds = (load.stoppedAt - load.startedAt - windows.reduce((n, [from, to]) => n + (to - from), 0)) / 1000;
  return load.outcomes.filter((o) => o.status === 202 && outside(o.doneAt)).length / seconds;
}

/** The most 202s answered within one wall-clock second of the run. */
function peakRate(load: Load): number {
  const perSecond = new Map<number, number>();
  for (const o of load.outcomes) if (o.status === 202) perSecond.set(Math.floor(o.doneAt / 1000), (perSecond.get(Math.floor(o.doneAt / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}
