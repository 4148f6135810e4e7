import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { LedgerConfig, loadConfig } from '@ledger/config';

// No Docker engine or compose plugin on these machines: the compose file and the Dockerfile are
// checked as data. Where the plugin exists, `docker compose config` checks the rest.
const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Compose's variable interpolation: ${X}, ${X:-default}, ${X:?error}. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (env[name]) return env[name];
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

/** Every variable LedgerConfig validates, from its class-validator metadata. */
function configVariables(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(LedgerConfig, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

const APPS = { 'ingest-api': 3001, 'query-api': 3002, projector: 3003 } as const;

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true });
  const services = compose.services as Record<string, any>;

  const profiled = (name: string) => (services[name].profiles ?? []).length > 0;

  it('runs Kafka, PostgreSQL and the three apps, every image pinned', () => {
    expect(
      Object.keys(services)
        .filter((s) => !profiled(s))
        .sort(),
    ).toEqual(['ingest-api', 'kafka', 'postgres', 'projector', 'query-api']);
    expect(services.kafka.image).toMatch(/^apache\/kafka:4\.1\.\d+$/);
    expect(services.postgres.image).toMatch(/^postgres:16\.\d+(-[a-z]+)?$/);
    for (const app of Object.keys(APPS)) expect(services[app].image).toMatch(/:\d+\.\d+\.\d+$/);
    const local = read('deploy/local/pom.xml').match(/<kafka.version>([^<]+)<\/kafka.version>/)![1];
    expect(services.kafka.image).toBe(`apache/kafka:${local}`);
  });

  it('runs Kafka as one KRaft node that never creates topics by itself', () => {
    const env = services.kafka.environment;
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:9092');
    expect(services.kafka.healthcheck.test.join(' ')).toContain('9092');
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
  });

  it('offers a three-broker KRaft cluster as the `cluster` profile: one cluster id, three voters, topics with 3 replicas and 2 in sync', () => {
    const brokers = ['kafka-1', 'kafka-2', 'kafka-3'];
    expect(Object.keys(services).filter(profiled).sort()).toEqual(brokers);
    const envs = brokers.map((b) => services[b].environment);
    expect(brokers.map((b) => services[b].profiles)).toEqual(brokers.map(() => ['cluster']));
    expect(new Set(envs.map((e) => e.CLUSTER_ID)).size).toBe(1);
    expect(envs.map((e) => e.KAFKA_NODE_ID)).toEqual([1, 2, 3]);
    expect(envs.map((e) => e.KAFKA_ADVERTISED_LISTENERS)).toEqual(brokers.map((b) => `PLAINTEXT://${b}:9092`));
    for (const env of envs) {
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
      expect(env).toMatchObject({ KAFKA_DEFAULT_REPLICATION_FACTOR: 3, KAFKA_MIN_INSYNC_REPLICAS: 2, KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' });
    }
    expect(new Set(brokers.map((b) => services[b].volumes[0])).size).toBe(3);
    // The apps reach the cluster through KAFKA_BROKERS.
    const env = { LEDGER_BOOTSTRAP_TOKEN: 'a-token-of-24-characters', KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092,kafka-3:9092' };
    expect(interpolate(services['ingest-api'].environment.KAFKA_BROKERS, env)).toBe(env.KAFKA_BROKERS);
  });

  it.each(Object.entries(APPS))('runs %s on its port with a valid configuration, after its dependencies are healthy', (app, port) => {
    const service = services[app];
    expect(service.build.dockerfile).toBe('deploy/Dockerfile');
    expect(service.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    expect(existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
    expect(service.ports).toEqual([`${port}:${port}`]);
    expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, kafka: { condition: 'service_healthy' } });
    expect(service.healthcheck.test.join(' ')).toContain('/health/ready');

    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(service.environment)) env[key] = String(interpolate(value, { LEDGER_BOOTSTRAP_TOKEN: 'a-token-of-24-characters' }));
    expect(Object.keys(env).filter((k) => !configVariables().includes(k))).toEqual([]);
    const config = loadConfig(env);
    expect(config).toMatchObject({ PORT: port, HOST: '0.0.0.0', KAFKA_BROKERS: 'kafka:9092' });
    expect(new URL(config.DATABASE_URL!).host).toBe('postgres:5432');
    expect(config.LEDGER_BOOTSTRAP_TOKEN).toBeDefined();
  });

  it('refuses to start without an admin token instead of using a default one', () => {
    expect(() => interpolate(services['ingest-api'].environment.LEDGER_BOOTSTRAP_TOKEN, {})).toThrow('LEDGER_BOOTSTRAP_TOKEN');
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');

  it('builds in one stage and runs the pruned result in another, as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci /);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health\/ready/m);
  });

  it('copies only what exists in the repository', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'apps', 'libs']));
    for (const source of sources) expect(existsSync(join(ROOT, source))).toBe(true);
  });
});

describe('docs/configuration.md', () => {
  it('documents every configuration variable', () => {
    const doc = read('docs/configuration.md');
    expect(configVariables()).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'KAFKA_SASL_PASSWORD', 'LOG_LEVEL']));
    for (const name of configVariables()) expect(doc).toContain(`\`${name}\``);
  });
});
