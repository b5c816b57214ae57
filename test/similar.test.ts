import { describe, expect, it } from 'vitest';
import { authorityKinds, buildSimilar, DEFAULT_SIMILAR_OPTIONS, type PoolEntry, type SimilarBuildInfo, type SimilarOptions, type VectorTerm } from '../indexer/similar.js';
import { PROVINCES } from '../indexer/regions.js';
import { similarThreads, type SimilarThreads, type SimilarWorker } from '../indexer/similar-threads.js';
import { startModuleWorker } from '../indexer/module-worker.js';
import { Strongest } from '../indexer/similar-candidates.js';
import type { Chunks } from '../indexer/shared-chunks.js';
import { termCoherence, weighByCoherence } from '../indexer/similar-coherence.js';
import { FeatureReader, featureSetup, FIELDS } from '../indexer/similar-features.js';
import { Normalizer } from '../analysis/normalize.js';
import fc from 'fast-check';
import { reformMembers, reformsOf } from '../search/reforms.js';
import type { ReformRecord } from '../indexer/schema.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SearchService } from '../search/service.js';
import { SimilarLists, type SimilarData } from '../search/similar.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { seedService, seedSnapshot } from './helpers.js';
import { namingWordTest } from '../indexer/general-words.js';
import { TERM_FLAG } from '../indexer/similar-data.js';

const text = (r: { title: string; content?: string; applicableTo?: string; process?: string; outcome?: string }) =>
  [r.title, r.content, r.applicableTo, r.process, r.outcome].filter(Boolean).join('\n');

/** Index of the record whose title starts with `title`; fails the test, naming the title, when no record has it. */
function recordAt(body: { records: readonly { title: string }[] }, title: string): number {
  const i = body.records.findIndex((r) => r.title.startsWith(title));
  expect(i, title).toBeGreaterThanOrEqual(0);
  return i;
}

type SimilarBody = Parameters<typeof buildSimilar>[0];
const builds = new WeakMap<SimilarBody, Map<string, { data: SimilarData; info: SimilarBuildInfo }>>();
/**
 * The lists `buildSimilar(body, options)` builds in this thread (no worker threads), and what the build reports, built
 * once per body and options in this file: many tests read lists built without hooks, most of them the shipped
 * options' lists, several the same variants (a view off, to read one mechanism's own effect). The info is only written
 * by a build, never read, so collecting it changes no list. Tests only read what they are handed; the build with the
 * reporting hooks (vectors and pools) is reported() below, and a build with a worker thread, whose property is that
 * build, is called in its test.
 */
function built(body: SimilarBody, options: Partial<SimilarOptions> = {}): { data: SimilarData; info: SimilarBuildInfo } {
  let byOptions = builds.get(body);
  if (!byOptions) builds.set(body, (byOptions = new Map()));
  const key = JSON.stringify(options);
  let entry = byOptions.get(key);
  if (!entry) {
    const info = {} as SimilarBuildInfo;
    byOptions.set(key, (entry = { data: buildSimilar(body, options, { info }), info }));
  }
  return entry;
}
const listsFor = (body: SimilarBody, options: Partial<SimilarOptions> = {}): SimilarData => built(body, options).data;

let reports: { body: SimilarBody; data: SimilarData; vectors: Map<number, VectorTerm[]>; pools: Map<number, PoolEntry[]> } | undefined;
/**
 * One build of the shipped lists with both reporting hooks on, each reform's vector and its candidate pool, read by
 * the two tests of those hooks (one build instead of one each): each checks what its hook reported and that the lists
 * are those of a build without hooks, which holds for this build with both.
 */
function reported(body: SimilarBody): NonNullable<typeof reports> {
  if (reports?.body !== body) {
    const vectors = new Map<number, VectorTerm[]>();
    const pools = new Map<number, PoolEntry[]>();
    const data = buildSimilar(body, {}, { vectors: (i, terms) => vectors.set(i, terms), pools: (i, pool) => pools.set(i, pool) });
    reports = { body, data, vectors, pools };
  }
  return reports;
}

