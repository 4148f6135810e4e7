import { Controller, Get, Header } from '@nestjs/common';
import { LedgerError } from '@ledger/contracts';
import { Public } from '@ledger/http';
import { ReadinessReport, Readiness } from './readiness';

/**
 * GET /health/live: the process answers. GET /health/ready: it can do its work now (Postgres, the
 * event log and, where the projector runs, a projector that is neither stopped nor stalled); else
 * 503 problem+json `service.unavailable` naming the failed checks in `failed`.
 */
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @Header('cache-control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('cache-control', 'no-store')
  async ready(): Promise<{ status: 'ok'; checks: ReadinessReport['checks'] }> {
    const report = await this.readiness.evaluate();
    if (!report.ready) {
      const failed = Object.entries(report.checks).filter(([, c]) => c.status !== 'ok');
      throw new LedgerError(503, 'service.unavailable', 'Service unavailable', failed.map(([name, c]) => `${name}: ${c.status === 'failed' ? c.reason : c.status}`).join('; '), {
        failed: failed.map(([name]) => name),
        checks: report.checks,
      });
    }
    return { status: 'ok', checks: report.checks };
  }
}
