/**
 * What a query leaves for the young-generation collector (scavenges): a cleared cache must not keep what it held
 * alive, or every scavenge copies and promotes it (docs/design.md, Serving: garbage per query).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Lru } from '../analysis/lru.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

describe('a cleared cache lets go of what it held at the next scavenge', () => {
  it('keys put into a long-lived cache and then cleared are neither copied nor promoted by the next minor collections', () => {
    const lru = new Lru<object, { answer: number }>(1000);
    // The cache lives as a server's does: filled and cleared many times, until it is in the old generation, as the
    // engine's caches are after the first queries.
    for (let r = 0; r < 4; r++) {
      for (let i = 0; i < 200; i++) lru.set({ r, i }, { answer: i });
      lru.clear();
      gc({ type: 'minor' });
    }
    gc({ type: 'major' });
    // Rounds of a query's worth of keys (200 of about 4 KB: 800 KB), each cleared and followed by one scavenge (a
    // query's caches live through a scavenge at most). The first round's map may be an old one (made before the full
    // collection); from then on nothing should stay.
    const kept: number[] = [];
    gc({ type: 'minor' });
    for (let round = 0; round < 4; round++) {
      const before = heldBytes();
      for (let i = 0; i < 200; i++) lru.set({ payload: new Array(500).fill(round + i) }, { answer: i });
      expect(lru.size).toBe(200);
      lru.clear();
      gc({ type: 'minor' });
      kept.push(heldBytes() - before);
    }
    // A cleared map's table in the old generation kept every key alive through each scavenge, then promoted it.
    for (const bytes of kept.slice(2)) expect(bytes).toBeLessThan(200_000);
    // Still a working cache after the clear.
    const key = { again: 1 };
    lru.set(key, { answer: 1 });
    expect(lru.get(key)).toEqual({ answer: 1 });
  });
});

/** Bytes in use in the young generation's semi-space and the old generation. */
function heldBytes(): number {
  return getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'new_space' || s.space_name === 'old_space')
    .reduce((n, s) => n + s.space_used_size, 0);
}