describe('similar reforms on the seed corpus', () => {
  it('never lists a reform twice, nor the source itself or its own copies, and lists copies under their entry', async () => {
    const svc = await seedService();
    const group = reformsOf(svc.records);
    const at = new Map(svc.records.map((r, i) => [r.id, i]));
    let withCopies = 0;
    for (const [i, r] of svc.records.entries()) {
      for (const scope of ['all', 'other-regions'] as const) {
        const hits = svc.similar(r.id, 20, scope)!;
        const groups = hits.map((h) => group[at.get(h.id)!]);
        expect(groups).not.toContain(group[i]);
        expect(new Set(groups).size).toBe(groups.length);
        for (const h of hits) {
          for (const c of h.copies) expect(group[at.get(c.id)!]).toBe(group[at.get(h.id)!]);
          if (h.copies.length) withCopies++;
        }
      }
    }
    expect(withCopies).toBeGreaterThan(0);
  });

  it('lists 加工贸易 guarantee reforms once each for 海关事务项目担保模式创新, with their other printing as a copy', async () => {
    const svc = await seedService();
    const source = svc.records.find((r) => r.title === '海关事务项目担保模式创新')!;
    const hits = svc.similar(source.id, 10)!;
    const guarantee = hits.filter((h) => /关保通|履约保证保险/.test(h.title));
    expect(guarantee).toHaveLength(2);
    for (const h of guarantee) expect(h.copies.map((c) => c.title)).toEqual([expect.stringMatching(/关保通|履约保证保险/)]);
  });

  it('keeps to other provinces under scope=other-regions', async () => {
    const svc = await seedService();
    const source = svc.records.find((r) => r.title === '增值税留抵退税确认制' && r.regions.includes('山东'))!;
    const hits = svc.similar(source.id, 10, 'other-regions')!;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.regions.some((p) => !source.regions.includes(p))).toBe(true);
    // …while scope=all is mostly Shandong for a Shandong reform.
    expect(svc.similar(source.id, 10, 'all')!.filter((h) => h.regions.includes('山东')).length).toBeGreaterThan(5);
  });

  it('explains each entry with 1–5 terms printed in both reforms, none of them a word most reforms use', async () => {
    const svc = await seedService();
    const byId = new Map(svc.records.map((r) => [r.id, r]));
    // A reform's text: all its printings (the entry's copies, the source's related records).
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const reformText = (id: string, copies: string[]) => plain([id, ...copies].map((c) => text(byId.get(c)!)).join('\n'));
    const all = svc.records.map((r) => plain(text(r)));
    const share = (term: string) => all.filter((t) => t.includes(term)).length / all.length;
    let two = 0;
    let entries = 0;
    for (const r of svc.records.filter((_, i) => i % 7 === 0)) {
      const mine = reformText(r.id, r.related.map((x) => x.id));
      for (const h of svc.similar(r.id, 10)!) {
        entries++;
        if (h.because.length >= 2) two++;
        expect(h.because.length).toBeGreaterThanOrEqual(1);
        expect(h.because.length).toBeLessThanOrEqual(5);
        const theirs = reformText(h.id, h.copies.map((c) => c.id));
        for (const term of h.because) {
          expect(mine).toContain(term);
          expect(theirs).toContain(term);
          expect(share(term)).toBeLessThan(0.2);
        }
        for (const generic of ['构建', '发展', '成功', '优化', '平台', '即可', '企业', '服务', '监管', '海关']) expect(h.because).not.toContain(generic);
        expect(['same-slogan', 'same-mechanism', 'same-process', 'same-outcome', 'same-topic']).toContain(h.reason);
      }
    }
    // Most entries carry at least two shared terms; one-line table items sometimes share only one.
    expect(two / entries).toBeGreaterThan(0.6);
  });

  it('serves lists built before the naming flag as stored: no entry left out for its words, every one explained, and the entries a current build offers among them', async () => {
    const [now, body] = await Promise.all([seedService(), seedSnapshot()]);
    const similar = body.similar!;
    expect(similar.termFlags.some((f) => (f & TERM_FLAG.names) !== 0)).toBe(true);
    // The same lists with no term carrying the flag: as a snapshot written before it reads.
    const before = new SearchService({ ...body, similar: { ...similar, termFlags: similar.termFlags.map((f) => f & ~TERM_FLAG.names) } });
    let offeredBefore = 0;
    let offeredNow = 0;
    for (const r of now.records) {
      const old = before.similar(r.id, 20, 'all')!;
      const current = now.similar(r.id, 20, 'all')!;
      offeredBefore += old.length;
      offeredNow += current.length;
      for (const h of old) expect(h.because.length, `${r.title} → ${h.title}`).toBeGreaterThan(0);
      const oldIds = new Set(old.map((h) => h.id));
      for (const h of current) expect(oldIds.has(h.id), `${r.title} → ${h.title}`).toBe(true);
    }
    // The current build leaves out entries with nothing that carries an idea; the older lists keep them.
    expect(offeredBefore).toBeGreaterThan(offeredNow);
  });

  it('never names a background word: every term of every entry of every seed list is a slogan, a word that names a thing or a word (not a function word) two titles print, unless the entry shares a mechanism', async () => {
    const [svc, body] = await Promise.all([seedService(), seedSnapshot()]);
    const naming = namingWordTest(body.analysis.vocabulary.map(([w]) => w));
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const titles = svc.records.map((r) => plain(r.title));
    const texts = svc.records.map((r) => plain(text(r)));
    // Counted over printings (at least as many as reforms), so a word this finds in one title only is in one reform's.
    const titled = (t: string) => titles.filter((x) => x.includes(t)).length >= 2 && !naming.functionWord(t);
    const quoted = (t: string) => texts.some((x) => x.includes(`“${t}”`));
    let entries = 0;
    for (const r of svc.records) {
      for (const h of svc.similar(r.id, 10, 'all')!) {
        entries++;
        if (h.mechanism) continue;
        expect(h.because.every((t) => naming(t) || titled(t) || quoted(t)), `${r.title} → ${h.title}: ${h.because.join(' / ')}`).toBe(true);
      }
    }
    expect(entries).toBeGreaterThan(2000);
    // 企业许可“无感续证”, brought into 增值税留抵退税确认制's list by the bigram view, is named by a title word (确认), not by
    // 主动 / 选择 / 筛选 / 享受.
    const tax = svc.records.find((r) => r.title === '增值税留抵退税确认制')!;
    for (const h of svc.similar(tax.id, 10, 'all')!) for (const verb of ['主动', '选择', '筛选', '享受']) expect(h.because, h.title).not.toContain(verb);
  });

  it('names no enumeration marker (一是, 二是, 三是), no preposition (基于) and no place suffix (片区) in any seed list of either scope, though pairs of reforms print them, and 银政互通 no longer lists 基于新基建的供应链金融平台 for 基于 alone', async () => {
    const svc = await seedService();
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const texts = svc.records.map((r) => plain(text(r)));
    const filler = ['一是', '二是', '三是', '基于', '片区'];
    // Each is printed by many seed reforms, so a list could name it.
    for (const f of filler) expect(texts.filter((t) => t.includes(f)).length, f).toBeGreaterThan(5);
    let entries = 0;
    for (const r of svc.records) {
      for (const scope of ['all', 'other-regions'] as const) {
        for (const h of svc.similar(r.id, 10, scope)!) {
          entries++;
          for (const f of filler) expect(h.because, `${r.title} → ${h.title}`).not.toContain(f);
        }
      }
    }
    expect(entries).toBeGreaterThan(5000);
    const bank = svc.records.find((r) => r.title.includes('银政互通'))!;
    expect(svc.similar(bank.id, 10, 'other-regions')!.map((h) => h.title)).not.toContain('基于新基建的供应链金融平台');
  });

  it('names what carries a pair\'s likeness, not a side word both reforms print: 增值税留抵退税确认制 meets its tax neighbours by 增值税 and 退税, never by 享受, 政策 or 问题', async () => {
    const svc = await seedService();
    const byId = new Map(svc.records.map((r) => [r.id, r]));
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const reformText = (id: string, copies: string[]) => plain([id, ...copies].map((c) => text(byId.get(c)!)).join('\n'));
    const source = svc.records.find((r) => r.title === '增值税留抵退税确认制')!;
    const mine = reformText(source.id, source.related.map((x) => x.id));
    const hits = svc.similar(source.id, 10, 'all')!;
    let sideWordsShared = 0;
    // Every entry, the tax neighbours and 企业许可“无感续证” (which the bigram view brings in by 确认, a word of the
    // source's title, beside 主动 / 选择 / 享受).
    for (const h of hits) {
      const theirs = reformText(h.id, h.copies.map((c) => c.id));
      // Words of the tax reforms' boilerplate (享受…政策, 解决…问题): both reforms print them beside the terms of the idea.
      for (const side of ['享受', '政策', '问题']) {
        if (!mine.includes(side) || !theirs.includes(side)) continue;
        sideWordsShared++;
        expect(h.because, h.title).not.toContain(side);
      }
    }
    expect(sideWordsShared).toBeGreaterThan(0);
    // Beside 确认 (a word reforms are titled by: 确认制), the verbs of background text are not named either.
    const licence = hits.find((h) => h.title.includes('无感续证'));
    expect(licence, '企业许可“无感续证” in the list').toBeDefined();
    if (licence) for (const verb of ['主动', '选择', '筛选']) expect(licence.because).not.toContain(verb);
    // The entries themselves are unchanged by what is named: the first two tax reforms lead, named by their tax terms.
    const instant = hits.find((h) => h.title.includes('即申即退'))!;
    expect(instant.because).toEqual(expect.arrayContaining(['增值税', '退税']));
    const loan = hits.find((h) => h.title.includes('留抵贷'))!;
    expect(loan.because).toEqual(expect.arrayContaining(['留抵退税', '增值税']));
  });

  it('names an entry whose strong shared words are all background by its idea-carrying words strongest first, not in spelling order: “境外投资一件事” meets 跨境贸易投资便利化集成创新 by 投资 first, a word both titles print', async () => {
    const svc = await seedService();
    const source = svc.records.find((r) => r.title.includes('境外投资一件事'))!;
    const trade = svc.similar(source.id, 10, 'all')!.find((h) => h.title === '跨境贸易投资便利化集成创新');
    expect(trade, '跨境贸易投资便利化集成创新 in the list').toBeDefined();
    expect(source.title.includes('投资') && trade!.title.includes('投资')).toBe(true);
    // Every term it names is looked up in the other reform's text (neither ranks a shared idea-carrying term), which
    // once gave each of them part 0 and so spelling order (价值, 利用, 投资 …).
    expect(trade!.because[0]).toBe('投资');
  });

  it('names no word a reform prints only in passing, even when every other shared word is weak: 维修物品综保区流转新模式 meets 即到即入 by 综合保税区 and 综保区, not by 运营, 借助 or 公司', async () => {
    const svc = await seedService();
    const byId = new Map(svc.records.map((r) => [r.id, r]));
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const source = svc.records.find((r) => r.title === '维修物品综保区流转新模式')!;
    const hits = svc.similar(source.id, 10, 'all')!;
    const arrival = hits.find((h) => h.title.includes('即到即入'))!;
    // Still listed: what is named never changes the list.
    expect(arrival).toBeDefined();
    expect(arrival.because).toEqual(expect.arrayContaining(['综合保税区', '综保区']));
    const mine = plain(text(source));
    const theirs = plain(text(byId.get(arrival.id)!));
    for (const side of ['运营', '借助', '公司']) {
      // Both reforms print the word, so only its weight keeps it out.
      expect(mine.includes(side) && theirs.includes(side)).toBe(true);
      expect(arrival.because).not.toContain(side);
    }
  });

  it('names the shared mechanism when two reforms print one class of dict/ideas.txt under their own names, each name printed by its reform', async () => {
    const svc = await seedService();
    const byId = new Map(svc.records.map((r) => [r.id, r]));
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const reformText = (id: string, copies: string[]) => plain([id, ...copies].map((c) => text(byId.get(c)!)).join('\n'));
    const classes = new Map(svc.body.dictionary.ideas);
    let named = 0;
    for (const r of svc.records) {
      const mine = reformText(r.id, r.related.map((x) => x.id));
      for (const h of svc.similar(r.id, 10)!) {
        if (h.reason === 'same-mechanism') expect(h.mechanism).toBeDefined();
        if (!h.mechanism) continue;
        named++;
        const { name, terms } = h.mechanism;
        const [own, other = own] = terms;
        expect(classes.get(name)).toEqual(expect.arrayContaining(terms));
        expect(mine).toContain(own);
        expect(reformText(h.id, h.copies.map((c) => c.id))).toContain(other);
        // Named as the reform's own way of working (title or process steps) by at least one of the two, not only in
        // passing in both bodies.
        const ownWay = (ids: string[]) => plain(ids.map((c) => [byId.get(c)!.title, byId.get(c)!.process ?? ''].join('\n')).join('\n'));
        const either = ownWay([r.id, ...r.related.map((x) => x.id)]) + '\n' + ownWay([h.id, ...h.copies.map((c) => c.id)]);
        expect(classes.get(name)!.some((t) => either.includes(t))).toBe(true);
        expect(['same-slogan', 'same-mechanism']).toContain(h.reason);
      }
    }
    expect(named).toBeGreaterThan(50);
    // Release before the check completes: 先放后检 (crude oil) and 特定附条件放行 (fresh goods) share no slogan.
    const oil = svc.records.find((r) => r.title === '进口原油“先放后检”监管新模式')!;
    const fresh = svc.similar(oil.id, 10)!.find((h) => h.title.includes('特定附条件放行'))!;
    expect(fresh).toMatchObject({ reason: 'same-mechanism', mechanism: { name: 'release-before-inspection', terms: ['先放后检', '特定附条件放行'] } });
  });

  it('names only a mechanism class that passed the background cut: never one above the share, none with the classes off, none from lists that do not record the cut', async () => {
    const svc = await seedService();
    const body = svc.body;
    const ideas = body.dictionary.ideas ?? [];
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const named = (data: SimilarData) => {
      const lists = new SimilarLists(body.records, data, { ideas, normalize: plain });
      const out = new Set<string>();
      for (let i = 0; i < body.records.length; i++) for (const h of lists.similar(i, 10, 'all')) if (h.mechanism) out.add(h.mechanism.name);
      return out;
    };
    const cut = (data: SimilarData) => new Set(ideas.filter((_, k) => data.ideasKept![k] === 1).map(([name]) => name));
    const shipped = named(body.similar!);
    expect(shipped.size).toBeGreaterThan(3);
    for (const name of shipped) expect(cut(body.similar!)).toContain(name);
    // A background cut at 1 % of reforms (3 of the seeds' reforms): the classes printed by more drop out of the
    // likeness and are no longer named, though their reforms still print them.
    const tight = listsFor(body, { maxDf: 0.01 });
    const above = [...shipped].filter((name) => !cut(tight).has(name));
    expect(above.length).toBeGreaterThan(0);
    const tightNamed = named(tight);
    for (const name of above) expect(tightNamed).not.toContain(name);
    for (const name of tightNamed) expect(cut(tight)).toContain(name);
    expect(named(listsFor(body, { ideaWeight: 0 })).size).toBe(0);
    expect(named({ ...body.similar!, ideasKept: undefined }).size).toBe(0);
  });

  it('keeps no record it read alive once a list is served, as a loaded snapshot decodes records on demand (remembered mechanism classes hold indices only)', async () => {
    const svc = await seedService();
    const body = svc.body;
    // Records handed out as a store does: a fresh object per read, each watched through a weak reference.
    const handed: WeakRef<ReformRecord>[] = [];
    const records = new Proxy(body.records, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const r = { ...target[Number(key)] };
          handed.push(new WeakRef(r));
          return r;
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const group = reformsOf(body.records);
    const lists = new SimilarLists(records, body.similar!, { ideas: body.dictionary.ideas ?? [], normalize: (t) => svc.engine.analyzer.normalizer.plain(t) }, { reformOf: group, members: reformMembers(group) });
    let named = 0;
    for (let i = 0; i < body.records.length; i++) for (const h of lists.similar(i, 10, 'all')) if (h.mechanism) named++;
    expect(named).toBeGreaterThan(50);
    expect(handed.length).toBeGreaterThan(body.records.length);
    // Weak references hold their targets until the current job ends; then a full collection frees every record not
    // held by the lists (or by anything else).
    await new Promise((resolve) => setTimeout(resolve, 0));
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    expect(handed.filter((w) => w.deref() !== undefined).length).toBe(0);
  });

  it('reads each record once per request at most: the mechanism scan and every entry\'s key-term look-up share what was read', async () => {
    const svc = await seedService();
    const body = svc.body;
    let reads = new Map<number, number>();
    const records = new Proxy(body.records, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads.set(Number(key), (reads.get(Number(key)) ?? 0) + 1);
        return Reflect.get(target, key, receiver);
      },
    });
    const group = reformsOf(body.records);
    const lists = new SimilarLists(records, body.similar!, { ideas: body.dictionary.ideas ?? [], normalize: (t) => svc.engine.analyzer.normalizer.plain(t) }, { reformOf: group, members: reformMembers(group) });
    let most = 0;
    let widest = 0;
    for (let i = 0; i < body.records.length; i++) {
      for (const scope of ['all', 'other-regions'] as const) {
        // Nothing remembered from an earlier request: the source's and every entry's classes are read from text.
        lists.clearCache();
        reads = new Map();
        lists.similar(i, 20, scope);
        most = Math.max(most, ...reads.values());
        widest = Math.max(widest, reads.size);
      }
    }
    expect(most).toBe(1);
    // A request does read many records (its source, 20 entries and their copies), each of them once.
    expect(widest).toBeGreaterThan(20);
  });

  it('names the mechanism of a reform printed in traditional characters by its simplified name (混兌 read as 混兑)', async () => {
    const svc = await seedService();
    const body = svc.body;
    const source = body.records.findIndex((r) => r.title === '保税原油混兑调和业务新模式');
    // Every printing of the reform in traditional characters: its text no longer prints 混兑 as such.
    const group = reformsOf(body.records);
    const trad = (t: string | undefined) => t?.replaceAll('混兑', '混兌').replace('保税原油', '保稅原油');
    const records = body.records.map((r, i) => (group[i] === group[source] ? { ...r, title: trad(r.title)!, content: trad(r.content)!, process: trad(r.process), applicableTo: trad(r.applicableTo), outcome: trad(r.outcome) } : r));
    expect(records.filter((r, i) => group[i] === group[source]).every((r) => !/混兑/.test([r.title, r.content, r.process, r.applicableTo, r.outcome].join('')))).toBe(true);
    const plain = (t: string) => svc.engine.analyzer.normalizer.plain(t);
    const lists = new SimilarLists(records, body.similar!, { ideas: body.dictionary.ideas ?? [], normalize: plain });
    const ore = lists.similar(source, 10, 'all').find((h) => records[h.index].title.includes('混矿'))!;
    expect(ore).toMatchObject({ reason: 'same-mechanism', mechanism: { name: 'bonded-blending', terms: ['混兑', '混矿'] } });
  });

  it('finds the other rail–sea (海铁联运) one-bill reforms for 海铁联运货物“全程联运提单”模式', async () => {
    const svc = await seedService();
    const source = svc.records.find((r) => r.title === '海铁联运货物“全程联运提单”模式')!;
    const top = svc.similar(source.id, 5)!;
    const titles = top.map((h) => h.title);
    expect(titles).toEqual(expect.arrayContaining(['空铁联运一单制货物运输模式', '协同打造服务黄河流域经济“端到端”全程物流新模式']));
    expect(top.find((h) => h.title.includes('端到端'))!.because.join()).toMatch(/海铁联运|多式联运|一单到底/);
  });

  it('puts 出口成品油“云计重” first for 保税航煤出口质量流量计计量新模式 (flow meter instead of shore tanks)', async () => {
    const svc = await seedService();
    const source = svc.records.find((r) => r.title === '保税航煤出口质量流量计计量新模式')!;
    expect(svc.similar(source.id, 3)![0].title).toBe('出口成品油“云计重”快速鉴定新模式');
  });

  it('reads a short quote (“串联”, “并联”) as the word it is, so 进口原油“先放后检” no longer lists a publishing licence reform for those two quoted words', async () => {
    const body = await seedSnapshot();
    const at = (title: string) => recordAt(body, title);
    const source = at('进口原油“先放后检”');
    const publishing = at('出版物发行业务许可与网络发行备案联办制度');
    // Both print “串联” and “并联” (as in 串联改并联) and share no other word of the idea.
    for (const i of [source, publishing]) expect(body.records[i].content! + body.records[i].process).toMatch(/“串联”[^]*“并联”/);
    const top10 = (data: ReturnType<typeof buildSimilar>) => Array.from(data.all.ids.subarray(source * data.k, source * data.k + 10)).filter(Boolean).map((v) => v - 1);
    expect(top10(listsFor(body, { sloganMinLength: 2 }))).toContain(publishing);
    const shipped = top10(listsFor(body));
    expect(shipped).not.toContain(publishing);
    // The release-before-the-result reforms stay near the top.
    expect(shipped.slice(0, 6).map((i) => body.records[i].title)).toEqual(expect.arrayContaining([expect.stringContaining('特定附条件放行'), '冰鲜水产品两段准入监管模式', expect.stringContaining('先声明后验证')]));
  });

  it('reads the same features from the seed texts whether a reader keeps its segmented runs or forgets them before every reform', async () => {
    const body = await seedSnapshot();
    const o = DEFAULT_SIMILAR_OPTIONS;
    const setup = featureSetup(body, o);
    const normalizer = new Normalizer(body.analysis.t2s);
    const printing = (i: number) => ({ text: (fi: number) => normalizer.plain(body.records[i][FIELDS[fi]] ?? ''), outcomeBits: 0 });
    const keeps = new FeatureReader(setup);
    const forgets = new FeatureReader(setup);
    for (let i = 0; i < body.records.length; i++) {
      keeps.readReform([printing(i)]);
      forgets.forgetRuns();
      forgets.readReform([printing(i)]);
    }
    const a = keeps.exportState();
    const b = forgets.exportState();
    // The memo was used: runs printed again (copies, stock phrases) were looked up, not segmented again.
    expect(a.runMisses).toBeLessThan(b.runMisses);
    expect(a.runLookups).toBe(b.runLookups);
    expect(a.featureText).toEqual(b.featureText);
    expect(a.featureText.some((t) => t.includes('先…后…'))).toBe(true);
    for (const key of ['kind', 'placeCount', 'rawStart', 'rawIds', 'rawTf', 'rawFlags'] as const) expect(Array.from(a[key])).toEqual(Array.from(b[key]));
    expect(a.rawIds.length).toBeGreaterThan(body.records.length * 10);
    // What was read is what the text says: the title's compound at title weight, the known word inside it at half that.
    const r = body.records.findIndex((x) => x.title === '增值税留抵退税确认制');
    const tf = (word: string) => {
      const id = a.featureText.indexOf(word);
      for (let x = a.rawStart[r]; x < a.rawStart[r + 1]; x++) if (a.rawIds[x] === id) return a.rawTf[x];
      return 0;
    };
    const { title, content } = o.fieldWeights;
    // 留抵退税: once in the title, twice in the content; 增值税 once in each.
    expect(tf('留抵退税')).toBe(title + 2 * content);
    expect(tf('增值税')).toBe(title + content);
    // 退税 inside 留抵退税 (title and content twice, at the subword weight) and alone twice in the content.
    expect(tf('退税')).toBe(o.subwordWeight * (title + 2 * content) + 2 * content);
    // A title bigram at its weight.
    expect(tf('\u0001留抵')).toBe(o.bigramWeight * title);
  });

  it('lists the same similar reforms and key terms when the run memo is cleared at every new run as when it keeps every run', async () => {
    const body = await seedSnapshot();
    const { data: kept, info: keptInfo } = built(body);
    const { data: cleared, info: clearedInfo } = built(body, { runMemo: 1 });
    // Both read the same runs; the default memo found those printed again (about an eighth at the seeds), the cleared
    // one segmented them anew, so a run the memo handed back for another (its slot, its hash, its entry) would change
    // what the default build read.
    expect(keptInfo.runs).toBe(clearedInfo.runs);
    expect(keptInfo.runs - keptInfo.runsSegmented).toBeGreaterThan(keptInfo.runs / 10);
    expect(clearedInfo.runsSegmented).toBeGreaterThan(keptInfo.runsSegmented);
    expect(kept.all.ids.some(Boolean)).toBe(true);
    expect(cleared).toEqual(kept);
  });

  it('weighs the words a title prints around its quoted slogan (原油 in 进口原油“先放后检”) below a title word when titleObjectWeight is under 1, and a title without a slogan in full', async () => {
    const body = await seedSnapshot();
    // The option's mechanism (off by default since session 12: the widened dev half measured 1 at least as good).
    const o = { ...DEFAULT_SIMILAR_OPTIONS, titleObjectWeight: 0.75 };
    const reader = new FeatureReader(featureSetup(body, { ...o, outcomeWeight: 0 }));
    const titles = ['进口原油“先放后检”监管新模式', '保税原油混兑调和业务新模式'];
    for (const t of titles) expect(body.records.some((r) => r.title === t)).toBe(true);
    // The titles alone, as the seed records print them.
    for (const t of titles) reader.readReform([{ text: (fi) => (fi === 0 ? t : ''), outcomeBits: 0 }]);
    const s = reader.exportState();
    const tf = (r: number, key: string) => {
      const id = s.featureText.indexOf(key);
      for (let x = s.rawStart[r]; x < s.rawStart[r + 1]; x++) if (s.rawIds[x] === id) return s.rawTf[x];
      return 0;
    };
    const title = o.fieldWeights.title;
    // Around the slogan: the object the idea is applied to, its word and its bigrams weighed down.
    expect(tf(0, '原油')).toBeCloseTo(title * o.titleObjectWeight, 5);
    expect(tf(0, '\u0001原油')).toBeCloseTo(o.bigramWeight * title * o.titleObjectWeight, 5);
    // Inside it: the idea, at the full title weight.
    expect(tf(0, '\u0001先放')).toBeCloseTo(o.bigramWeight * title, 5);
    // A title that quotes no slogan says nothing of which of its words is the object: all weigh in full.
    expect(tf(1, '原油')).toBeCloseTo(title, 5);
  });

  it('weighs a Latin word in a title that quotes a slogan by where it is printed: KEY inside “关银一 KEY通” in full, though the title ends in words around the slogan', async () => {
    const body = await seedSnapshot();
    const o = { ...DEFAULT_SIMILAR_OPTIONS, titleObjectWeight: 0.75 };
    const title = body.records.find((r) => r.title.includes('关银一'))?.title ?? '';
    expect(title).toMatch(/^“关银一 ?KEY ?通”川渝通办/);
    const normalizer = new Normalizer(body.analysis.t2s);
    const reader = new FeatureReader(featureSetup(body, { ...o, outcomeWeight: 0 }));
    reader.readReform([{ text: (fi) => (fi === 0 ? normalizer.plain(title) : ''), outcomeBits: 0 }]);
    const s = reader.exportState();
    const tf = (key: string) => {
      const id = s.featureText.indexOf(key);
      for (let x = s.rawStart[0]; x < s.rawStart[1]; x++) if (s.rawIds[x] === id) return s.rawTf[x];
      return 0;
    };
    const full = o.fieldWeights.title;
    // The last run of Han text, after the slogan, is what the idea is applied to...
    expect(tf('\u0001通办')).toBeCloseTo(o.bigramWeight * full * o.titleObjectWeight, 5);
    // ...and KEY, printed inside the slogan, keeps the full title weight (not the weight of the run read last).
    expect(tf('key')).toBeCloseTo(full, 5);
  });

  it('meets a slogan coined from the same template: 进口原油“先放后检” lists 进口汽车零部件“先声明后验证”, which shares no word of the slogan', async () => {
    const body = await seedSnapshot();
    const at = (title: string) => recordAt(body, title);
    const source = at('进口原油“先放后检”');
    const declare = at('进口汽车零部件“先声明后验证”');
    // By title: a list shows each reform by the printing with the most text, which may be another copy.
    const rank = (data: ReturnType<typeof buildSimilar>) => Array.from(data.all.ids.subarray(source * data.k, (source + 1) * data.k)).findIndex((v) => v > 0 && body.records[v - 1].title === body.records[declare].title);
    const without = rank(listsFor(body, { templateWeight: 0 }));
    const shipped = rank(listsFor(body));
    expect(shipped).toBeGreaterThanOrEqual(0);
    expect(shipped).toBeLessThan(5);
    expect(without === -1 || without > shipped).toBe(true);
    // The same holds the other way round: a template is read from the slogan wherever it is printed.
    const data = listsFor(body);
    const back = Array.from(data.all.ids.subarray(declare * data.k, declare * data.k + 10)).filter(Boolean).map((v) => body.records[v - 1].title);
    expect(back).toContain(body.records[source].title);
  });

  it('weighs a term by how alike the reforms carrying it are: “链上自贸”保税展销 lists 打造“旅游+新零售” (bonded goods shown and sold) first, which it did not without that weighting', async () => {
    const body = await seedSnapshot();
    const at = (title: string) => recordAt(body, title);
    const source = at('“链上自贸”保税展销');
    const display = at('打造“旅游+新零售”');
    const first = (data: ReturnType<typeof buildSimilar>) => body.records[data.all.ids[source * data.k] - 1].title;
    expect(DEFAULT_SIMILAR_OPTIONS.coherence).toBeGreaterThan(0);
    // Read with the bigram view off (bigramViewWeight 0: it puts 进口散装葡萄酒保税加工, another bonded reform, first).
    const words = { bigramViewWeight: 0 };
    expect(first(listsFor(body, words))).toBe(body.records[display].title);
    // Coherence alone does it: with the same-mechanism factor off (both carry bonded display and sale), first with
    // it, not without it.
    expect(first(listsFor(body, { ...words, mechanismFactor: 1 }))).toBe(body.records[display].title);
    expect(first(listsFor(body, { ...words, coherence: 0, mechanismFactor: 1 }))).not.toBe(body.records[display].title);
  });

  it('ranks a reform of the same mechanism higher: 航运企业集成化审批 lists 海事静态业务集成办理 (both integrated approval, 集成化审批 / 集成办理) first, which it did not with mechanismFactor 1', async () => {
    const body = await seedSnapshot();
    const at = (title: string) => recordAt(body, title);
    const source = at('航运企业集成化审批服务新模式');
    const same = at('海事静态业务集成办理新模式');
    const list = (data: ReturnType<typeof buildSimilar>) => Array.from(data.all.ids.subarray(source * data.k, (source + 1) * data.k)).filter(Boolean).map((v) => body.records[v - 1].title);
    expect(DEFAULT_SIMILAR_OPTIONS.mechanismFactor).toBeGreaterThan(1);
    const shipped = list(listsFor(body));
    expect(shipped[0]).toBe(body.records[same].title);
    // The plain word view (plainWeight) and the bigram view lift it first too, so the factor's own effect is read with
    // those views off.
    const idea = list(listsFor(body, { plainWeight: 0, bigramViewWeight: 0 }));
    const without = list(listsFor(body, { mechanismFactor: 1, plainWeight: 0, bigramViewWeight: 0 }));
    expect(idea[0]).toBe(body.records[same].title);
    expect(without[0]).not.toBe(body.records[same].title);
    // The factor reorders what was found: each of the first ten was in the list without it too.
    expect(idea.slice(0, 10).filter((t) => !without.includes(t))).toEqual([]);
  });

  it('weighs a plain word view beside the idea-weighted one: 加工贸易风险类保证金 (a guarantee) lists the 加工贸易 guarantee-insurance reform in its first five, which it did not with plainWeight 0', async () => {
    const body = await seedSnapshot();
    const at = (title: string) => recordAt(body, title);
    const source = at('加工贸易风险类保证金管理新模式');
    const list = (data: ReturnType<typeof buildSimilar>) => Array.from(data.all.ids.subarray(source * data.k, (source + 1) * data.k)).filter(Boolean).map((v) => body.records[v - 1].title);
    expect(DEFAULT_SIMILAR_OPTIONS.plainWeight).toBeGreaterThan(0);
    // The bigram view lifts it too, so the plain view's own effect is read with that view off.
    const shipped = list(listsFor(body, { bigramViewWeight: 0 }));
    const without = list(listsFor(body, { plainWeight: 0, bigramViewWeight: 0 }));
    const guarantee = (titles: string[]) => titles.slice(0, 5).some((t) => t.includes('担保') && t.includes('保证保险'));
    expect(guarantee(shipped)).toBe(true);
    expect(guarantee(without)).toBe(false);
  });

  it('reports each reform\'s vector as its list reads it: one call per reform, unit length, strongest first, and 进口原油“先放后检” carrying its mechanism and template', async () => {
    const body = await seedSnapshot();
    const { data, vectors: seen } = reported(body);
    // One call per reform: as many as the reforms listed, each on a different record.
    expect(seen.size).toBe(new Set(reformsOf(body.records)).size);
    for (const terms of seen.values()) {
      if (!terms.length) continue;
      expect(terms.reduce((sum, t) => sum + t.weight * t.weight, 0)).toBeCloseTo(1, 4);
      for (let x = 1; x < terms.length; x++) expect(terms[x].weight).toBeLessThanOrEqual(terms[x - 1].weight);
      for (const t of terms) expect(t.df).toBeGreaterThanOrEqual(2);
    }
    const source = body.records.findIndex((r) => r.title.startsWith('进口原油“先放后检”'));
    const terms = [...seen].find(([i]) => body.records[i].title === body.records[source].title)![1];
    expect(terms.some((t) => t.kind === 'class' && t.text === 'release-before-inspection')).toBe(true);
    expect(terms.some((t) => t.kind === 'template' && t.text === '先…后…')).toBe(true);
    // Reporting changes nothing: the lists are those of a build without it.
    expect(Array.from(data.all.ids)).toEqual(Array.from(listsFor(body).all.ids));
  });

  it('reports each reform\'s candidate pool before the diversity re-ranking: best fused first, each fused score the two word views combined at plainWeight and then the bigram view at bigramViewWeight, every listed entry in it with its stored score, and the lists unchanged', async () => {
    const body = await seedSnapshot();
    const { data, pools } = reported(body);
    // One call per reform, on the record shown for it.
    expect(pools.size).toBe(new Set(reformsOf(body.records)).size);
    const w = DEFAULT_SIMILAR_OPTIONS.plainWeight;
    const wb = DEFAULT_SIMILAR_OPTIONS.bigramViewWeight;
    let plainMoved = 0;
    for (const [i, pool] of pools) {
      if (!pool.length) continue;
      for (let x = 1; x < pool.length; x++) expect(pool[x].fused).toBeLessThanOrEqual(pool[x - 1].fused);
      const top = Math.max(...pool.map((e) => e.idea));
      const topPlain = Math.max(...pool.map((e) => e.plain));
      const two = pool.map((e) => (1 - w) * e.idea + (topPlain > 0 ? (w * top * e.plain) / topPlain : 0));
      const topTwo = Math.max(...two);
      const topBigram = Math.max(...pool.map((e) => e.bigram));
      for (const [x, e] of pool.entries()) {
        expect(e.fused).toBeCloseTo((1 - wb) * two[x] + (topBigram > 0 ? (wb * topTwo * e.bigram) / topBigram : 0), 4);
        expect(e.record).not.toBe(i);
      }
      // The plain view does reorder some pools (else the views would be one).
      if (pool.slice(1).some((e, x) => e.idea > pool[x].idea)) plainMoved++;
      const fused = new Map(pool.map((e) => [e.record, e.fused]));
      for (let slot = 0; slot < data.k && data.all.ids[i * data.k + slot]; slot++) {
        const listed = data.all.ids[i * data.k + slot] - 1;
        expect(fused.has(listed)).toBe(true);
        expect(data.all.scores[i * data.k + slot]).toBeCloseTo(fused.get(listed)!, 4);
      }
    }
    expect(plainMoved).toBeGreaterThan(0);
    // Reporting changes nothing: the lists are those of a build without it.
    const plain = listsFor(body);
    expect(Array.from(data.all.ids)).toEqual(Array.from(plain.all.ids));
    expect(Array.from(data.otherRegions.ids)).toEqual(Array.from(plain.otherRegions.ids));
  });

  it('measures a term\'s coherence as the mean inner product over pairs of its carriers\' vectors without it, and takes weight only from terms whose carriers share little else', () => {
    // Vectors over 6 features (ids sorted per vector), as indexer/similar.ts builds them.
    const vector = fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }).chain((ids) =>
      fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: ids.length, maxLength: ids.length }).map((ws) => ({ ids: [...ids].sort((a, b) => a - b), ws })),
    );
    fc.assert(
      fc.property(fc.array(vector, { minLength: 2, maxLength: 12 }), (vs) => {
        const R = vs.length;
        const F = 6;
        const vecStart = new Int32Array(R + 1);
        vs.forEach((v, r) => (vecStart[r + 1] = vecStart[r] + v.ids.length));
        const vIds = Int32Array.from(vs.flatMap((v) => v.ids));
        const vW = Float32Array.from(vs.flatMap((v) => v.ws));
        const c = termCoherence({ R, F, vecStart, vIds, vW });
        for (let f = 0; f < F; f++) {
          const carriers = [...vs.keys()].filter((r) => vs[r].ids.includes(f));
          if (carriers.length < 2) {
            expect(c[f]).toBeNaN();
            continue;
          }
          const w = (r: number, g: number) => (g === f ? 0 : Math.fround(vs[r].ws[vs[r].ids.indexOf(g)] ?? 0));
          let sum = 0;
          let pairs = 0;
          for (const a of carriers) for (const b of carriers) if (a !== b) {
            pairs++;
            for (let g = 0; g < F; g++) sum += w(a, g) * w(b, g);
          }
          expect(c[f]).toBeCloseTo(sum / pairs, 5);
        }
        // Reweighted: every vector unit length again; a term whose carriers share nothing else (c = 0) weighs 0.
        weighByCoherence({ R, F, vecStart, vIds, vW }, 0.002, () => true);
        for (let r = 0; r < R; r++) {
          let n2 = 0;
          for (let x = vecStart[r]; x < vecStart[r + 1]; x++) {
            n2 += vW[x] * vW[x];
            if (c[vIds[x]] === 0) expect(vW[x]).toBe(0);
          }
          if (n2 > 0) expect(n2).toBeCloseTo(1, 4);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('orders each list as the diversity re-ranking picks: similarity discounted 6 % per entry already listed from the same document', async () => {
    const body = await seedSnapshot();
    const data = listsFor(body);
    const penalty = DEFAULT_SIMILAR_OPTIONS.sameDocPenalty;
    expect(penalty).toBeGreaterThan(0);
    let reordered = 0;
    for (let i = 0; i < body.records.length; i++) {
      const entries: { file: string; s: number }[] = [];
      for (let slot = 0; slot < data.k && data.all.ids[i * data.k + slot]; slot++) {
        entries.push({ file: body.records[data.all.ids[i * data.k + slot] - 1].source.file, s: data.all.scores[i * data.k + slot] });
      }
      // Replayed over the listed entries alone, the greedy choice picks them in the stored order.
      const count = new Map<string, number>();
      for (let x = 0; x < entries.length; x++) {
        const value = (e: { file: string; s: number }) => e.s * (1 - penalty * (count.get(e.file) ?? 0));
        for (let y = x + 1; y < entries.length; y++) expect(value(entries[x])).toBeGreaterThanOrEqual(value(entries[y]) - 1e-5);
        if (x > 0 && entries[x].s > entries[x - 1].s + 1e-6) reordered++;
        count.set(entries[x].file, (count.get(entries[x].file) ?? 0) + 1);
      }
    }
    // The re-ranking does move entries (a list in plain score order would pass the check above trivially).
    expect(reordered).toBeGreaterThan(0);
  });

  it('stores each record\'s key terms strongest first, at most 40, each a distinct term', async () => {
    const data = (await seedSnapshot()).similar!;
    let records = 0;
    for (let i = 0; i + 1 < data.termStart.length; i++) {
      const a = data.termStart[i];
      const b = data.termStart[i + 1];
      if (b > a) records++;
      expect(b - a).toBeLessThanOrEqual(DEFAULT_SIMILAR_OPTIONS.keyTerms);
      for (let t = a + 1; t < b; t++) expect(data.termWeights[t]).toBeLessThanOrEqual(data.termWeights[t - 1]);
      expect(new Set(data.termIds.subarray(a, b)).size).toBe(b - a);
    }
    expect(records).toBeGreaterThan(200);
  });

  it('serves the lists stored in the snapshot, which survive the binary container as typed arrays', async () => {
    const body = await seedSnapshot();
    expect(body.similar!.all.ids).toBeInstanceOf(Uint32Array);
    const loaded = parseSnapshot(serializeSnapshot(body));
    expect(loaded.similar!.all.ids).toBeInstanceOf(Uint32Array);
    expect(Array.from(loaded.similar!.otherRegions.ids)).toEqual(Array.from(body.similar!.otherRegions.ids));
    const a = new SearchService(loaded);
    const b = await seedService();
    const id = body.records[10].id;
    expect(a.similar(id, 10, 'other-regions')).toEqual(b.similar(id, 10, 'other-regions'));
    // Built the same way twice, the lists are identical (the payload stays reproducible).
    expect(Array.from(listsFor(body).all.ids)).toEqual(Array.from(body.similar!.all.ids));
  });

  it('builds the same lists when a worker thread reads part of the texts and finds part of the candidates and lists', async () => {
    const body = await seedSnapshot();
    const info = {} as SimilarBuildInfo;
    const two = buildSimilar(body, {}, { workers: 1, threads: similarThreads, info });
    // Without threads the build runs in this thread alone (workers 0).
    const one = listsFor(body);
    // The worker did answer (a worker that fails is replaced by this thread, which would pass the comparison alone).
    expect(info.parallel).toMatchObject({ merged: true, candidates: true, lists: true });
    expect(info.parallel!.workerShare).toBeGreaterThan(0);
    for (const scope of ['all', 'otherRegions'] as const) {
      expect(Array.from(two[scope].ids)).toEqual(Array.from(one[scope].ids));
      expect(Array.from(two[scope].scores)).toEqual(Array.from(one[scope].scores));
    }
    expect(two.terms).toEqual(one.terms);
    expect(Array.from(two.termIds)).toEqual(Array.from(one.termIds));
    expect(Array.from(two.termWeights)).toEqual(Array.from(one.termWeights));
  });

  it('builds the same lists when its workers never take a chunk: the build thread claims them all and reads the reading worker\'s share itself', async () => {
    const body = await seedSnapshot();
    // Without threads the build runs in this thread alone (workers 0).
    const one = listsFor(body);
    // A worker that takes its jobs and never claims any of the work (started late, stuck behind a loaded machine).
    const idle: SimilarWorker = { features: () => undefined, workerMs: () => 0, candidates: () => true, candidatesFailed: () => false, lists: () => true, listsFailed: () => false, stop: () => {} };
    const allIdle: SimilarThreads = { start: () => idle };
    // A real reading worker, and a ranking worker that never claims a chunk of candidates or lists.
    const idleRanker: SimilarThreads = { start: (job) => (job.role === 'read' ? similarThreads.start(job) : idle) };
    for (const threads of [allIdle, idleRanker]) {
      const info = {} as SimilarBuildInfo;
      const two = buildSimilar(body, {}, { workers: 1, threads, info });
      expect(info.parallel!.merged).toBe(threads === idleRanker);
      if (threads === idleRanker) expect(info.parallel).toMatchObject({ candidates: true, lists: true, candidateShare: 0, listShare: 0 });
      for (const scope of ['all', 'otherRegions'] as const) {
        expect(Array.from(two[scope].ids)).toEqual(Array.from(one[scope].ids));
        expect(Array.from(two[scope].scores)).toEqual(Array.from(one[scope].scores));
      }
      expect(two.terms).toEqual(one.terms);
      expect(Array.from(two.termIds)).toEqual(Array.from(one.termIds));
    }
  });

  it('reports a share of 1 for a ranking worker that ran every chunk made, though the seeds make fewer than 64 chunks', async () => {
    const body = await seedSnapshot();
    // The real ranking worker, handed each pass and then waited for until it has run every chunk, so the build
    // thread finds none left to claim.
    const made: number[] = [];
    const waitForAll = (asked: boolean, chunks: Chunks, failed: () => boolean) => {
      made.push(chunks.count);
      for (let c = 0; asked && c < chunks.count; c++) while (Atomics.load(chunks.state, 1 + c) === 0 && !failed()) Atomics.wait(chunks.state, 1 + c, 0, 100);
      return asked;
    };
    const greedy = (worker: SimilarWorker): SimilarWorker => ({
      ...worker,
      candidates: (data, chunks) => waitForAll(worker.candidates(data, chunks), chunks, worker.candidatesFailed),
      lists: (data, chunks) => waitForAll(worker.lists(data, chunks), chunks, worker.listsFailed),
    });
    const threads: SimilarThreads = { start: (job) => (job.role === 'rank' ? greedy(similarThreads.start(job)) : similarThreads.start(job)) };
    const info = {} as SimilarBuildInfo;
    buildSimilar(body, {}, { workers: 1, threads, info });
    expect(made).toHaveLength(2);
    for (const count of made) expect(count).toBeLessThan(64);
    expect(info.parallel).toMatchObject({ candidates: true, lists: true, candidateShare: 1, listShare: 1 });
  });

  it('selects the strongest entries as a full sort would: weight descending, ties to the lower id, at most the limit (with many ties)', () => {
    const strongest = new Strongest();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 300 }), fc.integer({ min: 0, max: 130 }), (weights, limit) => {
        const w = Float64Array.from(weights, (x) => x / 4);
        const ids = Int32Array.from(weights, (_, x) => (x * 7919) % 10007);
        const got = Array.from(strongest.select(w, w.length, limit, (a, b) => ids[a] < ids[b]));
        const sorted = weights.map((_, x) => x).sort((a, b) => w[b] - w[a] || ids[a] - ids[b]).slice(0, limit);
        expect(got).toEqual(sorted);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a text with a lone surrogate in the worker exactly as in the build thread (a quoted slogan keeps its code units)', async () => {
    const seeds = await seedSnapshot();
    const slogan = '跨境\uD800通关';
    // Two reforms from the later half, which the worker reads, print the damaged slogan.
    const records = seeds.records.map((r, i) => (i === seeds.records.length - 1 || i === seeds.records.length - 40 ? { ...r, content: `${r.content ?? ''}实行“${slogan}”模式。` } : r));
    const body = { ...seeds, records };
    const info = {} as SimilarBuildInfo;
    const two = buildSimilar(body, {}, { workers: 1, threads: similarThreads, info });
    const one = buildSimilar(body, {}, { workers: 0 });
    expect(info.parallel).toMatchObject({ merged: true });
    expect(one.terms).toContain(slogan);
    expect(two.terms).toEqual(one.terms);
    expect(Array.from(two.all.ids)).toEqual(Array.from(one.all.ids));
  });

  it('tells a build thread blocked in Atomics.wait that a worker module cannot load (flag slot 0 set to 2), so the build gives it up at once', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(16));
    const worker = startModuleWorker(new URL('../indexer/no-such-similar-worker.ts', import.meta.url), { workerData: { flag } });
    const errored = new Promise((resolve) => worker.once('error', resolve));
    const t0 = performance.now();
    // As similar-threads waits: synchronously, so the worker's error event cannot be what wakes it.
    while (Atomics.load(flag, 0) === 0 && performance.now() - t0 < 20_000) Atomics.wait(flag, 0, 0, 100);
    expect(Atomics.load(flag, 0)).toBe(2);
    expect(String(await errored)).toMatch(/no-such-similar-worker/);
  });

  it('reads the kind of authority from a department without its place: the seeds\' customs offices all meet as 海关, two provinces\' housing departments as one', async () => {
    const body = await seedSnapshot();
    const departments = [...new Set(body.records.flatMap((r) => r.departments))];
    // The places the seeds print before 市 (青岛市, 济南市); 大连 and 沈阳 never are, yet 大连海关 is still a customs office.
    const kinds = authorityKinds(departments, [...PROVINCES, '青岛', '济南']);
    for (const customs of ['青岛海关', '济南海关', '大连海关', '沈阳海关']) {
      expect(departments).toContain(customs);
      expect(kinds.get(customs)).toBe('海关');
    }
    const housing = departments.filter((d) => d.endsWith('住房和城乡建设厅'));
    expect(housing).toEqual(expect.arrayContaining(['山东省住房和城乡建设厅', '辽宁省住房和城乡建设厅']));
    expect(new Set(housing.map((d) => kinds.get(d)))).toEqual(new Set(['住房和城乡建设厅']));
    for (const [, kind] of kinds) for (const p of PROVINCES) expect(kind).not.toContain(p);
  });
});

