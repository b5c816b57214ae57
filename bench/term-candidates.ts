/**
 * How the grown plain-term group of the development half (bench/queries.dev.json g01–g37) was chosen: by a rule over
 * the record titles, fixed before any engine's result list was seen, so the terms do not favour any engine.
 *
 *   npx tsx bench/term-candidates.ts SNAPSHOT
 *
 * prints both rules' candidate lists (in corpus order) and their picks as JSON.
 *
 * - Rule A (g01–g25, single words): the title words as plain nodejieba tags them (its bundled dictionary, no
 *   project dictionary), 2–6 Han characters, noun-like tags (n, nz, vn, nt, j, l; place and person names out);
 *   printed in the titles of records of at least two documents and in at most 3 % of all titles; no more frequent
 *   than 1000 in jieba's own dictionary (general-language words such as 工作, 地方, 合作 out); not already the exact
 *   query string of a judged query in either half. In order of first title occurrence, every 3rd is taken, 25 in all.
 * - Rule B (g26–g37, compounds): two adjacent title words of 2+ Han characters each, joined 4–6 characters, the
 *   joined string printed in titles of records of at least two documents and in at most 3 % of titles, not a judged
 *   query string; every 16th in order of first occurrence, 12 in all.
 *
 * Picks replaced by hand, before any result list was seen, with the next candidate in order: 化发展 (A; a jieba
 * fragment of 数智化发展, not a word), and in B four pairs that cut across a term (赋能企业 → 双向贸易, 直接装卸 →
 * 国际中转, 基于区块链 → 普惠金融服务, 商品智慧 → 审批服务). Judging: the union of the top 10 of ours, plain
 * MiniSearch + jieba (bench/baseline.ts) and FlexSearch (CJK charset, the bench/scale-engines.ts set-up), shown
 * unlabelled in id order with the title and the text around the term; grade 2 = about the term's subject, 1 = touches
 * it, a copy of a reform in another document graded as the reform.
 *
 * The check against judged queries is on the exact string only, so some picks are parts of test-half queries: g31
 * 海洋牧场 is the head word of the test query 海洋牧场 融资; 不动产 is in 不动产登记, 金融服务 in 科技金融服务, 海事 in
 * 船舶 -海事 and 海事云登轮…, 试验区 in 自由贸易试验区 海洋经济. Tuning on these (g31 above all) tunes those test
 * queries' main words too. They stay: this session's figures include them.
 *
 * Rule C (b01–b25, blind forms, session 15): the forms officials type that titles do not print. The script picks the
 * source records (`blind.sources`): the records in snapshot order at positions i with i % 12 == 6, a record whose copy
 * (`related`) was already picked giving way to the next record. For each source one query was written by hand, from
 * the record's title and text only, before any engine ran it: the 2–6 Han character term a reader would type for its
 * subject, in the first of three forms that fits: S, a short form in use in the field (知产证券化, 修船); E, the
 * everyday wording of the field term (房产证 for 不动产登记, 以货易货 for 易货贸易); G, the plain noun of the subject's
 * field (贷款, 重量鉴定). The written term may not be a substring of the source's title or of its copies' titles, nor the
 * exact string of a judged query in either half (一窗受理 was, so 企业开办 replaced it); the script checks both
 * (`blind.checks`) for the b-queries in bench/queries.dev.json. Judged as rules A and B, and the source record and its
 * copies are grade 2 by construction (one, 79c90300-88 for 污水排放, was in no engine's top 10). Blind when written,
 * not since: the scattered-characters rule (cfadcec) was built from their misses (修船, 技贸措施), so they are tuned on
 * like the rest of the development half; a held-out check of this kind needs a fresh draw (another i % 12).
 *
 * Rule C, second draw (b26–b50, session 16): the same rule at positions i % 12 == 0 (`blind.secondSources`), a record
 * that is a first-draw source or a copy of one, or a copy of a record already picked, giving way to the next record.
 * Written, checked and judged (pooled top 10s of ours at 41d94a1, MiniSearch + jieba, FlexSearch; grades extended to
 * the copies of graded records) before any code change of that session. Two sources were in no engine's top 10
 * (79c90300-9 for 注册公司, 79c90300-142 for 商事纠纷); records no engine ranked count 0, as before. Blind when
 * judged, not since: tuned on since missingIdfDecay (c36bb34), which was chosen from their misses, like the first
 * draw; a held-out check of this kind needs a fresh draw.
 *
 * Rule C, third draw (c01–c25, session 17): the same rule at positions i % 12 == 9 (`blind.thirdSources`; 3 is rule
 * W's paraphrase sources), a record that is a b01–b50 source, a w01–w22 source or a copy of one of them, or a copy of
 * a record already picked, giving way to the next record. Written and checked before any engine ran them, judged over
 * the pooled top 10s of ours at c1daf12, MiniSearch + jieba and FlexSearch; three records were graded after reading
 * beyond the pool (named in the query notes). Held out: never used to choose between variants, reported before and
 * after a change. It did not give way to rule P's sources (m01–m15, positions i % 12 == 10, written at the same time
 * and tuned on): c03, c04, c13 and c14 share their source with m03, m04, m13 and m14, so bench/relevance.ts reports
 * those four apart from the held-out row (SHARED_WITH_M). A later draw gives way to the m sources and their copies too
 * (and to the third draw's copies): they are added to `picked` after the third draw.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jieba from 'nodejieba';
import { TEXT_FIELDS } from '../indexer/schema.js';
import { parseSnapshot } from '../snapshot/file.js';
import { loadQueries } from './relevance.js';

const NOUNISH = new Set(['n', 'nz', 'vn', 'nt', 'j', 'l']);
const HAN = (min: number, max: number) => new RegExp(`^\\p{Script=Han}{${min},${max}}$`, 'u');

/** Word frequencies of jieba's bundled dictionary (general language). */
function jiebaFrequencies(): Map<string, number> {
  const dir = dirname(createRequire(import.meta.url).resolve('nodejieba/package.json'));
  const freq = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'submodules/cppjieba/dict/jieba.dict.utf8'), 'utf8').split('\n')) {
    const [w, f] = line.split(' ');
    if (w && f) freq.set(w, Number(f));
  }
  return freq;
}

