/** Injection tokens at the real seams (STYLE.md habit 10). */
export const LEDGER_TOPICS = Symbol('LEDGER_TOPICS');
/** `() => ms since the epoch`; injected so tests control time and folds never read it. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => number;