describe('the judged set\'s dev folds (bench/similar-dev.ts)', () => {
  it('splits the dev half into two folds, alternating within each seed document, that together hold every dev source and no test source', async () => {
    const { devFolds, loadJudged } = await import('../bench/similar-eval.js');
    const judged = loadJudged();
    const { a, b, dev } = devFolds(judged);
    const ids = (xs: { id: string }[]) => xs.map((s) => s.id);
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.every((s) => s.half === 'dev')).toBe(true);
    expect([...ids(a), ...ids(b)].sort()).toEqual(ids(judged.filter((s) => s.half === 'dev')).sort());
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    for (const file of new Set(dev.map((s) => s.file))) {
      const inFile = dev.filter((s) => s.file === file);
      inFile.forEach((s, n) => expect((n % 2 === 0 ? a : b).includes(s)).toBe(true));
    }
    // Both folds reach every document with two or more dev sources, so neither fold is one document's topics alone.
    const files = (xs: { file: string }[]) => new Set(xs.map((s) => s.file));
    for (const file of files(dev)) if (dev.filter((s) => s.file === file).length >= 2) expect(files(a).has(file) && files(b).has(file)).toBe(true);
  });

  it('names seed records only, never judges a source\'s own printings, and holds each reform as a source once, so no dev source is a printing of a test source', async () => {
    const { checkJudged, loadJudged } = await import('../bench/similar-eval.js');
    const judged = loadJudged();
    const body = await seedSnapshot();
    expect(() => checkJudged(judged, body.records)).not.toThrow();
    const group = reformsOf(body.records);
    const reformOf = new Map(body.records.map((r, i) => [r.id, group[i]]));
    const sources = judged.map((s) => reformOf.get(s.id)!);
    expect(new Set(sources).size).toBe(sources.length);
    for (const s of judged) {
      const judgedReforms = s.relevant.map((r) => reformOf.get(r.id)!);
      expect(judgedReforms).not.toContain(reformOf.get(s.id));
      // One judgement per reform: a second printing judged again would count the reform twice in the ideal ranking.
      expect(new Set(judgedReforms).size).toBe(judgedReforms.length);
      expect(s.relevant.every((r) => r.grade === 1 || r.grade === 2)).toBe(true);
    }
    // Every group of added dev sources is dev only, and the test half keeps its 29 sources.
    expect(judged.filter((s) => s.added).every((s) => s.half === 'dev')).toBe(true);
    expect(judged.filter((s) => s.half === 'test').length).toBe(29);
  });

  it('holds the judging pool of every pool-judged dev source and of no other, each judged reform in it; a reform outside it counts as never judged and the condensed figure drops it; an id the corpus lacks is skipped', async () => {
    const { evaluateSimilar, loadJudged, loadPools, poolBias } = await import('../bench/similar-eval.js');
    const pools = loadPools();
    const pooled = loadJudged().filter((s) => s.half === 'dev' && (s.added === 'grown' || s.added === 'regrown' || s.added === 'extended'));
    expect([...pools.keys()].sort()).toEqual(pooled.map((s) => s.id).sort());
    const body = await seedSnapshot();
    const group = reformsOf(body.records);
    const index = new Map(body.records.map((r, i) => [r.id, i]));
    const reformOf = (id: string) => group[index.get(id)!];
    for (const s of pooled) {
      const pool = [...pools.get(s.id)!];
      expect(pool.every((id) => index.has(id)), s.title).toBe(true);
      const reforms = pool.map(reformOf);
      expect(new Set(reforms).size, s.title).toBe(pool.length);
      expect(reforms).not.toContain(reformOf(s.id));
      for (const r of s.relevant) expect(reforms, `${s.title} → ${r.title}`).toContain(reformOf(r.id));
    }
    // The judged reforms best first, then the rest of the pool: nothing unjudged, the ideal list. A reform outside the
    // pool put first costs the plain figure its first place and leaves the condensed one as it was.
    const sources = pooled.filter((s) => s.added === 'grown');
    const ideal = (id: string) => {
      const s = sources.find((x) => x.id === id)!;
      const judged = [...s.relevant].sort((a, b) => b.grade - a.grade).map((r) => r.id);
      return [...judged, ...[...pools.get(id)!].filter((x) => !judged.some((j) => reformOf(j) === reformOf(x)))];
    };
    const outside = (id: string) => body.records.find((r) => r.id !== id && reformOf(r.id) !== reformOf(id) && ![...pools.get(id)!].some((x) => reformOf(x) === reformOf(r.id)))!.id;
    const lead = (id: string) => [outside(id), ...ideal(id)];
    const clean = poolBias(sources, body.records, ideal, pools);
    expect(clean.unjudged).toBe(0);
    expect(clean.condensed).toBeCloseTo(1, 9);
    const led = poolBias(sources, body.records, lead, pools);
    expect(led.unjudged).toBeCloseTo(1 / 10, 9);
    expect(led.condensed).toBeCloseTo(1, 9);
    expect(evaluateSimilar(sources, body.records, lead).dev.ndcg).toBeLessThan(0.9);
    // Ids this corpus does not hold are skipped, as evaluateSimilar skips them: neither unjudged nor taking a place.
    const ghosts = poolBias(sources, body.records, (id) => ['no-such-record', 'nor-this-one', ...ideal(id)], pools);
    expect(ghosts.unjudged).toBe(0);
    expect(ghosts.condensed).toBeCloseTo(1, 9);
  });

  it('refuses a judged set whose added group the harness does not know, or that marks a test source as added, naming the source', async () => {
    const { ADDED_GROUPS, checkJudged, loadJudged } = await import('../bench/similar-eval.js');
    const judged = loadJudged();
    const body = await seedSnapshot();
    // Every group the judged set uses is one the harness prints and its rule asks about.
    expect(new Set(judged.flatMap((s) => (s.added ? [s.added] : [])))).toEqual(new Set(ADDED_GROUPS));
    const dev = judged.find((s) => s.added === 'extended')!;
    const misspelt = judged.map((s) => (s === dev ? { ...s, added: 'extnded' as never } : s));
    expect(() => checkJudged(misspelt, body.records)).toThrow(dev.id);
    const test = judged.find((s) => s.half === 'test')!;
    const addedTest = judged.map((s) => (s === test ? { ...s, added: 'extended' as const } : s));
    expect(() => checkJudged(addedTest, body.records)).toThrow(test.id);
  });

  it('tells a dev gain from noise: the paired interval of the per-source differences holds their mean, is repeatable, is nil for unchanged lists and narrows to the shift when every source gains alike', async () => {
    const { devFolds, evaluateSimilar, loadJudged, pairedInterval } = await import('../bench/similar-eval.js');
    const { servedRanker } = await import('../bench/similar.js');
    const body = await seedSnapshot();
    const { dev } = devFolds(loadJudged());
    const normalizer = new Normalizer(body.analysis.t2s);
    const perSource = (o: Partial<typeof DEFAULT_SIMILAR_OPTIONS>) =>
      evaluateSimilar(dev, body.records, servedRanker(body, listsFor(body, o), (t) => normalizer.plain(t))).perSource.map((p) => p.ndcg);
    const shipped = perSource({});
    // Lists without the second-order part: some sources gain, some lose.
    const first = perSource({ feedback: 0 });
    const deltas = first.map((x, i) => x - shipped[i]);
    expect(deltas.some((d) => d > 0.005) && deltas.some((d) => d < -0.005)).toBe(true);
    const ci = pairedInterval(deltas);
    expect(ci.mean).toBeCloseTo(first.reduce((a, b) => a + b, 0) / dev.length - shipped.reduce((a, b) => a + b, 0) / dev.length, 9);
    expect(ci.low).toBeLessThanOrEqual(ci.mean);
    expect(ci.high).toBeGreaterThanOrEqual(ci.mean);
    expect(ci.high - ci.low).toBeGreaterThan(0);
    expect(pairedInterval(deltas)).toEqual(ci);
    expect(pairedInterval(shipped.map(() => 0))).toEqual({ mean: 0, low: 0, high: 0 });
    const even = pairedInterval(shipped.map(() => 0.01));
    expect(even.low).toBeCloseTo(0.01, 9);
    expect(even.high).toBeCloseTo(0.01, 9);
  });
});
