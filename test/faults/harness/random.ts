/**
 * A seeded generator (mulberry32), so a scenario's random pauses can be replayed: the seed is
 * LEDGER_FAULTS_SEED when set, else random, and every scenario records the one it used.
 */
export function seededRandom(seed = Number(process.env.LEDGER_FAULTS_SEED) || Math.floor(Math.random() * 2 ** 31)): { seed: number; between(min: number, max: number): number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { seed, between: (min, max) => min + (max - min) * next() };
}
