/**
 * Collapse of copies: one hit per reform, its other printings (the records' `related` links) listed under it. Which
 * members of a reform a result set holds (presentMembers, countPresent) and, for a query about a topic, the copies
 * shown under a hit, in the set or lacking a word (topicalCopies). Apart from the service's paging and filters.
 */
import { gallop } from './match.js';
import type { SearchResult } from './result.js';

/**
 * A reform's members (increasing) in a result set (`keep`, where given, marking the ones passing the filters), the
 * first `enough` of them: one galloping walk over the result set, since members and docs are both increasing (a
 * reform of the generated 100k corpus can have thousands of printings, and a binary search per member from the start
 * of a common word's 68,000 records took 40 % of a filtered query's warm time).
 */
export function presentMembers(members: readonly number[], docs: Int32Array, keep: Uint8Array | undefined, enough = Infinity): number[] {
  const present: number[] = [];
  for (let m = 0, at = 0; m < members.length && present.length < enough; m++) {
    const i = members[m];
    at = gallop(docs, i, at);
    if (docs[at] === i && (!keep || keep[at] === 1)) present.push(i);
  }
  return present;
}

/**
 * How many of a reform's members (increasing) a result set holds (`keep`, where given, marking the ones passing the
 * filters): the shorter list walked, the longer galloped, so a reform of 9,543 printings costs a phrase's few
 * thousand records, and a rare word's few records cost a few look-ups.
 */
export function countPresent(members: readonly number[], docs: Int32Array, keep?: Uint8Array): number {
  let n = 0;
  if (members.length <= docs.length) {
    for (let m = 0, at = 0; m < members.length && at < docs.length; m++) {
      at = gallop(docs, members[m], at);
      if (docs[at] === members[m] && (!keep || keep[at] === 1)) n++;
    }
  } else {
    for (let i = 0, m = 0; i < docs.length && m < members.length; i++) {
      if (keep && keep[i] !== 1) continue;
      m = gallopList(members, docs[i], m);
      if (members[m] === docs[i]) n++;
    }
  }
  return n;
}

/**
 * The first index at or after `from` whose value is at least `target` (list increasing), found by galloping:
 * indexer/slot-intersection.ts `gallop` for a plain array. Kept apart so `gallop` only ever sees Int32Arrays: fed arrays too, its Int32Array
 * intersections ran 10–26 % slower (micro-benchmark, 3k ∩ 60k records, loaded machine, not in `npm run bench`).
 */
function gallopList(list: readonly number[], target: number, from: number): number {
  let step = 1;
  let hi = from;
  while (hi < list.length && list[hi] < target) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, list.length);
  while (from < hi) {
    const mid = (from + hi) >>> 1;
    if (list[mid] < target) from = mid + 1;
    else hi = mid;
  }
  return from;
}

/**
 * A topical query's shown reform: the copies its hit lists and how many there are, without walking every printing
 * when nothing is filtered or excluded (a reform of the generated 100k corpus has 9,543, and it is on nearly every
 * page); with a filter or an exclusion the count walks the members once per page. The hit stands for every
 * printing that passes the filters and is not excluded, in the set or lacking a word alike (the set holds no
 * excluded record), so the count is |members ∩ passing − excluded| − 1: the member count itself when nothing is
 * filtered or excluded. The list is the ranked copies, then the members in the set, then those outside it, each in
 * index order, so the walk stops once `cap` are listed. With filters and no exclusion, `passingOf` lists the
 * members passing the filters (FacetIndex.reformPassing): the count is their number and the walk reads only them.
 */
export function topicalCopies(reform: number, members: number[], ranked: number[], result: SearchResult, keep: Uint8Array | undefined, passes: Uint8Array | undefined, cap: number, totals: Map<number, number>, passingOf?: (members: readonly number[]) => Int32Array): { copies: number[]; copyCount: number } {
  const excluded = result.excluded;
  // Every member, or (filtered, nothing excluded) the members passing the filters: the others are never counted or listed.
  const walked: ArrayLike<number> = passingOf ? passingOf(members) : members;
  let total = totals.get(reform);
  if (total === undefined) {
    total = members.length;
    if (passingOf) total = walked.length;
    else if (passes || excluded.size) {
      total = 0;
      for (let m = 0; m < members.length; m++) {
        const i = members[m];
        if (passes && !passes[i]) continue;
        if (excluded.has(i)) continue;
        total++;
      }
    }
    totals.set(reform, total);
  }
  const copies = ranked.slice(1, cap + 1);
  if (copies.length < cap) {
    const docs = result.docs;
    const listed = new Set(ranked);
    const outside: number[] = [];
    for (let m = 0, at = 0; m < walked.length && copies.length < cap; m++) {
      const i = walked[m];
      at = gallop(docs, i, at);
      if (docs[at] === i) {
        if ((!keep || keep[at] === 1) && !listed.has(i)) copies.push(i);
        continue;
      }
      if (outside.length >= cap || (passes && !passes[i])) continue;
      if (excluded.has(i)) continue;
      outside.push(i);
    }
    for (let j = 0; j < outside.length && copies.length < cap; j++) copies.push(outside[j]);
  }
  return { copies, copyCount: total - 1 };
}
