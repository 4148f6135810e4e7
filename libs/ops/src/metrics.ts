import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

let shared: LedgerMetrics | undefined;

/**
 * Every Prometheus metric of the ledger, in one registry per process (docs/operations.md lists
 * them). Defined once here so a process hosting several apps (`ledger start`) never registers a
 * name twice; a part the process does not run leaves its metrics at zero.
 */
export class LedgerMetrics {
  readonly registry = new Registry();

  /** Events the ingest API appended to the log (acknowledged), by event type. */
  readonly eventsAccepted = new Counter({
    name: 'ledger_events_accepted_total',
    help: 'Events acknowledged by the log after an ingest request, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  /** Events the ingest API refused before they reached the log, by problem code. */
  readonly eventsRejected = new Counter({
    name: 'ledger_events_rejected_total',
    help: 'Events refused by ingest validation (4xx), by problem code; a refused batch counts each of its events',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly eventsApplied = new Counter({
    name: 'ledger_events_applied_total',
    help: 'Events the projector applied to the read models (first time seen)',
    registers: [this.registry],
  });
  readonly eventsDuplicate = new Counter({
    name: 'ledger_events_duplicate_total',
    help: 'Records the projector journaled as duplicates of an event already applied (same id and content)',
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'ledger_dlq_total',
    help: 'Records the projector rejected and sent to the dead-letter topic, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly projectorLag = new Gauge({
    name: 'ledger_projector_lag',
    help: "Messages not yet applied per partition: the log's high watermark minus the projector's stored next offset",
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'ledger_projection_batch_seconds',
    help: 'Time of one committed projector batch (one Postgres transaction)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** Record time → applied: during a replay of old records this is their age, not a delay. */
  readonly projectionLatency = new Histogram({
    name: 'ledger_projection_latency_seconds',
    help: 'From record time (the log append) to the commit that applied the event',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly openStreams = new Gauge({
    name: 'ledger_stream_open',
    help: 'Open GET /v1/stream responses (server-sent events) in this process',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The process's one instance. */
  static shared(): LedgerMetrics {
    shared ??= new LedgerMetrics();
    return shared;
  }
}
