/**
 * Tuning aid for the similar-reform lists on the DEV half of the judged set only (the test half is filtered out
 * before anything is scored or printed). The dev half is split into two folds (alternate dev sources within each
 * seed document), so a change can be checked to help, or not hurt, both: a rule that helps one fold only fits it.
 *   npx tsx bench/similar-dev.ts                         shipped defaults: dev, fold A / B, other-regions dev, and how
 *                                                        many documents a top 10 spans (every seed record's list)
 *   npx tsx bench/similar-dev.ts '{"maxDf":0.05}' ...    each JSON argument a variant of the options
 *   A variant's line ends with how many sources it moved up / down against the shipped lists (by more than 0.005),
 *   per fold: a gain resting on a few sources of one fold is that fold's, not a rule's. A second line gives the dev
 *   gain with its paired-bootstrap 95 % interval (pairedInterval in bench/similar-eval.ts: an interval holding 0 is
 *   within what the choice of sources alone gives) and whether the variant meets the rule for taking a change: fold A,
 *   fold B and every pool-judged group (grown, regrown, extended: ADDED_GROUPS after 'widened') all higher, other regions (the page's default scope) not lower.
 *   npx tsx bench/similar-dev.ts --moved '{...}'         also each source a variant moved, with its fold and group:
 *                                                        which sources a gain or a loss rests on
 *   npx tsx bench/similar-dev.ts --body-cache=FILE       the seeds built once and kept in FILE for later runs
 *                                                        (built again when the seeds, dict/ or build code change)
 *   npx tsx bench/similar-dev.ts --snapshot=FILE         the seeds read from a snapshot built by `npm run index`
 *                                                        (same records, vocabulary and classes; faster than building)
 *   npx tsx bench/similar-dev.ts --misses                each dev source's top 10 (grades) and its missed judgements
 *   npx tsx bench/similar-dev.ts --ideas-without=a,b     the mechanism classes of dict/ideas.txt named left out
 *                                                        (how much of a gain rests on the classes written after
 *                                                        reading dev misses)
 *   npx tsx bench/similar-dev.ts --general-only          the same for every class written after reading dev misses
 *                                                        (CLASSES_FROM_DEV_MISSES in bench/similar-eval.ts)
 *   npx tsx bench/similar-dev.ts --pools [{...}]      per group, where the judged reforms are before the diversity
 *                                                        re-ranking: how many reached the candidate pool, its first 10
 *                                                        and 20, and how well each view orders the pool's first 20
 *                                                        (poolViews: share of judged pairs of unequal grade in order)
 *   npx tsx bench/similar-dev.ts --pool-bias [{...}]  per pool-judged group (grown, regrown, extended), the share of
 *                                                        each top 10 that was never judged (outside the source's pool,
 *                                                        bench/similar-pools.json) and nDCG with those entries dropped
 *                                                        (condensed): a gain that rests on the pool's favour shrinks
 *                                                        when condensed, one the pool could not see grows
 *   npx tsx bench/similar-dev.ts --vectors=TEXT          the vector (terms, weights, reforms carrying each) of every
 *                                                        seed reform whose title holds TEXT, as the shipped options
 *                                                        build it: why a reform meets another, or does not
 * Not part of `npm run bench`: the benchmark reports both halves once; this is how the defaults are chosen.
 */
import { restoreCharTable } from '../snapshot/tables.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot } from '../snapshot/file.js';
import { fileURLToPath } from 'node:url';
import { buildSimilar, type PoolEntry, type SimilarOptions, type VectorTerm } from '../indexer/similar.js';
import { reformsOf } from '../search/reforms.js';
import { namingWordTest } from '../indexer/general-words.js';
import { ADDED_GROUPS, CLASSES_FROM_DEV_MISSES, checkJudged, devFolds, evaluateSimilar, loadJudged, loadPools, otherRegionsJudged, pairedInterval, poolBias } from './similar-eval.js';
import { Normalizer } from '../analysis/normalize.js';
import { diversity, servedRanker } from './similar.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * sha256 of everything a seeds build reads: the seeds, dict/, the build's code (indexer/ and the analysis/ and
 * snapshot/ code it imports) and package-lock.json (the segmenter's version), each file by path and content.
 */
function buildInputsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile()) hash.update(`${rel}\u0000`).update(readFileSync(join(root, rel))).update('\u0000');
    }
  };
  for (const dir of ['seeds', 'dict', 'indexer', 'analysis', 'snapshot']) walk(dir);
  return hash.update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
}

