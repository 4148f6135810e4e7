import { existsSync } from 'node:fs';
import { Controller, Get, Inject, Query as QueryParams } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Pool } from 'pg';
import { LedgerError } from '@ledger/contracts';
import { LedgerConfig } from '@ledger/config';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { PG_POOL } from '@ledger/postgres';
import { Checkpoint, listCheckpoints, publishedSigningKey, Page } from '@ledger/ledger-store';
import { loadSigningKey, signingKeyFile } from '@ledger/audit';
import { PageParams, refuseQueryParams, toInt } from '../shared/params';
import { JournalEntry, journalPage, latestVerification } from './audit.queries';

export class AuditLogParams extends PageParams {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(100_000) @JSONSchema({ description: 'Only this partition.' }) partition?: number;
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'fromOffset must be a non-negative integer' })
  @JSONSchema({ description: 'Start at this offset (with partition).' })
  fromOffset?: string;
}

/**
 * The audit API (scope `audit`): the journal with its hash chain, the latest verification, and the
 * signed checkpoints with the public key that checks them.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly config: LedgerConfig,
  ) {}

  @Get('log')
  @RequireScopes('audit')
  @ApiOperation({ summary: 'The journal in log order, each record with its disposition and chain hash' })
  @ApiQueryParams(AuditLogParams)
  @ApiOkResponse({ description: '{ items: JournalEntry[], nextCursor? }' })
  @ApiProblems(400)
  log(@QueryParams() raw: Record<string, unknown>): Promise<Page<JournalEntry>> {
    const p = parseQuery(AuditLogParams, raw);
    return journalPage(this.pool, { partition: p.partition, fromOffset: p.fromOffset, limit: p.limit ?? 100, cursor: p.cursor });
  }

  @Get('verify')
  @RequireScopes('audit')
  @ApiOperation({ summary: 'The latest result of `ledger verify` (404 verify.none_yet before the first run)' })
  @ApiOkResponse({ description: 'ok, partitions, checkpoints, readModels and every mismatch' })
  @ApiProblems(400, 404)
  async verify(@QueryParams() raw: Record<string, unknown>): Promise<Record<string, unknown>> {
    refuseQueryParams(raw);
    const latest = await latestVerification(this.pool);
    if (!latest) throw new LedgerError(404, 'verify.none_yet', 'No verification yet', 'Run `ledger verify`; its result is kept here.');
    return latest;
  }

  @Get('checkpoints')
  @RequireScopes('audit')
  @ApiOperation({
    summary: 'Signed chain heads, newest first, and the Ed25519 public key that checks them',
    description:
      'publicKey is the key the projector announced, else this host’s key file; null only while no key exists anywhere. An auditor should compare it with a copy obtained out of band.',
  })
  @ApiOkResponse({ description: '{ publicKey, keyId, items: Checkpoint[] }' })
  @ApiProblems(400)
  async checkpoints(@QueryParams() raw: Record<string, unknown>): Promise<{ publicKey: string | null; keyId: string | null; items: Checkpoint[] }> {
    refuseQueryParams(raw);
    const items = await listCheckpoints(this.pool, 100);
    const announced = await publishedSigningKey(this.pool);
    if (announced) return { publicKey: announced.publicKey, keyId: announced.keyId, items };
    const file = signingKeyFile(this.config);
    const key = existsSync(file) ? await loadSigningKey(file) : null;
    return { publicKey: key?.publicKeyPem ?? null, keyId: key?.keyId ?? null, items };
  }
}