function main(): void {
  const path = process.argv[2];
  if (!path) throw new Error('usage: npx tsx bench/term-candidates.ts SNAPSHOT');
  const records = parseSnapshot(readFileSync(path)).records;
  const documentOf = (id: string) => id.split('-')[0];
  // The group itself (g01–g37) is left out of the check, so a rerun reprints the same picks.
  const judged = new Set(loadQueries().filter((q) => !/^g\d+$/.test(q.id)).map((q) => q.query));
  const titled = (s: string) => records.filter((r) => r.title.includes(s));
  const spread = (s: string) => new Set(titled(s).map((r) => documentOf(r.id))).size;
  const freq = jiebaFrequencies();

  const firstA = new Map<string, number>();
  const firstB = new Map<string, number>();
  const titleCount = new Map<string, number>();
  const docsOf = new Map<string, Set<string>>();
  records.forEach((r, i) => {
    const tagged = jieba.tag(r.title) as { word: string; tag: string }[];
    const seen = new Set<string>();
    for (const { word, tag } of tagged) {
      if (!HAN(2, 6).test(word) || !NOUNISH.has(tag) || seen.has(word)) continue;
      seen.add(word);
      if (!firstA.has(word)) firstA.set(word, i);
      titleCount.set(word, (titleCount.get(word) ?? 0) + 1);
      (docsOf.get(word) ?? docsOf.set(word, new Set()).get(word)!).add(documentOf(r.id));
    }
    const words = tagged.map((t) => t.word);
    for (let k = 0; k + 1 < words.length; k++) {
      if (!HAN(2, 99).test(words[k]) || !HAN(2, 99).test(words[k + 1])) continue;
      const joined = words[k] + words[k + 1];
      if (joined.length <= 6 && !firstB.has(joined)) firstB.set(joined, i);
    }
  });
  const byFirst = (m: Map<string, number>) => (a: string, b: string) => m.get(a)! - m.get(b)!;
  const a = [...firstA.keys()]
    .filter((w) => docsOf.get(w)!.size >= 2 && titleCount.get(w)! <= 0.03 * records.length && !judged.has(w))
    .filter((w) => (freq.get(w) ?? 0) <= 1000)
    .sort(byFirst(firstA));
  const b = [...firstB.keys()]
    .filter((j) => spread(j) >= 2 && titled(j).length <= 0.03 * records.length && !judged.has(j))
    .sort(byFirst(firstB));
  const every = (xs: string[], n: number, count: number) => xs.filter((_, i) => i % n === 0).slice(0, count);
  console.log(JSON.stringify({ ruleA: { candidates: a, picks: every(a, 3, 25) }, ruleB: { candidates: b, picks: every(b, 16, 12) }, blind: blindRule(records) }, null, 1));
}

