import { seededRandom as generator } from '@ledger/testing';
/**
 * A seeded generator (mulberry32), so a scenario's random pauses can be replayed: the seed is
 * LEDGER_FAULTS_SEED when set, else random, and every scenario records the one it used.
 */
export function seededRandom(seed = Number(process.env.LEDGER_FAULTS_SEED) || Math.floor(Math.random() * 2 ** 31)): { seed: number; between(min: number, max: number): number } {
  const next = generator(seed);
  return { seed, between: (min, max) => min + (max - min) * next() };
}
