import { Stage } from './profile';

/**
 * The parts of the projector's work, for the CPU profile's "where the time goes" table. The first
 * pattern that recognises a frame names its stage; a sample belongs to its nearest recognised frame.
 */
export const PROJECTION_STAGES: Stage[] = [
  ['garbage collection', /^\(garbage collector\) /],
  [
    'decode and validate (JSON.parse, compiled ajv schemas)',
    /node_modules\/(ajv|ajv-formats|class-validator|class-transformer)\/|^(decodeEvent|validateEnvelope|validateEnvelopeWith|normalizeOccurredAt|dataProblems|envelopeProblems|toInstance) /,
  ],
  ['hash chain and content hash (canonical JSON, sha256)', /^(chainHash|contentHash|canonicalJson|canonicalEnvelope|envelopeBytes|recordBytes) /],
  ['journal rows (JSON for jsonb_to_recordset)', /journal\/journal\.writer\.js$/],
  ['position fold and refold', /read-models\/src\/positions\//],
  ['facts, registry, voices (roll-up)', /read-models\/src\/(facts|registry|voices|rollup)\//],
  ['statements, proposals, threats, dyads', /read-models\/src\/(statements|proposals|threats|dyads)\//],
  ['pg client (protocol, result parsing)', /node_modules\/(pg|pg-pool|pg-protocol|pg-types|postgres-array|postgres-date)\//],
  ['Kafka fetch and decode (kafkajs)', /node_modules\/kafkajs\//],
  ['checkpoints (Ed25519 signatures)', /(checkpoint-signer|checkpoints|signing-key)\.js$/],
  ['batch applier (classify, notify)', /batch-applier\.js$/],
  ['Nest, Fastify, metrics', /node_modules\/(@nestjs|rxjs|fastify|prom-client|pino)\//],
  ['V8 profiler (measurement)', /node:inspector|cpu-profiler\.js$/],
];
