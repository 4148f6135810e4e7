import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { probeKafka } from '@ledger/log';
import { freePort } from '@ledger/postgres';
import { describeError, dockerAnswers, loadTestcontainers } from './docker';
import { REPO_ROOT } from '../repo-root';

export interface TestKafka {
  brokers: string[];
  /** Where the broker came from, for the one line the global setup prints. */
  origin: string;
  /** Stops the broker if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

type Source = 'env' | 'running' | 'testcontainers' | 'script';
const SOURCES: Source[] = ['env', 'running', 'testcontainers', 'script'];
const SCRIPT = resolve(REPO_ROOT, 'deploy/local/kafka.sh');
const noop = async (): Promise<void> => undefined;

/**
 * A Kafka broker for the test run, the first of: KAFKA_BROKERS; a broker already answering on
 * 127.0.0.1:$LEDGER_KAFKA_PORT (19092); a testcontainers container where a Docker engine answers;
 * `deploy/local/kafka.sh start`. LEDGER_TEST_KAFKA=<source> forces one.
 */
export async function ensureKafka(): Promise<TestKafka> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const only = forcedSource();
  const tried: string[] = [];
  const allowed = (s: Source) => only === undefined || only === s;
  const port = Number(process.env.LEDGER_KAFKA_PORT || 19092);
  const local = [`127.0.0.1:${port}`];

  if (allowed('env') && process.env.KAFKA_BROKERS) {
    const brokers = process.env.KAFKA_BROKERS.split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    await assertKafka(brokers, 'KAFKA_BROKERS');
    return { brokers, origin: 'KAFKA_BROKERS', stop: noop };
  }
  if (allowed('running')) {
    if (await portAnswers(port)) {
      await assertKafka(local, `the server on ${local[0]}`);
      return { brokers: local, origin: `broker already running on ${local[0]} (left running)`, stop: noop };
    }
    tried.push(`nothing answers on ${local[0]}`);
  }
  if (allowed('testcontainers')) {
    if (await dockerAnswers()) {
      try {
        return await container();
      } catch (e) {
        tried.push(`testcontainers: ${describeError(e)}`);
      }
    } else tried.push('testcontainers: no Docker engine answers');
  }
  if (allowed('script')) {
    const brokers = [await kafkaScript('start')];
    await assertKafka(brokers, 'the broker started by deploy/local/kafka.sh');
    return { brokers, origin: `deploy/local/kafka.sh (${brokers[0]}, stopped at the end)`, stop: () => kafkaScript('stop').then(noop) };
  }
  throw new Error(`no Kafka for the tests (LEDGER_TEST_KAFKA=${only}): ${tried.join('; ') || 'KAFKA_BROKERS is not set'}`);
}

function forcedSource(): Source | undefined {
  const value = process.env.LEDGER_TEST_KAFKA;
  if (!value) return undefined;
  if (!SOURCES.includes(value as Source)) throw new Error(`LEDGER_TEST_KAFKA must be one of ${SOURCES.join(', ')}`);
  return value as Source;
}

/** A Kafka broker that serves requests (the cluster's metadata answers and lists a broker). */
async function assertKafka(brokers: string[], what: string): Promise<void> {
  await probeKafka(brokers).catch((e: unknown) => {
    throw new Error(`${what} is not a usable Kafka cluster: ${describeError(e)}`);
  });
}

/** Runs kafka.sh with the caller's environment (LEDGER_KAFKA_*); resolves to its stdout's last line. */
function kafkaScript(command: 'start' | 'stop'): Promise<string> {
  return new Promise((ok, fail) => {
    // The script's progress (jar download, "ready in 4s") goes straight to our stderr.
    const child = spawn('bash', [SCRIPT, command], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(stdout.trim().split('\n').pop() ?? '') : fail(new Error(`deploy/local/kafka.sh ${command} exited with ${code}`))));
  });
}

async function container(): Promise<TestKafka> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await loadTestcontainers();
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  // The advertised address must be the one clients dial, so the container listens on the same port
  // number that is published on the host.
  const port = await freePort();
  const started = await new GenericContainer(`apache/kafka:${pinnedKafkaVersion()}`)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://localhost:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_PARTITIONS: '1',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const brokers = [`${host}:${port}`];
  await assertKafka(brokers, 'the testcontainers broker');
  return { brokers, origin: `testcontainers (${started.getId().slice(0, 12)})`, stop: async () => void (await started.stop()) };
}

/** The same Kafka version as the local script: deploy/local/pom.xml pins it. */
function pinnedKafkaVersion(): string {
  const pom = readFileSync(resolve(REPO_ROOT, 'deploy/local/pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error('deploy/local/pom.xml has no <kafka.version>');
  return version;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: 2_000 });
    const done = (open: boolean) => {
      socket.destroy();
      answer(open);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
