import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync, ValidateBy } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value);
const toCount = ({ value }: { value: unknown }) => (value === undefined || value === '' || value === 'auto' ? value : /^\d+$/.test(String(value)) ? Number(value) : value);
/** `auto`, or a whole number from `min` to `max`. */
const IsCountOrAuto = (min: number, max: number) =>
  ValidateBy({
    name: 'isCountOrAuto',
    validator: {
      validate: (value: unknown) => value === 'auto' || (Number.isInteger(value) && (value as number) >= min && (value as number) <= max),
      defaultMessage: (args) => `${args?.property} must be auto or a whole number from ${min} to ${max}`,
    },
  });
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;

/** The projector's default transaction size, in records (LEDGER_PROJECTOR_TRANSACTION_RECORDS). */
export const PROJECTOR_TRANSACTION_RECORDS = 2000;
/** How often, at most, the projector refreshes stale planner statistics by default (LEDGER_PROJECTOR_ANALYZE_SECONDS). */
export const PROJECTOR_ANALYZE_SECONDS = 10;

/**
 * Every setting, from the environment (docs/configuration.md lists them). Validated at boot: a bad
 * value stops the process with a message naming the variable.
 */
export class LedgerConfig {
  /** HTTP port. */
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 3000;
  /** Interface to listen on; 0.0.0.0 in containers. */
  @IsString() HOST = '127.0.0.1';
  /** PostgreSQL connection string. Unset: embedded PostgreSQL in LEDGER_DATA_DIR (single-machine mode). */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' }) DATABASE_URL?: string;
  /** A streaming replica of DATABASE_URL the query API reads from (its answers then say how far behind it is). Unset: the query API reads DATABASE_URL. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_READ_URL must be a postgres:// or postgresql:// URL' }) DATABASE_READ_URL?: string;
  /** Comma-separated Kafka bootstrap servers. Unset: the embedded log (Postgres tables). */
  @IsOptional() @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' }) KAFKA_BROKERS?: string;
  @IsString() KAFKA_CLIENT_ID = 'statement-ledger';
  /** How long Kafka waits for a silent projector before handing its partitions on (a crash costs this long). */
  @Transform(toInt) @IsInt() @Min(6_000) @Max(300_000) KAFKA_SESSION_TIMEOUT_MS = 10_000;
  @Transform(toBool) @IsBoolean() KAFKA_SSL = false;
  @IsOptional() @IsIn(['plain', 'scram-sha-256', 'scram-sha-512']) KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  @IsOptional() @IsString() KAFKA_SASL_USERNAME?: string;
  @IsOptional() @IsString() KAFKA_SASL_PASSWORD?: string;
  /** Replicas per partition of the ledger topics when the ledger creates them; auto: 3 on a cluster of three or more brokers, else the brokers' default. */
  @Transform(toCount) @IsCountOrAuto(1, 16) LEDGER_TOPIC_REPLICATION: number | 'auto' = 'auto';
  /** min.insync.replicas of the ledger topics (replicas that must hold a write before it is acknowledged); auto: 2 with three or more replicas, else the brokers' default. */
  @Transform(toCount) @IsCountOrAuto(1, 16) LEDGER_MIN_INSYNC_REPLICAS: number | 'auto' = 'auto';
  /** Folder for embedded PostgreSQL and the signing key. */
  @IsString() LEDGER_DATA_DIR = './.ledger';
  /** When set, an admin token with exactly this value exists after start (scripts, local runs). */
  @IsOptional() @IsString() @MinLength(16, { message: 'LEDGER_BOOTSTRAP_TOKEN must be at least 16 characters' }) LEDGER_BOOTSTRAP_TOKEN?: string;
  /** Consumer group of the projector. */
  @IsString() LEDGER_PROJECTOR_GROUP = 'ledger-projector';
  /** Most records the projector applies in one transaction; a larger fetched batch is applied in parts, in order. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000) LEDGER_PROJECTOR_TRANSACTION_RECORDS = PROJECTOR_TRANSACTION_RECORDS;
  /** How often (at most) the projector refreshes the planner statistics of the tables it writes, when they went stale; 0: never. */
  @Transform(toInt) @IsInt() @Min(0) @Max(86_400) LEDGER_PROJECTOR_ANALYZE_SECONDS = PROJECTOR_ANALYZE_SECONDS;
  /** Largest request body, in bytes (413 beyond). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(64 * 1024 * 1024) LEDGER_MAX_BODY_BYTES = 5 * 1024 * 1024;
  /** How long a publish waits for the log's acknowledgement before answering 503. */
  @Transform(toInt) @IsInt() @Min(100) @Max(120_000) LEDGER_ACK_TIMEOUT_MS = 5_000;
  /** How long a publish into an idle producer waits for others to share its produce request (0: none). */
  @Transform(toInt) @IsInt() @Min(0) @Max(1_000) LEDGER_PRODUCE_LINGER_MS = 2;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /** Ed25519 private key (PEM) that signs the journal's chain heads; unset: LEDGER_DATA_DIR/signing-key.pem, generated when absent. */
  @IsOptional() @IsString() LEDGER_SIGNING_KEY_FILE?: string;
  /** Run migrations and create topics at boot; false for apps on a read-only database role (the query API). */
  @Transform(toBool) @IsBoolean() LEDGER_MIGRATE = true;
  /** Prepare parameterized statements once per connection (off behind a transaction-mode connection pooler). */
  @Transform(toBool) @IsBoolean() LEDGER_DATABASE_PREPARE = true;
  /** Pipeline the projector's transactions: writes sent without waiting for each answer (off for a pooler or proxy that cannot pipeline). */
  @Transform(toBool) @IsBoolean() LEDGER_DATABASE_PIPELINE = true;
  /** Origins (comma-separated, `*` for any) whose browser pages may call the HTTP API (CORS); unset: none. */
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*)$/, { message: 'LEDGER_CORS_ORIGINS must be * or origins like https://host[:port][,https://…], without a path' })
  LEDGER_CORS_ORIGINS?: string;
  /** Sign the chain heads after this many applied events (and on shutdown). */
  @Transform(toInt) @IsInt() @Min(1) @Max(10_000_000) LEDGER_CHECKPOINT_EVERY = 1_000;
  /** Also sign the chain heads this often when anything was journaled since the last checkpoint, so a fresh ledger has one soon. */
  @Transform(toInt) @IsInt() @Min(100) @Max(86_400_000) LEDGER_CHECKPOINT_INTERVAL_MS = 60_000;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; unknown variables are ignored, bad ones throw ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaults: Partial<LedgerConfig> = {}): LedgerConfig {
  const known = Object.keys(new LedgerConfig()).concat(
    'DATABASE_URL',
    'DATABASE_READ_URL',
    'KAFKA_BROKERS',
    'KAFKA_SASL_MECHANISM',
    'KAFKA_SASL_USERNAME',
    'KAFKA_SASL_PASSWORD',
    'LEDGER_BOOTSTRAP_TOKEN',
    'LEDGER_SIGNING_KEY_FILE',
    'LEDGER_CORS_ORIGINS',
  );
  const given: Record<string, unknown> = { ...defaults };
  for (const key of known) if (env[key] !== undefined && env[key] !== '') given[key] = env[key];
  const config = plainToInstance(LedgerConfig, given);
  const errors = validateSync(config);
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}=${JSON.stringify(given[e.property])}: ${m}`));
  if (config.KAFKA_SASL_MECHANISM && !(config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD)) {
    problems.push('KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required too');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
