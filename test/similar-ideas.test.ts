import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDictionaries } from '../indexer/build.js';
import { buildSimilar } from '../indexer/similar.js';
import { IdeaMatcher, parseIdeas } from '../indexer/similar-ideas.js';
import { SearchService } from '../search/service.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { DICT, SEEDS, seedService, seedSnapshot } from './helpers.js';
import { buildInSharedProcess } from './shared-build.js';

/** The titles a record's stored similar list (scope all) shows, best first. */
function listed(body: Awaited<ReturnType<typeof seedSnapshot>>, data: ReturnType<typeof buildSimilar>, source: number, n = 10): string[] {
  return Array.from(data.all.ids.subarray(source * data.k, source * data.k + n)).filter(Boolean).map((v) => body.records[v - 1].title);
}

describe('reform mechanism classes (dict/ideas.txt) in the similar lists', () => {
  it('parses the shipped file without a warning, into 30 or more classes of at least two names each', () => {
    const { classes, warnings } = parseIdeas(readFileSync(join(DICT, 'ideas.txt'), 'utf8'));
    expect(warnings).toEqual([]);
    expect(classes.length).toBeGreaterThanOrEqual(30);
    for (const [, terms] of classes) expect(terms.length).toBeGreaterThanOrEqual(2);
  });

  it('skips a malformed line of ideas.txt with a warning naming its line, and keeps the rest', () => {
    const text = '\uFEFF# mechanisms\r\nrelease-first: 先放后检 附条件提离\r\n\r\nno colon here\r\nBad Name: 容缺受理\r\njoint: 联合查验 x1 一次查验\r\nrelease-first: 两段准入\r\nempty: 一\r\n';
    const { classes, warnings } = parseIdeas(text);
    expect(classes).toEqual([
      ['release-first', ['先放后检', '附条件提离']],
      ['joint', ['联合查验', '一次查验']],
    ]);
    expect(warnings.map((w) => w.line)).toEqual([4, 5, 6, 7, 8, 8]);
    expect(warnings[2].message).toMatch(/term "x1"/);
    expect(warnings[3].message).toMatch(/defined again/);
    expect(warnings[5].message).toMatch(/no term/);
  });

  it('skips, naming the line, a term the similar lists could never find because its run of text would end inside it', () => {
    // 々 (U+3005) and 𠮷 (outside the basic plane) are Han script, but the reader ends a run of text at them.
    const { classes, warnings } = parseIdeas('# x\nrelease-first: 先放后检 人々 𠮷野 附条件提离 〇元\n');
    expect(classes).toEqual([['release-first', ['先放后检', '附条件提离', '〇元']]]);
    expect(warnings.map((w) => [w.line, w.message.match(/term "([^"]+)"/)?.[1]])).toEqual([
      [2, '人々'],
      [2, '𠮷野'],
    ]);
    const m = new IdeaMatcher(classes);
    for (const [, terms] of classes) for (const t of terms) expect(m.match(`改革${t}试点`)).toEqual([0]);
  });

  it('finds every class a run of text prints, each once, including names that overlap', () => {
    const m = new IdeaMatcher([
      ['release', ['先放后检', '附条件提离']],
      ['inspect', ['后检', '联合查验']],
    ]);
    expect(m.match('进口原油先放后检监管')).toEqual([0, 1]);
    expect(m.match('冰鲜水产品附条件提离附条件提离')).toEqual([0]);
    expect(m.match('保税展销')).toEqual([]);
  });

  it('names, for any text, each class printed and the first of its names there, across punctuation and Latin letters', () => {
    const m = new IdeaMatcher([
      ['release', ['先放后检', '附条件提离', '附条件放行']],
      ['inspect', ['后检', '联合查验']],
    ]);
    expect([...m.named('实行“附条件放行”，即先放后检；ABC联合查验')]).toEqual([[0, '附条件放行'], [1, '后检']]);
    expect([...m.named('保税展销 KEY')]).toEqual([]);
    // Terms of several lengths from one start: the longer one is found where the shorter one is not printed.
    expect([...m.named('附条件提离')]).toEqual([[0, '附条件提离']]);
  });

  it('names a class by the longest of its terms printed where several start at one place (启运港退税, not 启运港 inside it)', () => {
    const m = new IdeaMatcher([['departure-port-refund', ['启运港', '启运港退税', '离境港退税']]]);
    expect([...m.named('实施启运港退税政策')]).toEqual([[0, '启运港退税']]);
    // Where only the shorter is printed, it is the name; the first place printed still decides.
    expect([...m.named('启运港出发，启运港退税')]).toEqual([[0, '启运港']]);
    expect(m.match('实施启运港退税政策')).toEqual([0]);
  });

  it('stores the classes normalised in the snapshot, where a snapshot read back from its bytes still has them (a traditional name stored simplified)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ideas-'));
    try {
      for (const f of ['userdict.txt', 'synonyms.txt', 'stopwords.txt']) copyFileSync(join(DICT, f), join(dir, f));
      // The shipped file with two names of one class printed in traditional characters.
      const shipped = readFileSync(join(DICT, 'ideas.txt'), 'utf8');
      expect(shipped).toMatch(/release-before-inspection: 先放后检 附条件提离 /);
      writeFileSync(join(dir, 'ideas.txt'), shipped.replace('release-before-inspection: 先放后检 附条件提离 ', 'release-before-inspection: 先放後檢 附條件提離 '));
      const built = await buildInSharedProcess({ seedsDir: SEEDS, dictDir: dir });
      const read = parseSnapshot(serializeSnapshot(built.body));
      const ideas = read.dictionary.ideas ?? [];
      expect(ideas.length).toBeGreaterThanOrEqual(30);
      const release = ideas.find(([name]) => name === 'release-before-inspection')?.[1] ?? [];
      expect(release.slice(0, 2)).toEqual(['先放后检', '附条件提离']);
      expect(ideas.flatMap(([, terms]) => terms).join(' ')).not.toMatch(/[後檢條離]/);
      // …so the bytes carry what the shipped, simplified file gives.
      expect(ideas).toEqual((await seedSnapshot()).dictionary.ideas);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists 打造“旅游+新零售”跨境购物 for the bonded display-and-sale reform “链上自贸”保税展销, which it did not without the classes', async () => {
    const body = await seedSnapshot();
    const source = body.records.findIndex((r) => r.title.startsWith('“链上自贸”保税展销'));
    expect(source).toBeGreaterThanOrEqual(0);
    const target = '打造“旅游+新零售”跨境购物新模式';
    // The two say the idea in different words: 保税展销 against 展示选购 (bonded goods shown in a store, bought online).
    expect(body.records.find((r) => r.title === target)!.content).toMatch(/展示选购/);
    expect(body.records.find((r) => r.title === target)!.content).not.toMatch(/保税展销/);
    expect(listed(body, buildSimilar(body, { ideaWeight: 0 }), source)).not.toContain(target);
    expect(listed(body, buildSimilar(body), source, 5)).toContain(target);
  });

  it('ranks the blending of bonded ore (混矿) higher for the blending of bonded crude (混兑) than without the classes', async () => {
    const body = await seedSnapshot();
    const source = body.records.findIndex((r) => r.title === '保税原油混兑调和业务新模式');
    expect(source).toBeGreaterThanOrEqual(0);
    const ore = (titles: string[]) => titles.findIndex((t) => t.includes('混矿'));
    const without = ore(listed(body, buildSimilar(body, { ideaWeight: 0 }), source, 20));
    const shipped = ore(listed(body, buildSimilar(body), source, 20));
    expect(shipped).toBeGreaterThanOrEqual(0);
    expect(shipped).toBeLessThan(3);
    expect(without === -1 || without > shipped).toBe(true);
  });

  it('leaves search untouched: every query naming a mechanism answers the same whether the snapshot carries the classes or not', async () => {
    const body = await seedSnapshot();
    const withClasses = await seedService();
    const without = new SearchService({ ...body, dictionary: { ...body.dictionary, ideas: undefined } });
    const page = (svc: SearchService, q: string) => svc.search({ q, size: 20 }).hits.map((h) => [h.id, h.score]);
    for (const q of ['附条件提离', '先放后检', '展示选购', '保税展销', '混矿', '集约办理', '容缺受理']) {
      expect(page(withClasses, q)).toEqual(page(without, q));
    }
    // …and a query for one name of a class does not bring a record that prints only another name of it.
    const display = withClasses.search({ q: '展示选购', size: 50 }).hits.map((h) => h.title);
    expect(display.some((t) => t.includes('保税展销'))).toBe(false);
  });

  it('builds from a dictionary folder without ideas.txt, saying so among the warnings, and versions the dictionaries by the ideas.txt read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ideas-'));
    try {
      for (const f of ['userdict.txt', 'synonyms.txt', 'stopwords.txt']) copyFileSync(join(DICT, f), join(dir, f));
      const without = await readDictionaries(dir);
      expect(without.ideas).toEqual([]);
      expect(without.warnings).toEqual([{ file: 'ideas.txt', message: expect.stringMatching(/not found.*without mechanism classes/) }]);
      writeFileSync(join(dir, 'ideas.txt'), 'release-first: 先放后检 附条件提离\nbroken line\n');
      const withFile = await readDictionaries(dir);
      expect(withFile.ideas).toEqual([['release-first', ['先放后检', '附条件提离']]]);
      expect(withFile.warnings).toEqual([{ file: 'ideas.txt', line: 2, message: expect.stringMatching(/expected "name: term/) }]);
      // The dictionary version names the ideas.txt it was built with: an edited file gives another version, and
      // the search dictionaries' own version stays.
      writeFileSync(join(dir, 'ideas.txt'), 'release-first: 先放后检 附条件提离 两段准入\nbroken line\n');
      const edited = await readDictionaries(dir);
      expect(new Set([without.version, withFile.version, edited.version]).size).toBe(3);
      expect(edited.synonymsVersion).toBe(withFile.synonymsVersion);
      expect((await readDictionaries(dir)).version).toBe(edited.version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
