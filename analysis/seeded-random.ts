/**
 * A small, fast, seeded generator (mulberry32): the same seed gives the same numbers on every run and machine. Shared
 * by the server's warm-up (the same snapshot gets the same warm-up) and the bench's corpora (the same n gives the same
 * file); here in analysis/, the shared first stage, because server code must not import from bench/.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
