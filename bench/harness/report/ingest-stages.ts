import { Stage } from './profile';

/**
 * The parts of an ingest request, for the CPU profile's "where the time goes" table. The first
 * pattern that recognises a frame names its stage; a sample belongs to its nearest recognised frame.
 */
export const INGEST_STAGES: Stage[] = [
  ['garbage collection', /^\(garbage collector\) /],
  ['JSON body parse', /^parseJsonBody /],
  ['auth guard (token cache, rate bucket)', /auth\.guard\.js$/],
  ['validation (class-validator, class-transformer)', /node_modules\/class-(validator|transformer)\/|^(validateEnvelope|prepareEnvelope|normalizeOccurredAt) /],
  ['content hash (canonical JSON, sha256)', /^(contentHash|canonicalJson) /],
  ['duplicate lookup and receipts (pg, dataloader)', /node_modules\/(pg|pg-pool|pg-protocol|dataloader)\/|receipts\.js$/],
  ['encode envelope (JSON.stringify, headers)', /^encodeEvent /],
  ['Kafka produce (kafkajs)', /node_modules\/kafkajs\//],
  ['produce batcher, event log', /(produce-batcher|kafka-event-log|murmur2)\.js$/],
  ['Nest (router, guards, CQRS, rxjs)', /node_modules\/(@nestjs|rxjs)\//],
  ['Fastify and Node HTTP', /node_modules\/(fastify|find-my-way|avvio|@fastify)\/|node:_http|^parserOn/],
  ['V8 profiler (measurement)', /node:inspector|cpu-profiler\.js$/],
];
