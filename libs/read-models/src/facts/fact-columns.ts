import { canonicalJson, EventEnvelope } from '@ledger/contracts';
import { LEDGER_SCHEMA } from '@ledger/ledger-store';

/**
 * What events_v1 stores of an event's effective form (the journal is the fact store: the envelope
 * as recorded is ledger.journal.envelope at the same partition and offset):
 * - counts: whether it counts (false: retracted);
 * - revised: the effective form only where it differs from the envelope as recorded, else null;
 * - subject: what the event is looked up by (the actor a registration registers, the person of an
 *   affiliation, the threat a sanction fulfils), of the effective form.
 * The projector's writer and the bulk build both store these, so the rows are the same either way.
 */
export function factColumns(type: string, envelope: EventEnvelope, effective: EventEnvelope | null): { counts: boolean; revised: EventEnvelope | null; subject: string | null } {
  return {
    counts: effective !== null,
    revised: effective === null || effective === envelope || canonicalJson(effective) === canonicalJson(envelope) ? null : effective,
    subject: effective ? subjectOf(type, effective) : null,
  };
}

export function subjectOf(type: string, effective: EventEnvelope): string | null {
  const data = effective.data as Record<string, unknown>;
  const value =
    type === 'ActorRegistered'
      ? data.id
      : type === 'AffiliationAsserted' || type === 'AffiliationEnded'
        ? data.person
        : type === 'SanctionImposed'
          ? data.fulfilsThreat
          : undefined;
  return typeof value === 'string' ? value : null;
}

/** Joins the journal row of events_v1 `e` as `j`. */
export function journalOf(e: string, j: string): string {
  return `JOIN ${LEDGER_SCHEMA}.journal ${j} ON ${j}.partition = ${e}.partition AND ${j}."offset" = ${e}."offset"`;
}

/** The form of events_v1 `e` now with its journal row `j` (journalOf): revised where a correction changed it, else as recorded; retracted or not. */
export function formOf(e: string, j: string): string {
  return `coalesce(${e}.revised, ${j}.envelope)`;
}

/** The effective form of events_v1 `e` with its journal row `j` (journalOf): NULL when it does not count. */
export function effectiveOf(e: string, j: string): string {
  return `CASE WHEN ${e}.counts THEN ${formOf(e, j)} END`;
}
