import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { LedgerMetrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { Readiness } from './readiness';

/** Health checks and Prometheus metrics, in every app (rootModule imports it). */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [{ provide: LedgerMetrics, useFactory: () => LedgerMetrics.shared() }, Readiness],
  exports: [LedgerMetrics, Readiness],
})
export class OpsModule {}