/**
 * Rule C: the source records of the blind forms, and the checks on the terms written for them (see the header). Each
 * check also says how many records print the term in their text (title, content, applicable-to, process, outcome, as a
 * plain substring), and `printed` counts the terms some record prints: an unprinted form is what the rule asks for,
 * but nothing keeps a field noun (贷款) or a clipped form (付汇) from being printed elsewhere, or in the source's text.
 * `sourceInTest` flags a blind query whose source (or a copy, or a record it grades 2) a narrow test-half query grades
 * 2: 25 of the 75 at d2f5fe5 (b-queries among them were tuned on; c05 and c25 are held out).
 */
function blindRule(records: ReturnType<typeof parseSnapshot>['records']): { sources: { id: string; title: string }[]; secondSources: { id: string; title: string }[]; thirdSources: { id: string; title: string }[]; checks: { id: string; query: string; inSourceTitle: boolean; judgedElsewhere: boolean; sourceInTest: boolean; printedBy: number; printedAnywhere: boolean }[]; printed: string } {
  const picked = new Set<string>();
  // Positions i % 12 == offset in snapshot order; a record that is (a copy of) one already picked, in this draw or an
  // earlier one, gives way to the next record.
  const draw = (offset: number) => {
    const out: { id: string; title: string }[] = [];
    for (let i = offset; i < records.length && out.length < 25; i += 12) {
      let j = i;
      while (j < records.length && [records[j].id, ...records[j].related.map((r) => r.id)].some((id) => picked.has(id))) j++;
      if (j >= records.length) break;
      out.push({ id: records[j].id, title: records[j].title });
      picked.add(records[j].id);
    }
    return out;
  };
  const sources = draw(6);
  // The second draw gives way to the first draw's sources and their copies too.
  for (const s of sources) for (const r of records.find((x) => x.id === s.id)!.related) picked.add(r.id);
  const secondSources = draw(0);
  const byId = new Map(records.map((r) => [r.id, r]));
  // The third draw gives way to the second draw's copies and to rule W's paraphrase sources (positions i % 12 == 3)
  // and their copies too.
  const dev = loadQueries('dev');
  const paraphraseSources = dev.filter((q) => /^w\d+$/.test(q.id)).flatMap((q) => /paraphrase of the reform (.*?), written blind/.exec(q.note ?? '')?.[1].split(', ') ?? []);
  for (const id of [...secondSources.map((s) => s.id), ...paraphraseSources]) {
    picked.add(id);
    for (const r of byId.get(id)?.related ?? []) picked.add(r.id);
  }
  const thirdSources = draw(9);
  // A later draw (none yet) must first give way to the third draw's sources and copies and to rule P's sources (m01–m15,
  // tuned on; `written from ID` in their notes) and their copies, which the third draw did not (four c sources are m
  // sources), and to the reforms test-half queries are about (`testReforms` below; the third draw did not: c05's source
  // is q138's reform, c25's is q112's): add them to `picked` here, as above, before drawing it.
  const blind = dev.filter((q) => /^[bc]\d+$/.test(q.id));
  const others = new Set(loadQueries().filter((q) => !/^[bc]\d+$/.test(q.id)).map((q) => q.query));
  // The reforms a test-half query is about: the records it grades 2 when they are at most three (one reform printed in
  // up to three documents; copy links miss some copies, so ids are not grouped by them). A dev query written from such
  // a record, or grading one 2, and tuned on would tune that test query too (only ids are read, never scores). A record
  // graded 2 by a broad query (海关, 40 records) is not one: half the sources are.
  const testReforms = new Set<string>();
  for (const q of loadQueries('test')) {
    const top = Object.entries(q.judgments).filter(([, g]) => g >= 2).map(([id]) => id);
    if (top.length <= 3) for (const id of top) testReforms.add(id);
  }
  const all = [...sources, ...secondSources, ...thirdSources];
  const checks = blind.map((q, k) => {
    const source = byId.get(all[k].id)!;
    const titles = [source.title, ...source.related.map((r) => byId.get(r.id)?.title ?? '')];
    const printedBy = records.filter((r) => TEXT_FIELDS.some((f) => r[f]?.includes(q.query))).length;
    const sourceInTest = [source.id, ...source.related.map((r) => r.id)].some((id) => testReforms.has(id))
      || Object.entries(q.judgments).some(([id, g]) => g >= 2 && testReforms.has(id));
    return { id: q.id, query: q.query, inSourceTitle: titles.some((t) => t.includes(q.query)), judgedElsewhere: others.has(q.query), sourceInTest, printedBy, printedAnywhere: printedBy > 0 };
  });
  return { sources, secondSources, thirdSources, checks, printed: `${checks.filter((c) => c.printedAnywhere).length} of ${checks.length} printed by some record` };
}

main();
