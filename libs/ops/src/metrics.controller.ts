import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@ledger/http';
import { LedgerMetrics } from './metrics';

/** GET /metrics: the process's registry in the Prometheus text format (public: scrape it from inside the network). */
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.registry.metrics();
    void reply.header('content-type', this.metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  }
}
