import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@ledger/testing';
import { cpuWindow } from '../measure/cpu';
import { processCpuSeconds } from '../measure/proc';
import type { CpuReading, CpuUse, Watched } from '../types';

/** The classpath of Kafka's own tools: the jars deploy/local/kafka.sh fetched (kafka-tools among them). */
export function kafkaToolsClasspath(): string {
  const cache = resolve(REPO_ROOT, 'deploy/local/.cache');
  const dist = readdirSync(cache).find((d) => /^kafka-[\d.]+$/.test(d));
  if (!dist) throw new Error(`no Kafka jars in ${cache}: run \`bash deploy/local/kafka.sh fetch\``);
  return `${cache}/${dist}/lib/*`;
}

export interface ProducerPerfSpec {
  brokers: string[];
  topic: string;
  /** One record value per line; the tool picks one at random for each record. */
  payloadFile: string;
  producerProps: Record<string, string>;
  /** Whole 5-second report intervals to drop first (the JVM warming up), and to measure. */
  warmupIntervals: number;
  measureIntervals: number;
  watch: Watched;
}

export interface ProducerPerfResult {
  recordsPerSec: number;
  /** Mean of the per-interval average latencies in the measured intervals, ms. */
  avgLatencyMs: number;
  intervals: number;
  cpu: CpuUse;
  topOthers: string[];
}

/**
 * org.apache.kafka.tools.ProducerPerformance, unthrottled, for a fixed time: it prints a line every
 * 5 s ("N records sent, R records/sec (…), L ms avg latency, …"); the first intervals are warm-up,
 * the next ones are the measurement, then it is stopped (its final summary would mix both).
 */
