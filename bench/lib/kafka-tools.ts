import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CpuReading, cpuWindow, CpuUse, Watched } from './cpu';
import { REPO_ROOT } from './machine';

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
  const args = ['-Xmx512m', '-cp', kafkaToolsClasspath(), 'org.apache.kafka.tools.ProducerPerformance', '--topic', spec.topic, '--num-records', '1000000000', '--throughput', '-1', '--payload-file', spec.payloadFile, '--producer-props', ...props];
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
  return { recordsPerSec: records / seconds, avgLatencyMs: measured.reduce((s, l) => s + l.latency, 0) / measured.length, intervals: measured.length, cpu: cpu?.use ?? {}, topOthers: cpu?.topOthers ?? [] };
}
