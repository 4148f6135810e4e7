import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { FieldProblem, isPlainObject, LedgerError } from '@ledger/contracts';
import { CurrentPrincipal, Principal, RequireScopes } from '@ledger/platform';
import { InvalidEventError, prepareEnvelope } from '../shared/prepare-envelope';
import { PublishResult } from '../shared/publish-result';
import { PublishEventsCommand } from './publish-events.command';

export const MAX_BATCH = 1000;

/**
 * POST /v1/events/batch `{ events: [...] }`: up to 1000 envelopes, validated all-or-nothing (one
 * bad item refuses the whole batch, each problem names its item), produced together.
 */
@Controller('v1/events/batch')
export class RecordBatchController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('publish')
  async record(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ results: PublishResult[] }> {
    const items = batchItems(body);
    const problems: FieldProblem[] = [];
    const events = items.flatMap((item, index) => {
      try {
        return [prepareEnvelope(item, principal.publisher)];
      } catch (e) {
        if (!(e instanceof InvalidEventError)) throw e;
        const errors = e.extra.errors as { field: string; message: string }[];
        problems.push(...errors.map((p) => ({ field: `events.${index}${p.field ? '.' + p.field : ''}`, message: p.message })));
        return [];
      }
    });
    if (problems.length) throw new InvalidEventError('batch.invalid', problems, `${new Set(problems.map((p) => p.field.split('.')[1])).size} of ${items.length} events are not valid; nothing was published`);
    const results = await this.commands.execute(new PublishEventsCommand(events));
    if (results.every((r) => r.status === 'duplicate')) void reply.status(200);
    return { results };
  }
}

function batchItems(body: unknown): unknown[] {
  if (!isPlainObject(body) || !Array.isArray(body.events)) {
    throw new InvalidEventError('batch.invalid', [{ field: 'events', message: 'the body must be { "events": [ ... ] }' }]);
  }
  const extra = Object.keys(body).filter((k) => k !== 'events');
  if (extra.length) throw new InvalidEventError('batch.invalid', extra.map((k) => ({ field: k, message: `property ${k} should not exist` })));
  if (body.events.length === 0) throw new InvalidEventError('batch.invalid', [{ field: 'events', message: 'events must not be empty' }]);
  if (body.events.length > MAX_BATCH) {
    throw new LedgerError(413, 'batch.too_large', 'Too many events', `A batch holds at most ${MAX_BATCH} events; this one has ${body.events.length}.`);
  }
  return body.events;
}