async function main() {
  // --body-cache=FILE: the seeds' build body kept (node:v8 serialize) between runs, so a series of variants
  // segments the seeds once. FILE.inputs holds the hash of what the build read (buildInputsHash); a cache whose
  // hash differs (seeds, dict/ or the build's code changed since) is built again, never read stale.
  const cache = process.argv.find((x) => x.startsWith('--body-cache='))?.slice('--body-cache='.length);
  let body: SnapshotBody;
  const snap = process.argv.find((x) => x.startsWith('--snapshot='))?.slice('--snapshot='.length);
  const inputs = cache ? buildInputsHash() : '';
  if (snap) body = parseSnapshot(readFileSync(snap));
  else if (cache && existsSync(cache) && existsSync(`${cache}.inputs`) && readFileSync(`${cache}.inputs`, 'utf8') === inputs) {
    body = deserialize(readFileSync(cache)) as SnapshotBody;
    restoreCharTable(body); // v8 serialize keeps the table's columns, not its class
  }
  else {
    if (cache && existsSync(cache)) console.log(`--body-cache: ${cache} was built from other seeds, dict/ or build code; building again`);
    const { buildSnapshot } = await import('../indexer/build.js');
    body = (await buildSnapshot({ seedsDir: join(root, 'seeds'), dictDir: join(root, 'dict') })).body;
    if (cache) {
      writeFileSync(cache, serialize(body));
      writeFileSync(`${cache}.inputs`, inputs);
    }
  }
  const without: string[] = process.argv.find((x) => x.startsWith('--ideas-without='))?.slice('--ideas-without='.length).split(',') ?? [];
  if (process.argv.includes('--general-only')) without.push(...CLASSES_FROM_DEV_MISSES);
  for (const name of without) if (!body.dictionary.ideas?.some(([n]) => n === name)) throw new Error(`no class "${name}" in dict/ideas.txt`);
  body.dictionary.ideas = body.dictionary.ideas?.filter(([n]) => !without.includes(n));
  const { a, b, dev } = devFolds(loadJudged());
  checkJudged(dev, body.records);
  const devOther = otherRegionsJudged(dev, body.records);
  const naming = namingWordTest(body.analysis.vocabulary.map(([w]) => w));
  // Lists scored as served (bench/similar.ts scores its report so): entries sharing no printed term are dropped.
  const normalizer = new Normalizer(body.analysis.t2s);
  const plain = (text: string) => normalizer.plain(text);
  const args = process.argv.slice(2).filter((x) => !x.startsWith('--'));
  const variants: Partial<SimilarOptions>[] = [{}, ...args.map((x) => JSON.parse(x) as Partial<SimilarOptions>)];
  const f3 = (x: number) => x.toFixed(3);
  console.log(`dev ${dev.length} sources (fold A ${a.length}, B ${b.length}; first ${dev.filter((s) => !s.added).length}, ${ADDED_GROUPS.map((g) => `${g} ${dev.filter((s) => s.added === g).length}`).join(', ')}), other-regions dev ${devOther.length}`);
  let shipped: Map<string, number> | undefined;
  let shippedScores: { a: number; b: number; groups: number[]; other: number } | undefined;
  const inA = new Set(a.map((s) => s.id));
  const inspect = process.argv.find((x) => x.startsWith('--vectors='))?.slice('--vectors='.length);
  if (inspect) {
    buildSimilar(body, {}, {
      naming,
      vectors: (i, terms) => {
        if (!body.records[i].title.includes(inspect)) return;
        const label = (t: VectorTerm) => (t.kind === 'word' || t.kind === 'slogan' ? t.text : `${t.kind}:${t.text}`);
        console.log(`\n## ${body.records[i].title}\n  ${terms.map((t) => `${label(t)} ${t.weight.toFixed(2)}/${t.df}`).join('  ')}`);
      },
    });
    return;
  }
  if (process.argv.includes('--pools')) {
    const pools = new Map<number, PoolEntry[]>();
    buildSimilar(body, variants[variants.length - 1], { naming, pools: (i, pool) => pools.set(i, pool) });
    const groups = ['first', ...ADDED_GROUPS].map((g) => ({ name: g, sources: dev.filter((s) => (s.added ?? 'first') === g) }));
    console.log(`options ${JSON.stringify(variants[variants.length - 1])}; a judged reform's place in its source's pool (copies are one reform), and pairs in order of the pool's first 20`);
    for (const { name, sources } of [...groups, { name: 'all', sources: dev }]) {
      const v = poolViews(body.records, sources, pools);
      console.log(`${name.padEnd(9)} judged ${v.judged}  in pool ${v.reached}  first 10 ${v.top10}  first 20 ${v.top20}  pairs ${v.pairs}: idea ${f3(v.idea)}  plain ${f3(v.plain)}  fused ${f3(v.fused)}`);
    }
    return;
  }
  for (const [v, o] of variants.entries()) {
    const data = buildSimilar(body, o, { naming });
    const rank = servedRanker(body, data, plain);
    const all = evaluateSimilar(dev, body.records, rank);
    const fa = evaluateSimilar(a, body.records, rank).dev.ndcg;
    const fb = evaluateSimilar(b, body.records, rank).dev.ndcg;
    const first = evaluateSimilar(dev.filter((s) => !s.added), body.records, rank).dev.ndcg;
    const groups = ADDED_GROUPS.map((g) => evaluateSimilar(dev.filter((s) => s.added === g), body.records, rank).dev.ndcg);
    const other = evaluateSimilar(devOther, body.records, servedRanker(body, data, plain, 'other-regions')).dev.ndcg;
    // Diversity over every seed record's list (no judgement needed): distinct documents in the top 10, most from one.
    const div = diversity(body, data);
    const per = new Map(all.perSource.map((p) => [p.id, p.ndcg]));
    let moved = '';
    let verdict = '';
    if (shipped && shippedScores) {
      // Sources moved by more than noise, per fold: up / down.
      const count = (fold: boolean, sign: number) => [...per].filter(([id, x]) => inA.has(id) === fold && sign * (x - shipped!.get(id)!) > 0.005).length;
      moved = `  moved A +${count(true, 1)}/-${count(true, -1)} B +${count(false, 1)}/-${count(false, -1)}`;
      const ci = pairedInterval(all.perSource.map((p) => p.ndcg - shipped!.get(p.id)!));
      const sign = (x: number) => `${x >= 0 ? '+' : ''}${f3(x)}`;
      const was = shippedScores;
      // The widened group was judged from the records alone; the later groups over a pool of four systems' lists, so
      // the rule asks each pool-judged group to rise.
      const pooled = ADDED_GROUPS.map((g, x) => [g, x] as const).filter(([g]) => g !== 'widened');
      const meets = fa > was.a && fb > was.b && pooled.every(([, x]) => groups[x] > was.groups[x]) && other >= was.other;
      verdict = `\n    dev ${sign(ci.mean)} [${sign(ci.low)}, ${sign(ci.high)}]  rule (A, B, ${pooled.map(([g]) => g).join(', ')} up; other not down): ${meets ? 'met' : 'not met'}${meets && ci.low <= 0 ? ', within noise' : ''}`;
    } else {
      shipped = per;
      shippedScores = { a: fa, b: fb, groups, other };
    }
    console.log(`${v === 0 ? 'shipped' : JSON.stringify(o)}: dev ${f3(all.dev.ndcg)}  A ${f3(fa)}  B ${f3(fb)}  (first ${f3(first)} ${ADDED_GROUPS.map((g, x) => `${g} ${f3(groups[x])}`).join(' ')})  other ${f3(other)}  documents ${div.distinct.toFixed(2)} (most ${div.most.toFixed(2)})${moved}${verdict}`);
    if (process.argv.includes('--pool-bias')) {
      const pools = loadPools();
      const pooled = ADDED_GROUPS.filter((g) => dev.some((s) => s.added === g && pools.has(s.id)));
      console.log(`    never judged in top 10 / condensed nDCG: ${pooled.map((g) => {
        const bias = poolBias(dev.filter((s) => s.added === g && pools.has(s.id)), body.records, rank, pools);
        return `${g} ${f3(bias.unjudged)} / ${f3(bias.condensed)}`;
      }).join('  ')}`);
    }
    if (v > 0 && process.argv.includes('--moved')) {
      for (const p of all.perSource) {
        const d = p.ndcg - shipped.get(p.id)!;
        if (Math.abs(d) <= 0.005) continue;
        const s = dev.find((x) => x.id === p.id)!;
        console.log(`    ${d > 0 ? '+' : ''}${f3(d)} ${inA.has(p.id) ? 'A' : 'B'} ${s.added ?? 'first'}: ${f3(shipped.get(p.id)!)} → ${f3(p.ndcg)} ${p.title}`);
      }
    }
    if (process.argv.includes('--misses')) {
      const titleOf = new Map(body.records.map((r) => [r.id, r.title]));
      for (const p of all.perSource) {
        const s = dev.find((x) => x.id === p.id)!;
        console.log(`\n## ${f3(p.ndcg)} ${p.title} [${a.includes(s) ? 'A' : 'B'}] — ${s.idea}`);
        console.log(p.top.map((t, i) => `  ${i + 1}. (${t.grade}) ${t.title}`).join('\n'));
        const shown = new Set(p.top.map((t) => t.title));
        const missed = s.relevant.filter((r) => !shown.has(titleOf.get(r.id)!));
        if (missed.length) console.log('  missed: ' + missed.map((r) => `(${r.grade}) ${r.title}`).join('; '));
      }
    }
  }
}