export async function producerPerformance(spec: ProducerPerfSpec): Promise<ProducerPerfResult> {
  const props = Object.entries({ 'bootstrap.servers': spec.brokers.join(','), ...spec.producerProps }).map(([k, v]) => `${k}=${v}`);
  const args = [
    '-Xmx512m',
    '-cp',
    kafkaToolsClasspath(),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    spec.topic,
    '--num-records',
    '1000000000',
    '--throughput',
    '-1',
    '--payload-file',
    spec.payloadFile,
    '--producer-props',
    ...props,
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: { records: number; rate: number; latency: number }[] = [];
  let output = '';
  let endCpu: (() => CpuReading) | undefined;
  let cpu: CpuReading | undefined;
  const wanted = spec.warmupIntervals + spec.measureIntervals;
  const finished = new Promise<void>((ok, fail) => {
    const onLine = (line: string) => {
      const m = /^(\d+) records sent, ([\d.]+) records\/sec .*?, ([\d.]+) ms avg latency/.exec(line);
      if (!m) return;
      lines.push({ records: Number(m[1]), rate: Number(m[2]), latency: Number(m[3]) });
      if (lines.length === spec.warmupIntervals) endCpu = cpuWindow({ ...spec.watch, tool: child.pid });
      if (lines.length === wanted) {
        cpu = endCpu?.();
        child.kill('SIGKILL');
      }
    };
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      parts.forEach(onLine);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', () => (lines.length >= wanted ? ok() : fail(new Error(`ProducerPerformance stopped after ${lines.length} of ${wanted} intervals:\n${output.slice(-2000)}`))));
  });
  if (spec.warmupIntervals === 0) endCpu = cpuWindow({ ...spec.watch, tool: child.pid });
  await finished;
  const measured = lines.slice(spec.warmupIntervals, wanted);
  const records = measured.reduce((n, l) => n + l.records, 0);
  const seconds = measured.reduce((s, l) => s + l.records / l.rate, 0);
  return {
    recordsPerSec: records / seconds,
    avgLatencyMs: measured.reduce((s, l) => s + l.latency, 0) / measured.length,
    intervals: measured.length,
    cpu: cpu?.use ?? {},
    topOthers: cpu?.topOthers ?? [],
  };
}

/** Runs one of Kafka's tools to its end; answers its output, and the CPU it and the watched processes used meanwhile. */
async function runTool(toolClass: string, args: string[], watch: Watched, timeoutMs: number): Promise<{ output: string; seconds: number; cpu: CpuReading }> {
  const child = spawn('java', ['-Xmx512m', '-cp', kafkaToolsClasspath(), toolClass, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const endCpu = cpuWindow(watch);
  const started = process.hrtime.bigint();
  // The tool's own CPU is read while it runs: once it has exited /proc has nothing left to read.
  let toolCpu = 0;
  const sampler = setInterval(() => (toolCpu = processCpuSeconds(child.pid!) ?? toolCpu), 50);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((ok, fail) => {
    child.on('error', fail);
    child.on('exit', (c) => ok(c));
  }).finally(() => (clearTimeout(timer), clearInterval(sampler)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = endCpu();
  cpu.use.tool = Math.round((toolCpu / seconds) * 1000) / 10;
  if (code !== 0) throw new Error(`${toolClass.split('.').pop()} exited with ${code}:\n${output.slice(-2000)}`);
  return { output, seconds, cpu };
}

/** Fills a topic with `records` values from a payload file (ProducerPerformance, unthrottled, to its end). */
export async function fillTopic(brokers: string[], topic: string, payloadFile: string, records: number): Promise<{ seconds: number }> {
  const args = [
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--throughput',
    '-1',
    '--payload-file',
    payloadFile,
    '--producer-props',
    `bootstrap.servers=${brokers.join(',')}`,
    'acks=all',
  ];
  const { seconds } = await runTool('org.apache.kafka.tools.ProducerPerformance', args, {}, 30 * 60_000);
  return { seconds };
}

export interface ConsumerPerfResult {
  records: number;
  /** Records per second over the fetch time (the group join excluded), and over the whole run. */
  recordsPerSec: number;
  recordsPerSecWithJoin: number;
  mbPerSec: number;
  rebalanceMs: number;
  cpu: CpuUse;
  topOthers: string[];
}

/**
 * org.apache.kafka.tools.ConsumerPerformance reading `records` records of a topic from its start,
 * in a fresh group. Its summary line gives the fetch rate with and without the group join.
 */
export async function consumerPerformance(spec: { brokers: string[]; topic: string; records: number; watch: Watched }): Promise<ConsumerPerfResult> {
  const group = `ledger-bench-perf-${Date.now().toString(36)}`;
  const args = ['--bootstrap-server', spec.brokers.join(','), '--topic', spec.topic, '--messages', String(spec.records), '--group', group, '--timeout', '60000'];
  const { output, cpu } = await runTool('org.apache.kafka.tools.ConsumerPerformance', args, spec.watch, 30 * 60_000);
  const lines = output.split('\n').map((l) => l.trim());
  const headerAt = lines.findIndex((l) => l.startsWith('start.time'));
  if (headerAt < 0 || !lines[headerAt + 1]) throw new Error(`ConsumerPerformance printed no summary:\n${output.slice(-2000)}`);
  const names = lines[headerAt].split(',').map((s) => s.trim());
  const values = lines[headerAt + 1].split(',').map((s) => s.trim());
  const get = (name: string) => Number(values[names.indexOf(name)]);
  return {
    records: get('data.consumed.in.nMsg'),
    recordsPerSec: get('fetch.nMsg.sec'),
    recordsPerSecWithJoin: get('nMsg.sec'),
    mbPerSec: get('fetch.MB.sec'),
    rebalanceMs: get('rebalance.time.ms'),
    cpu: cpu.use,
    topOthers: cpu.topOthers,
  };
}

export interface EndToEndLatencyResult {
  messages: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/**
 * org.apache.kafka.tools.EndToEndLatency: one record at a time, produced (acks=all) and consumed
 * back from a one-partition topic; the time from send to receipt, over `messages` records.
 */
export async function endToEndLatency(spec: { brokers: string[]; topic: string; messages: number; sizeBytes: number }): Promise<EndToEndLatencyResult> {
  const args = [spec.brokers.join(','), spec.topic, String(spec.messages), 'all', String(spec.sizeBytes)];
  const { output } = await runTool('org.apache.kafka.tools.EndToEndLatency', args, {}, 10 * 60_000);
  const avg = /Avg latency: ([\d.]+) ms/.exec(output);
  const pct = /Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)/.exec(output);
  if (!avg || !pct) throw new Error(`EndToEndLatency printed no summary:\n${output.slice(-2000)}`);
  return { messages: spec.messages, avgMs: Number(avg[1]), p50Ms: Number(pct[1]), p99Ms: Number(pct[2]), p999Ms: Number(pct[3]) };
}
