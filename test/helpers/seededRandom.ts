/**
 * Randomness a test can repeat (the kill loops' kill times): every scenario prints the seed it drew,
 * and BXSUP_FAULT_SEED=<that seed> replays the same sequence.
 */
export function seededRandom(scenario: string): () => number {
  let seed = chosenSeed();
  console.log(`${scenario}: seed ${seed} (BXSUP_FAULT_SEED=${seed} repeats it)`);
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MAX_SEED = 2_147_483_647;

function chosenSeed(): number {
  const given = process.env.BXSUP_FAULT_SEED;
  if (given === undefined || given === '') return Date.now() % MAX_SEED;
  // A typo must not silently become a fresh random run: the point of the variable is to repeat one.
  if (!/^\d+$/.test(given) || Number(given) > MAX_SEED) {
    throw new Error(
      `BXSUP_FAULT_SEED must be the whole number a run printed (0 to ${MAX_SEED}), not "${given}"`,
    );
  }
  return Number(given);
}
