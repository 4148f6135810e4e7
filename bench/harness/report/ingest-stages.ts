import { Stage } from './profile';

/**
 * The parts of an ingest request, for the CPU profile's "where the time goes" table. The first
 * pattern that recognises a frame names its stage; a sample belongs to its nearest recognised frame.
 */
export const INGEST_STAGES: Stage[] = [
  ['garbage collection', /^\(garbage collector\) /],
  ['JSON body parse', /^parseJsonBody /],
  ['auth guard (token cache, rate bucket)', /auth\.guard\.js$/],
  [
    'validation (compiled ajv schemas)',
    /node_modules\/(ajv|ajv-formats|class-validator|class-transformer)\/|^(validateEnvelope|validateEnvelopeWith|prepareEnvelope|normalizeOccurredAt|dataProblems|envelopeProblems) /,
  ],
  ['content hash (canonical JSON, sha256)', /^(contentHash|canonicalJson|canonicalEnvelope) /],
  ['duplicate lookup and receipts (pg, dataloader)', /node_modules\/(pg|pg-pool|pg-protocol|dataloader)\/|receipts\.js$/],
  ['encode envelope (headers, value)', /^encodeEvent(With)? /],
  ['Kafka produce (kafkajs)', /node_modules\/kafkajs\//],
  ['produce batcher, event log', /(produce-batcher|kafka-event-log|murmur2)\.js$/],
  ['Nest (router, guards, CQRS, rxjs)', /node_modules\/(@nestjs|rxjs)\//],
  ['Fastify and Node HTTP', /node_modules\/(fastify|find-my-way|avvio|@fastify)\/|node:_http|^parserOn/],
  ['V8 profiler (measurement)', /node:inspector|cpu-profiler\.js$/],
];