/**
 * Where the judged reforms of `sources` are in their sources' pools (`pools`: SimilarBuildExtras.pools by record), and
 * for each view the share of pairs of the pool's first 20 with unequal grades (ungraded = 0) that the view puts in
 * grade order (ties count half): a pairwise ordering accuracy (AUC), per view.
 */
export function poolViews(records: SnapshotBody['records'], sources: ReturnType<typeof loadJudged>, pools: Map<number, PoolEntry[]>) {
  const group = reformsOf(records);
  const index = new Map(records.map((r, i) => [r.id, i]));
  const out = { judged: 0, reached: 0, top10: 0, top20: 0, pairs: 0, idea: 0, plain: 0, fused: 0 };
  for (const s of sources) {
    const pool = pools.get(index.get(s.id)!);
    if (!pool) continue;
    const gradeOf = new Map(s.relevant.map((r) => [group[index.get(r.id)!], r.grade]));
    const at = new Map(pool.map((e, x) => [group[e.record], x]));
    for (const reform of gradeOf.keys()) {
      out.judged++;
      const x = at.get(reform);
      if (x === undefined) continue;
      out.reached++;
      if (x < 10) out.top10++;
      if (x < 20) out.top20++;
    }
    const first = pool.slice(0, 20).map((e) => ({ ...e, grade: gradeOf.get(group[e.record]) ?? 0 }));
    for (const a of first) {
      for (const b of first) {
        if (a.grade <= b.grade) continue;
        out.pairs++;
        for (const view of ['idea', 'plain', 'fused'] as const) out[view] += a[view] > b[view] ? 1 : a[view] === b[view] ? 0.5 : 0;
      }
    }
  }
  for (const view of ['idea', 'plain', 'fused'] as const) out[view] /= Math.max(1, out.pairs);
  return out;
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
