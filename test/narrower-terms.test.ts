/**
 * Narrower terms (dict/synonyms.txt's `broad > narrow …` lines): a query for a broad term also finds records about its
 * kinds, below the records that name it; never the other way round.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNarrower, parseSynonyms, type DictionaryWarning } from '../analysis/dictionary.js';
import { readDictionaries } from '../indexer/build.js';
import { SearchService } from '../search/service.js';
import { DICT, seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

const text = (id: string) => {
  const r = service.records.find((x) => x.id === id)!;
  return [r.title, r.content, r.outcome, r.process, r.applicableTo].join(' ');
};

describe('narrower terms widen a broad word to its kinds', () => {
  it('汽车出口 finds the reforms on 整车出口 and 二手车出口, after the record that prints 汽车出口, and not as partial matches', () => {
    const hits = service.search({ q: '汽车出口', size: 10, collapse: false }).hits;
    const ids = hits.map((h) => h.id);
    expect(text(ids[0])).toContain('汽车出口');
    const whole = hits.find((h) => h.title.includes('整车出口'));
    const used = hits.find((h) => h.title.includes('二手车出口'));
    expect(whole).toBeDefined();
    expect(used).toBeDefined();
    // They hold a kind of the word: they do not lack it.
    expect(whole!.missing).toEqual([]);
    expect(used!.missing).toEqual([]);
    expect(ids.indexOf(whole!.id)).toBeGreaterThan(0);
    // Before every record that has only 汽车 or only 出口.
    const firstPartial = hits.findIndex((h) => h.missing.length > 0);
    expect(firstPartial === -1 || firstPartial > Math.max(ids.indexOf(whole!.id), ids.indexOf(used!.id))).toBe(true);
  });

  it('药品 finds the 中医药 reforms through the narrower term 中药, though they never print 药品', () => {
    const hits = service.search({ q: '药品', size: 20, collapse: false }).hits;
    expect(hits.some((h) => h.title.includes('中医药') && !text(h.id).includes('药品'))).toBe(true);
  });

  it('widens one way only: 二手车 finds no record that says 汽车 without 二手车', () => {
    const hits = service.search({ q: '二手车', size: 50, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(text(h.id)).toMatch(/二手车|旧机动车/);
  });

  it('a record printing the broad word itself outranks one holding only a kind of it (汽车 beside 整车, 二手车)', () => {
    const hits = service.search({ q: '汽车', size: 100, collapse: false }).hits;
    expect(text(hits[0].id)).toContain('汽车');
    const kindOnly = hits.findIndex((h) => !text(h.id).includes('汽车') && /整车|二手车/.test(text(h.id)));
    expect(kindOnly).toBeGreaterThan(0);
    expect(hits[kindOnly].missing).toEqual([]);
  });

  it('a broad term stays one word inside a sentence though the corpus never prints it alone: 事业单位改制成企业 finds the 事转企 reform that never says 改制', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    // The premises: 事转企 is a kind of 改制, and the seeds print 改制 only inside 转企改制.
    expect(parseNarrower(dict).find(([b]) => b === '改制')?.[1]).toContain('事转企');
    expect(service.records.filter((r) => text(r.id).includes('改制')).length).toBeLessThan(10);
    const analysis = service.engine.analyse('事业单位改制成企业');
    const words = analysis.groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).toContain('改制');
    const hits = service.search({ q: '事业单位改制成企业', size: 10, collapse: false }).hits;
    const kindOnly = hits.filter((h) => text(h.id).includes('事转企') && !text(h.id).includes('改制'));
    expect(kindOnly.length).toBeGreaterThan(0);
  });

  it('a word the corpus prints on a page of records or more is not widened: 融资 finds no record that lacks it, though 贷款 is a kind of it', () => {
    const hits = service.search({ q: '融资', size: 200, collapse: false }).hits;
    expect(hits.length).toBeGreaterThanOrEqual(10);
    for (const h of hits) expect(text(h.id)).toContain('融资');
    // Nor highlighted: the snippet marks only 融资.
    for (const h of hits) for (const m of h.highlight.snippet.matchAll(/<mark>(.*?)<\/mark>/g)) expect(m[1]).not.toMatch(/贷款|信贷/);
  });

  it('a broad word’s equivalents share its kinds, and a kind’s equivalents are kinds too: 特殊监管区 finds the records that print only 综保区', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    const groups = parseSynonyms(dict);
    const equivalents = (w: string) => groups.find((g) => g.includes(w)) ?? [w];
    const kinds = parseNarrower(dict).find(([b]) => b === '海关特殊监管区域')?.[1] ?? [];
    // The premises, from the thesaurus: 特殊监管区 means 海关特殊监管区域, a kind of which is 综合保税区, also written 综保区.
    expect(equivalents('海关特殊监管区域')).toContain('特殊监管区');
    expect(kinds).toContain('综合保税区');
    expect(equivalents('综合保税区')).toContain('综保区');
    const ids = service.records.map((r) => r.id);
    const saying = (forms: string[]) => ids.filter((id) => forms.some((f) => text(id).includes(f)));
    const broad = equivalents('海关特殊监管区域');
    // Records naming a kind (in any of its forms) without naming the broad word in any of its forms.
    const kindOnly = saying(kinds.flatMap(equivalents)).filter((id) => !saying(broad).includes(id));
    // Some print only the kind's short form, never 综合保税区 itself.
    const shortOnly = kindOnly.filter((id) => text(id).includes('综保区') && !text(id).includes('综合保税区'));
    expect(shortOnly.length).toBeGreaterThanOrEqual(3);
    for (const q of broad) {
      const hits = service.search({ q, size: 100, collapse: false }).hits;
      for (const id of kindOnly) {
        const hit = hits.find((h) => h.id === id);
        expect(hit, `${q} → ${id}`).toBeDefined();
        // Found through a kind of the word: it does not lack it.
        expect(hit!.missing).toEqual([]);
      }
    }
  });

  it('a thesaurus term names one thing and is not narrowed through its last word: 中韩自由贸易协定 gets no kind (中韩RCEP), while the free compound 汽车出口 does', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    // The premise: the agreement is a thesaurus term, and its last word has kinds.
    expect(parseSynonyms(dict).some((g) => g.includes('中韩自由贸易协定'))).toBe(true);
    expect(parseNarrower(dict).find(([b]) => b === '自由贸易协定')?.[1]).toContain('RCEP');
    const kindsOf = (q: string) => service.engine.analyse(q).groups.flat().flatMap((cl) => cl.constraints.flatMap((c) => c.alternatives.filter((a) => a.kind).map((a) => a.text)));
    expect(kindsOf('中韩自由贸易协定')).toEqual([]);
    expect(kindsOf('汽车出口')).toContain('整车出口');
  });

  it('a thesaurus term is still narrowed through its first word, whose kinds make kinds of it (知识产权质押融资 → 专利质押融资)', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    const groups = parseSynonyms(dict);
    for (const term of ['知识产权质押融资', '船舶检验', '外商投资企业']) expect(groups.some((g) => g.includes(term)), term).toBe(true);
    const kindsOf = (q: string) => service.engine.analyse(q).groups.flat().flatMap((cl) => cl.constraints.flatMap((c) => c.alternatives.filter((a) => a.kind).map((a) => a.text)));
    expect(kindsOf('知识产权质押融资')).toEqual(expect.arrayContaining(['专利质押融资', '商标质押融资']));
    expect(kindsOf('船舶检验')).toContain('游艇检验');
    expect(kindsOf('外商投资企业')).toContain('外商独资企业');
  });

  it('a quoted phrase is never widened to narrower terms', () => {
    const hits = service.search({ q: '"汽车出口"', size: 50, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(text(h.id)).toContain('汽车出口');
  });
});

describe('a word widened to equivalents and kinds still finds only records that say it', () => {
  const fieldsOf = (id: string) => {
    const r = service.records.find((x) => x.id === id)!;
    return [r.title, r.content ?? '', r.outcome ?? '', r.process ?? '', r.applicableTo ?? ''];
  };

  it('特殊监管区 finds no record through its expansion’s words scattered over different fields (排污许可“1+1+N”: 特殊项目, 监管, 区域)', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    const broad = parseSynonyms(dict).find((g) => g.includes('特殊监管区'))!;
    const kinds = parseNarrower(dict).find(([b]) => b === '海关特殊监管区域')![1];
    const forms = [...broad, ...kinds, ...kinds.flatMap((k) => parseSynonyms(dict).find((g) => g.includes(k)) ?? [])];
    const hits = service.search({ q: '特殊监管区', size: 100, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(5);
    // The record that came back as a full match with nothing highlighted: its text holds 特殊, 监管 and 区域, one per field.
    const junk = fieldsOf('79c90300-89');
    for (const w of ['特殊', '监管', '区域']) expect(junk.join(' ')).toContain(w);
    expect(junk.some((f) => f.includes('特殊') && f.includes('区域'))).toBe(false);
    expect(hits.map((h) => h.id)).not.toContain('79c90300-89');
    // Every hit has one field that prints a form of the word or a kind, or holds the words of 特殊监管区域 together.
    for (const h of hits) {
      const ok = fieldsOf(h.id).some((f) => forms.some((w) => f.includes(w)) || ['特殊', '监管', '区域'].every((w) => f.includes(w)));
      expect(ok, h.id).toBe(true);
    }
  });

  it('通关一体化, which the seeds never print, is no full match of records that hold only 全国 of its expansion 全国通关一体化', () => {
    const all = service.records.map((r) => r.id);
    // The premises: neither form is printed, 全国 is.
    expect(all.filter((id) => text(id).includes('通关一体化'))).toEqual([]);
    expect(all.filter((id) => text(id).includes('全国')).length).toBeGreaterThan(5);
    const res = service.search({ q: '通关一体化', size: 100, collapse: false });
    // Records sharing a part of the word are found, each as a partial match (never a vacuous pass on no hits).
    expect(res.hits.length).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.missing, h.id).toEqual(['通关一体化']);
    // Records printing 全国 among them are partial too: 全国 of the expansion made them full matches before.
    const saying全国 = res.hits.filter((h) => text(h.id).includes('全国'));
    expect(saying全国.length).toBeGreaterThan(0);
    for (const h of saying全国) expect(h.missing, h.id).toEqual(['通关一体化']);
  });

  // Queries of neither judged half (bench/queries.*.json): the ranking is checked, not tuned, here.
  it('海关特殊监管区域 ranks every record printing it or an equivalent (特殊监管区) above every record that prints only a kind (综合保税区, 综保区)', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    const broad = parseSynonyms(dict).find((g) => g.includes('海关特殊监管区域'))!;
    const kinds = parseNarrower(dict).find(([b]) => b === '海关特殊监管区域')![1];
    const kindForms = [...kinds, ...kinds.flatMap((k) => parseSynonyms(dict).find((g) => g.includes(k)) ?? [])];
    const hits = service.search({ q: '海关特殊监管区域', size: 100, collapse: false }).hits;
    const says = hits.map((h) => broad.some((w) => text(h.id).includes(w)));
    const lastSaying = says.lastIndexOf(true);
    const firstKindOnly = hits.findIndex((h, i) => !says[i] && kindForms.some((k) => text(h.id).includes(k)));
    expect(lastSaying).toBeGreaterThanOrEqual(0);
    expect(firstKindOnly).toBeGreaterThan(0);
    // Records found through the words of the expansion (海关特殊区域监管系统) also say it, in other words.
    const kindOnlyBefore = hits.slice(0, lastSaying).filter((h, i) => !says[i] && !fieldsOf(h.id).some((f) => ['特殊', '区域'].every((w) => f.includes(w))));
    expect(kindOnlyBefore.map((h) => h.id)).toEqual([]);
  });

  it('并联审批 finds no record through one word of its equivalent 并联办理: 进口原油“先放后检” prints only 并联 (串联调整为并联)', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    // The premises: 并联办理 is an equivalent of 并联审批, and the 原油 record prints 并联 in a field without 办理 or 审批.
    expect(parseSynonyms(dict).find((g) => g.includes('并联审批'))).toContain('并联办理');
    const oil = fieldsOf('79c90300-46');
    expect(oil.some((f) => f.includes('并联'))).toBe(true);
    expect(oil.some((f) => f.includes('并联') && (f.includes('办理') || f.includes('审批')))).toBe(false);
    const hits = service.search({ q: '并联审批', size: 100, collapse: false }).hits;
    expect(hits.filter((h) => h.missing.length === 0).length).toBeGreaterThan(3);
    expect(hits.map((h) => h.id)).not.toContain('79c90300-46');
    // Every full match holds 并联 with 审批 or 办理 in one field: one word of a phrase is not the phrase.
    for (const h of hits.filter((x) => x.missing.length === 0)) {
      const ok = fieldsOf(h.id).some((f) => f.includes('并联') && (f.includes('审批') || f.includes('办理')));
      expect(ok, h.id).toBe(true);
    }
  });
});

describe('a word lacking from the records is filled in by its broader terms beside another word of the query', () => {
  it('铁矿进口 brings in the 进口矿产品 reform after the records on 铁矿, listing 铁矿 as missing', () => {
    const dict = readFileSync(join(DICT, 'synonyms.txt'), 'utf8');
    // The premise, from the thesaurus: 铁矿 is a kind of 矿产品.
    expect(parseNarrower(dict).find(([b]) => b === '矿产品')?.[1]).toContain('铁矿');
    const res = service.search({ q: '铁矿进口', size: 10, collapse: false });
    const ids = res.hits.map((h) => h.id);
    const mineral = res.hits.find((h) => text(h.id).includes('进口矿产品') && !text(h.id).includes('铁矿'));
    expect(mineral).toBeDefined();
    expect(mineral!.missing).toEqual(['铁矿']);
    expect(res.partial).toBe(true);
    // Marked by what kept it: the broader term.
    expect(mineral!.highlight.title + mineral!.highlight.snippet).toMatch(/<mark>[^<]*矿产品[^<]*<\/mark>/);
    // After every record that says 铁矿.
    const lastIron = Math.max(...res.hits.filter((h) => /铁矿/.test(text(h.id))).map((h) => ids.indexOf(h.id)));
    expect(lastIron).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(mineral!.id)).toBeGreaterThan(lastIron);
  });

  it('活鱼出口 brings in the 鲜活水生动物出口 reform (live fish are live aquatic animals) after the record on 活鱼, listing 活鱼 as missing', () => {
    expect(parseNarrower(readFileSync(join(DICT, 'synonyms.txt'), 'utf8')).find(([b]) => b === '鲜活水生动物')?.[1]).toContain('活鱼');
    const res = service.search({ q: '活鱼出口', size: 10, collapse: false });
    const ids = res.hits.map((h) => h.id);
    const live = res.hits.filter((h) => h.title.includes('鲜活水生动物出口'));
    expect(live.length).toBeGreaterThan(0);
    for (const h of live) {
      expect(text(h.id)).not.toContain('活鱼');
      expect(h.missing).toEqual(['活鱼']);
    }
    const lastFish = Math.max(...res.hits.filter((h) => text(h.id).includes('活鱼')).map((h) => ids.indexOf(h.id)));
    expect(lastFish).toBeGreaterThanOrEqual(0);
    for (const h of live) expect(ids.indexOf(h.id)).toBeGreaterThan(lastFish);
  });

  it('a question counts them too: 二手车怎么出口 lists the 整车出口 reform, which lacks 二手车, after the 二手车出口 one', () => {
    const hits = service.search({ q: '二手车怎么出口', size: 10, collapse: false }).hits;
    expect(hits[0].missing).toEqual([]);
    expect(text(hits[0].id)).toContain('二手车');
    const whole = hits.find((h) => h.title.includes('整车出口'));
    expect(whole).toBeDefined();
    expect(whole!.missing).toEqual(['二手车']);
  });

  it('a common word alone never brings a record in: every record 铁矿进口 returns says 铁矿 or one of its broader terms', () => {
    const hits = service.search({ q: '铁矿进口', size: 100, collapse: false }).hits;
    for (const h of hits) expect(text(h.id)).toMatch(/铁矿|矿产品|大宗商品/);
  });

  it('a one-word query is not widened upwards: 铁矿 alone finds no record about 矿产品 in general', () => {
    const hits = service.search({ q: '铁矿', size: 100, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(text(h.id)).toMatch(/铁矿/);
  });

  it('a one-word query marks no broader term: the 散货船 hits lacking 散货船 never have 船舶 highlighted', () => {
    const broaderOf = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints).flatMap((c) => c.broader ?? []);
    // The premises: 船舶 is a broader term of 散货船 where the engine fills with it (beside another word), and some
    // 散货船 hits lack 散货船 but print 船舶, where a broader term would be marked.
    expect(broaderOf('散货船 出口')).toContain('船舶');
    expect(broaderOf('散货船')).toEqual([]);
    const lacking = service.search({ q: '散货船', size: 20, collapse: false }).hits.filter((h) => h.missing.includes('散货船'));
    expect(lacking.some((h) => text(h.id).includes('船舶'))).toBe(true);
    for (const h of lacking) expect(h.highlight.title + h.highlight.snippet).not.toMatch(/<mark>[^<]*船舶[^<]*<\/mark>/);
  });

  it('a description typed as a sentence of more than four words counts them too: the 知识产权证券化 reforms rank higher for 用专利和商标的未来收益打包发行资产支持产品在交易所融资, their 知识产权 marked, 专利 and 商标 still missing', () => {
    const q = '用专利和商标的未来收益打包发行资产支持产品在交易所融资';
    const broaderOf = (s: SearchService, query: string) => s.engine.analyse(query).groups.flat().flatMap((c) => c.constraints).flatMap((c) => c.broader ?? []);
    // The premises: 专利 and 商标 are kinds of 知识产权 in the thesaurus, and the sentence has more than four words.
    const narrower = parseNarrower(readFileSync(join(DICT, 'synonyms.txt'), 'utf8')).find(([b]) => b === '知识产权')?.[1];
    expect(narrower).toEqual(expect.arrayContaining(['专利', '商标']));
    expect(service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints).length).toBeGreaterThan(4);
    expect(broaderOf(service, q)).toContain('知识产权');
    const off = new SearchService(service.body, { broaderSentenceWords: 4 });
    expect(broaderOf(off, q)).toEqual([]);
    const rankOf = (s: SearchService) => {
      const hits = s.search({ q, size: 30, collapse: false }).hits;
      const i = hits.findIndex((h) => h.title === '知识产权证券化');
      return { i, hit: hits[i] };
    };
    const on = rankOf(service);
    const before = rankOf(off);
    expect(on.i).toBeGreaterThanOrEqual(0);
    expect(before.i === -1 || on.i < before.i).toBe(true);
    expect(on.hit.missing).toEqual(expect.arrayContaining(['专利', '商标']));
    expect(on.hit.highlight.title).toContain('<mark>知识产权</mark>');
  });

  it('a list of keywords keeps the four-word bound: 专利 商标 收益 发行 资产 融资 gets no broader term', () => {
    const broader = service.engine.analyse('专利 商标 收益 发行 资产 融资').groups.flat().flatMap((c) => c.constraints).flatMap((c) => c.broader ?? []);
    expect(broader).toEqual([]);
  });

  it('off when its weight is 0: 铁矿进口 then finds only the records that say 铁矿', async () => {
    const off = new SearchService(service.body, { broaderWeight: 0 });
    const hits = off.search({ q: '铁矿进口', size: 100, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(text(h.id)).toContain('铁矿');
  });
});

describe('the thesaurus file holds narrower lines apart from synonym groups', () => {
  it('parses `broad > narrow …` lines as narrower terms, merges repeated broad terms, and keeps them out of the synonym groups', () => {
    const sample = '船只 船舶\n汽车 > 整车 二手车  # kinds of car\n汽车 > 乘用车, 整车\n坏 > \n';
    expect(parseNarrower(sample)).toEqual([['汽车', ['整车', '二手车', '乘用车']]]);
    expect(parseSynonyms(sample)).toEqual([['船只', '船舶']]);
  });

  it('every narrower term of dict/synonyms.txt differs from its broad term and does not contain it (a substring is found anyway)', () => {
    const lines = parseNarrower(readFileSync(join(DICT, 'synonyms.txt'), 'utf8'));
    expect(lines.length).toBeGreaterThanOrEqual(20);
    for (const [broad, narrow] of lines) for (const n of narrow) expect(n.includes(broad), `${broad} > ${n}`).toBe(false);
  });

  it('a malformed narrower line is skipped with a warning naming its line number, and the good lines around it are kept', () => {
    const sample = ['# kinds', '汽车 > 整车', '> 整车', '汽车 卡车 > 整车', '药品 >', '药品 > 中药 > 中成药', '药品 > 疫苗', '船只 船舶'].join('\n');
    const warnings: DictionaryWarning[] = [];
    expect(parseNarrower(sample, warnings)).toEqual([['汽车', ['整车']], ['药品', ['疫苗']]]);
    expect(warnings.map((w) => w.line)).toEqual([3, 4, 5, 6]);
    expect(warnings[0].message).toMatch(/no broad term/);
    expect(warnings[1].message).toMatch(/several words before/);
    expect(warnings[2].message).toMatch(/no narrower term after "药品 >"/);
    expect(warnings[3].message).toMatch(/more than one `>`/);
    // The shipped thesaurus has no malformed line.
    const shipped: DictionaryWarning[] = [];
    parseNarrower(readFileSync(join(DICT, 'synonyms.txt'), 'utf8'), shipped);
    expect(shipped).toEqual([]);
  });

  it('a build reports the dictionary line it skipped among its warnings, as file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'narrower-'));
    try {
      for (const f of ['userdict.txt', 'stopwords.txt', 'ideas.txt']) copyFileSync(join(DICT, f), join(dir, f));
      writeFileSync(join(dir, 'synonyms.txt'), '\uFEFF船只 船舶\r\n\r\n汽车 > 整车\r\n> 二手车\r\n');
      const { dictionaries, warnings } = await readDictionaries(dir);
      expect(dictionaries.narrower).toEqual([['汽车', ['整车']]]);
      expect(warnings).toEqual([{ file: 'synonyms.txt', line: 4, message: expect.stringMatching(/no broad term/) }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the snapshot carries the narrower terms, so the server needs no dictionary file', () => {
    const narrower = service.engine.body.dictionary.narrower ?? [];
    expect(narrower.find(([b]) => b === '汽车')?.[1]).toContain('整车');
  });
});
