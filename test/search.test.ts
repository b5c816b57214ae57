import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import type { EngineOptions } from '../search/options.js';
import { reformGroups } from '../indexer/reform-groups.js';
import { TEXT_FIELDS } from '../indexer/schema.js';
import { FILES, seedService, seedSnapshot } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

/** Every matching record (copies not folded): most properties below are about records. */
const search = (q: string, size = 100) => service.search({ q, size, collapse: false });
const titles = (q: string, size = 100) => search(q, size).hits.map((h) => h.title);
const plain = (html: string) => html.replace(/<\/?mark>/g, '');
/** Units a record answers to (as printed and canonical): its own and, for a case collection that prints none, those of its copies. */
const unitNames = (id: string) => {
  const r = service.reform(id)!;
  return [...r.printedDepartments, ...r.departments];
};
const unitsOf = (id: string) => [...unitNames(id), ...service.reform(id)!.related.flatMap((x) => unitNames(x.id))];
/** Everything of a record that a query word can match. */
const searchable = (id: string) => {
  const r = service.reform(id)!;
  return [r.title, r.content, r.applicableTo, r.process, r.outcome, r.scope, r.category, r.section, r.regions.join(), unitsOf(id).join()].join('\n');
};
/** The records (all fields joined) that hold `text`, normalised the way the engine does. */
const holding = (text: string) => {
  const n = service.engine.analyzer.normalizer;
  return service.records.filter((r) => n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n')).includes(n.plain(text)));
};

describe('bar 1: a word inside a longer segmented word is found', () => {
  it('finds 退税 inside 留抵退税 and 出口退税', () => {
    const t = titles('退税');
    expect(t).toContain('增值税留抵退税确认制');
    expect(t).toContain('出口退税备案单证无纸化');
  });

  it('finds 工程 inside 在建工程 and 工程建设项目, and 承诺 inside 告知承诺制', () => {
    const ids = search('工程').hits.map((h) => h.id);
    for (const r of holding('在建工程')) expect(ids).toContain(r.id);
    expect(titles('工程')).toContain('工程建设项目“清单制+告知承诺制”审批改革');
    expect(titles('承诺')).toContain('工程建设项目“清单制+告知承诺制”审批改革');
  });

  it('finds every record that holds the word (recall equals a plain substring scan), before any partial match', () => {
    // (words without synonyms, which would widen the result on purpose)
    for (const w of ['退税', '在建工程', '承诺', '口岸', '区块链']) {
      // 在建工程 is not a corpus word: it is searched as 在建 + 工程, and records with only 在建 fill the page after it.
      const hits = search(w).hits;
      const whole = hits.filter((h) => h.missing.length === 0);
      expect(whole.map((h) => h.id).sort(), w).toEqual(holding(w).map((r) => r.id).sort());
      expect(hits.slice(0, whole.length).every((h) => h.missing.length === 0), w).toBe(true);
      expect(service.search({ q: w, size: 100, matching: 'all', collapse: false }).total, w).toBe(holding(w).length);
    }
  });

  it('finds a single Han character typed alone wherever it occurs, also at the end of a run (纳税 before a comma)', () => {
    const n = service.engine.analyzer.normalizer;
    const res = search('税');
    expect(res.total).toBe(service.records.filter((r) => n.plain(searchable(r.id)).includes('税')).length);
    expect(res.total).toBeGreaterThan(holding('税').length - 1);
  });
});

describe('bar 2: a query that is a title finds that title first', () => {
  it('ranks the record whose title was typed first, for every title of the corpus', () => {
    const misses: string[] = [];
    for (const r of service.records) {
      const top = search(r.title, 5).hits;
      // Copies of the same reform share a title: any of them first is right.
      const sameTitle = new Set(service.records.filter((x) => x.title === r.title).map((x) => x.id));
      if (!top[0] || !sameTitle.has(top[0].id)) misses.push(`${r.title} → ${top[0]?.title}`);
    }
    expect(misses).toEqual([]);
  });

  it('ranks a title typed loosely (words without quotes, out of order, spaced) near the top', () => {
    expect(titles('清单制 告知承诺制 工程建设项目', 2)).toContain('工程建设项目“清单制+告知承诺制”审批改革');
    expect(titles('智能表单 企业登记', 2)).toContain('企业登记“智能表单”新模式');
    expect(titles('留抵退税确认制', 2)).toContain('增值税留抵退税确认制');
  });
});

describe('bar 3: phrases, exclusions and several words', () => {
  it('matches a quoted phrase only where the exact adjacent text occurs', () => {
    const hits = search('"一网通办"').hits;
    expect(hits.length).toBe(holding('一网通办').length);
    expect(hits.length).toBeGreaterThan(0);
    // Both words appear apart in more records than the phrase does.
    expect(search('一网 通办').total).toBeGreaterThanOrEqual(hits.length);
  });

  it('excludes records with -word', () => {
    const all = search('退税').hits;
    const without = search('退税 -出口').hits;
    expect(without.length).toBeGreaterThan(0);
    expect(without.length).toBeLessThan(all.length);
    const n = service.engine.analyzer.normalizer;
    for (const h of without) {
      const r = service.reform(h.id)!;
      expect(n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome, r.departments.join()].join())).not.toContain('出口');
    }
  });

  it('ranks records with all of several words first, close together first; matching=all requires them all', () => {
    const fill = search('跨境电商 退货');
    // Fewer than a page have both: records with one of them fill the page after, each saying which word it lacks.
    const whole = fill.hits.filter((h) => h.missing.length === 0).length;
    expect(whole).toBeGreaterThan(0);
    expect(fill.hits.slice(0, whole).every((h) => h.missing.length === 0)).toBe(true);
    for (const h of fill.hits.slice(whole)) expect(['跨境电商', '退货']).toEqual(expect.arrayContaining(h.missing));
    expect(fill.partial).toBe(fill.hits.length > whole);
    const res = service.search({ q: '跨境电商 退货', size: 100, matching: 'all' });
    expect(res.partial).toBe(false);
    expect(res.total).toBe(whole);
    for (const h of res.hits) {
      const r = service.reform(h.id)!;
      const text = [r.title, r.content, r.process, r.outcome].join();
      expect(text).toContain('退货');
      expect(/跨境电商|跨境电子商务/.test(text)).toBe(true);
    }
    expect(res.hits[0].title).toMatch(/跨境电商.*退货|退货.*跨境电商/);
  });

  it('widens with OR and |, and falls back to flagged partial matches when nothing has every word', () => {
    const a = search('海铁联运').total;
    const b = search('中欧班列').total;
    expect(search('海铁联运 OR 中欧班列').total).toBeGreaterThanOrEqual(Math.max(a, b));
    expect(search('海铁联运|中欧班列').total).toBe(search('海铁联运 OR 中欧班列').total);
    // No record names both: the records with either come back, flagged.
    const partial = search('区块链 中医');
    expect(partial.partial).toBe(true);
    expect(partial.total).toBe(new Set([...holding('区块链'), ...holding('中医')].map((r) => r.id)).size);
  });

  it('reads unbalanced quotes, a lone - and a dangling OR sensibly instead of failing', () => {
    expect(search('"一网通办').total).toBe(search('"一网通办"').total);
    expect(search('退税 -').total).toBe(search('退税').total);
    expect(search('退税 OR').total).toBe(search('退税').total);
    expect(search('-').total).toBe(service.records.length);
  });

  it('narrows with field prefixes title:, department: and region:', () => {
    for (const h of search('title:确认制').hits) expect(h.title).toContain('确认制');
    for (const h of search('region:湖南').hits) expect(h.regions).toContain('湖南');
  });

  it('reads department: as the record’s own units, and department+: as its own or its copies’ units', () => {
    const own = service.search({ q: 'department:省税务局', size: 100, collapse: false }).hits;
    expect(own.length).toBeGreaterThan(0);
    for (const h of own) expect(service.reform(h.id)!.departments.some((d) => d.includes('省税务局'))).toBe(true);
    // A case collection prints no units: only department+: lets its copy in the Shandong table answer for it.
    expect(own.some((h) => h.source.file === FILES.markdownCases)).toBe(false);
    const withCopies = service.search({ q: 'department+:省税务局', size: 100, collapse: false }).hits;
    for (const h of withCopies) expect(unitsOf(h.id).some((d) => d.includes('省税务局'))).toBe(true);
    expect(withCopies.some((h) => h.source.file === FILES.markdownCases)).toBe(true);
    expect(withCopies.length).toBeGreaterThan(own.length);
    expect(service.search({ q: '部门＋：省税务局', size: 100, collapse: false }).total).toBe(withCopies.length);
  });
});

describe('one hit per reform', () => {
  const reformKey = (id: string) => {
    const byId = new Map(service.records.map((r, i) => [r.id, i]));
    return reformGroups(service.records, byId)[byId.get(id)!];
  };

  it('folds copies of a reform printed in two documents into the best-ranked one, listed under copies', () => {
    const res = service.search({ q: '退税', size: 100 });
    const all = search('退税');
    const matched = new Set(all.hits.map((h) => h.id));
    const shown = res.hits.flatMap((h) => [h.id, ...(h.copies ?? []).map((c) => c.id)]);
    // Every matching record is shown once, as a hit or under its reform's hit; no two hits share a reform.
    for (const id of matched) expect(shown).toContain(id);
    expect(new Set(shown).size).toBe(shown.length);
    const keys = res.hits.map((h) => h.id).map((id) => service.reform(id)!.related.map((r) => r.id).concat(id));
    for (let i = 0; i < res.hits.length; i++) {
      for (const c of res.hits[i].copies ?? []) expect(keys[i]).toContain(c.id);
      for (let j = 0; j < i; j++) expect(keys[j]).not.toContain(res.hits[i].id);
    }
    const folded = res.hits.find((h) => h.copies?.length)!;
    expect(folded.copies![0]).toMatchObject({ id: expect.any(String), title: expect.any(String), source: { file: expect.any(String) } });
    // The hit is the best-ranked copy; the copies that match come before printings listed without the word.
    const rank = (id: string) => all.hits.findIndex((h) => h.id === id);
    for (const h of res.hits) {
      const ranks = (h.copies ?? []).map((c) => rank(c.id));
      for (const r of ranks) if (r >= 0) expect(rank(h.id)).toBeLessThan(r);
      expect(ranks.findIndex((r) => r < 0) < 0 || ranks.slice(ranks.findIndex((r) => r < 0)).every((r) => r < 0)).toBe(true);
    }
    expect(res.total).toBe(new Set(all.hits.map((h) => reformKey(h.id))).size);
    expect(res.total).toBeLessThan(all.total);
  });

  it('lists a shorter printing of a hit’s reform under it for a topic query, though that printing lacks the word', () => {
    for (const q of ['退税', '综合保税区']) {
      const matched = new Set(search(q, 300).hits.map((h) => h.id));
      const res = service.search({ q, size: 100 });
      const extra = res.hits.flatMap((h) => (h.copies ?? []).filter((c) => !matched.has(c.id)).map((c) => ({ hit: h.id, copy: c.id })));
      expect(extra.length, q).toBeGreaterThan(0);
      for (const { hit, copy } of extra) {
        expect(service.reform(hit)!.related.map((r) => r.id)).toContain(copy);
        // Not a match of its own: the printing does not hold the word (its reform's other printing does).
        expect(holding(q).map((r) => r.id)).not.toContain(copy);
      }
    }
    // 留抵贷 in the Shandong table says nothing of 退税; its case write-up does.
    const hit = service.search({ q: '退税', size: 100 }).hits.find((h) => h.id === '79c90300-52')!;
    expect(hit.copies!.map((c) => c.id)).toContain('6665671d-1-16');
    expect(hit.copyCount).toBe(hit.copies!.length);
  });

  it('never lists a printing that the query excludes or the filters leave out', () => {
    // The Shandong table's 留抵贷 names 商业银行; its case write-up (the hit) does not.
    const excluding = service.search({ q: '退税 -商业银行', size: 100 });
    const shown = excluding.hits.flatMap((h) => [h.id, ...(h.copies ?? []).map((c) => c.id)]);
    expect(shown).toContain('79c90300-52');
    expect(shown).not.toContain('6665671d-1-16');
    for (const id of shown) expect(searchable(id)).not.toContain('商业银行');
    const filtered = service.search({ q: '退税', size: 100, filters: { source: [FILES.markdownCases] } });
    expect(filtered.hits.length).toBeGreaterThan(0);
    for (const h of filtered.hits) {
      expect(h.source.file).toBe(FILES.markdownCases);
      for (const c of h.copies ?? []) expect(c.source.file).toBe(FILES.markdownCases);
    }
  });

  it('lists only printings that match when the query asks about the text: a phrase, a field, a figure or a change', () => {
    for (const q of ['"退税"', 'title:退税', '退税时间缩短', '服务企业多少家', '综合保税区 2023']) {
      const matched = new Set(search(q, 300).hits.map((h) => h.id));
      const shown = service.search({ q, size: 100 }).hits.flatMap((h) => [h.id, ...(h.copies ?? []).map((c) => c.id)]);
      expect(shown.length, q).toBeGreaterThan(0);
      for (const id of shown) expect(matched.has(id), `${q}: ${id}`).toBe(true);
    }
  });

  it('lists at most copiesShown copies under a hit, best first, and says how many the result set holds', async () => {
    const { SearchService } = await import('../search/service.js');
    // The seeds print a reform at most a few times: with 0 shown, every folded hit is over the cap.
    const none = new SearchService(service.body, { copiesShown: 0 });
    const full = service.search({ q: '退税', size: 100 });
    const capped = none.search({ q: '退税', size: 100 });
    expect(capped.hits.map((h) => h.id)).toEqual(full.hits.map((h) => h.id));
    expect(capped.total).toBe(full.total);
    expect(full.hits.some((h) => h.copies?.length)).toBe(true);
    for (const [i, h] of full.hits.entries()) {
      expect(h.copyCount ?? 0).toBe(h.copies?.length ?? 0);
      expect(capped.hits[i].copyCount ?? 0).toBe(h.copyCount ?? 0);
      expect(capped.hits[i].copies ?? []).toEqual([]);
    }
  });

  it('counts reforms in facets: two copies from one region count once', () => {
    const res = service.search({ q: '退税', size: 100 });
    const all = search('退税');
    const shandong = (r: typeof res) => r.facets.region.find((v) => v.value === '山东')!.count;
    expect(shandong(res)).toBeLessThan(shandong(all));
    const reformsInShandong = new Set(all.hits.filter((h) => h.regions.includes('山东')).map((h) => reformKey(h.id)));
    expect(shandong(res)).toBe(reformsInShandong.size);
  });
});

describe('bar 4: domain terms segment right', () => {
  it('keeps corpus terms whole in the vocabulary that query analysis uses', () => {
    const pieces = (t: string) => service.engine.analyzer.segment(t).map((p) => p.text);
    // 审批改革 is a thesaurus term (the short form of 审批制度改革 in the 放管服 group): kept whole too.
    expect(pieces('工程建设项目告知承诺制审批改革')).toEqual(['工程建设项目', '告知承诺制', '审批改革']);
    expect(pieces('工程建设项目告知承诺制审批')).toEqual(['工程建设项目', '告知承诺制', '审批']);
    expect(pieces('综合保税区一线进区')).toContain('综合保税区');
    expect(pieces('省住房城乡建设厅')).toEqual(['省住房城乡建设厅']);
  });

  it('takes quoted terms from the corpus into the user dictionary (“确认制”, “链上自贸”)', async () => {
    const words = new Set(service.body.dictionary.userWords);
    expect(words.has('确认制')).toBe(true);
    expect(words.has('链上自贸')).toBe(true);
    expect(words.has('告知承诺制')).toBe(true);
  });
});

describe('bar 5: no junk from single characters; abbreviations work', () => {
  it('never matches a multi-word query through one shared character', () => {
    // 区块链 is not a corpus word: it must be found as a whole, not as 区, 块 and 链.
    const res = search('区块链');
    expect(res.total).toBe(holding('区块链').length);
    // Every hit holds each word it does not list as missing, and at least one of them.
    for (const h of search('船舶 监管').hits) {
      const text = searchable(h.id);
      expect(h.missing.length).toBeLessThan(2);
      for (const w of ['船舶', '监管']) if (!h.missing.includes(w)) expect(text).toContain(w);
    }
    for (const h of service.search({ q: '船舶 监管', size: 100, matching: 'all' }).hits) {
      expect(searchable(h.id)).toContain('船舶');
      expect(searchable(h.id)).toContain('监管');
    }
  });

  it('keeps lone characters of a short keyword together: 多规合一 never passes for 合一 alone', () => {
    // 多规 is printed nowhere: the hits share only 合一, and say they lack 多规.
    const res = search('多规合一');
    expect(res.partial).toBe(true);
    for (const h of res.hits) expect(h.missing).toEqual(['多规']);
  });

  it('searches a four-character slogan cut lone|word|lone whole: 先证后照 never matches through 证后, which straddles two of its characters', () => {
    const constraints = service.engine.analyse('先证后照').groups.flat().flatMap((c) => c.constraints);
    expect(constraints.map((k) => k.text)).toEqual(['先证后照']);
    expect(constraints[0].parts ?? []).not.toContain('证后');
    // The premise: the corpus prints 证后 (换证后 …), so the straddling piece would find records.
    expect(holding('证后').length).toBeGreaterThan(0);
    // No record of the seeds prints 先证后照, so the property is on the records 证后 would bring: none is a hit.
    const hits = search('先证后照').hits;
    const ids = new Set(hits.map((h) => h.id));
    expect(holding('证后').filter((r) => ids.has(r.id))).toEqual([]);
    for (const h of hits) expect(searchable(h.id).includes('先证后照') || h.missing.includes('先证后照')).toBe(true);
  });

  it('fills an unprinted four-character slogan with the corpus slogans of its frame (一企一证 → 一车一证), each hit saying it lacks the slogan', () => {
    expect(holding('一企一证')).toEqual([]);
    const res = search('一企一证');
    expect(res.hits.length).toBeGreaterThan(0);
    expect(res.partial).toBe(true);
    for (const h of res.hits) {
      expect(h.missing).toEqual(['一企一证']);
      expect(searchable(h.id)).toMatch(/一.一证|一企一./);
    }
  });

  it('keeps a lone character with the word typed against it when the corpus prints them together: 海外仓 is not 海外', () => {
    const words = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words('海外仓')).toEqual(['海外仓']);
    const printing = new Set(holding('海外仓').map((r) => r.id));
    expect(printing.size).toBeGreaterThanOrEqual(3);
    const res = search('海外仓');
    // Every record printing 海外仓 ranks before every record that only says 海外, and those say they lack 海外仓.
    const ids = res.hits.map((h) => h.id);
    expect(new Set(ids.slice(0, printing.size))).toEqual(printing);
    for (const h of res.hits.slice(printing.size)) expect(h.missing).toEqual(['海外仓']);
    // A character the corpus never prints with the word is still dropped, and a sentence's lone characters too.
    expect(words('海外猫')).toEqual(['海外']);
    // (出口退 is printed, inside 出口退税, and kept when typed alone; 保税油, once the example here, is a thesaurus term now.)
    expect(words('出口退')).toEqual(['出口退']);
    expect(words('企业怎么办理出口退')).not.toContain('出口退');
  });

  it('ignores stop words and question words, so a question finds the reforms that answer it', () => {
    const res = search('如何缩短工程建设项目审批时间', 5);
    expect(res.hits.length).toBeGreaterThan(0);
    expect(res.hits.slice(0, 3).some((h) => /工程建设项目|拿地即开工|施工/.test(h.title))).toBe(true);
    expect(search('有没有做过告知承诺制的', 3).hits[0].title).toContain('告知承诺制');
  });

  it('searches 创新 as a topic, not a stop word: 大企业 创新 finds the open-innovation programme, and no whole hit lacks 创新', () => {
    const words = service.engine.analyse('大企业 创新').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).toEqual(['大企业', '创新']);
    const hits = search('大企业 创新', 10).hits;
    expect(hits[0].title).toBe('大企业开放创新中心计划');
    for (const h of hits.filter((x) => x.missing.length === 0)) expect(searchable(h.id)).toContain('创新');
  });

  it('treats 综保区 = 综合保税区 and 自贸区 = 自贸试验区 = 自由贸易试验区', () => {
    const short = new Set(search('综保区').hits.map((h) => h.id));
    for (const r of holding('综合保税区')) expect(short.has(r.id)).toBe(true);
    for (const r of holding('综保区')) expect(new Set(search('综合保税区').hits.map((h) => h.id)).has(r.id)).toBe(true);
    const ftz = new Set(search('自贸区').hits.map((h) => h.id));
    for (const r of holding('自由贸易试验区').slice(0, 20)) expect(ftz.has(r.id)).toBe(true);
  });

  it('finds the text’s 环评 for 环境影响评价 and 人防 for a typed 人民防空 the corpus never prints', () => {
    expect(titles('环境影响评价')).toContain('“一不三办”环评审批服务新模式');
    const res = search('人民防空 审批');
    const onlyShort = res.hits.filter((h) => !searchable(h.id).includes('人民防空'));
    expect(onlyShort.map((h) => h.title)).toContain('人防工程“多合一”审批改革');
    for (const h of res.hits) expect(searchable(h.id)).toContain('人防');
  });

  it('finds what a policy slogan stands for through the thesaurus (一窗受理 finds the text’s 一口受理)', () => {
    expect(titles('一窗受理')).toContain('证照“一口受理、并联办理”审批服务模式');
  });

  it('finds the word documents print for the one people say: 船舶加油 finds the bunkering reform that says 船供油, 大公司 the 大企业 programme', () => {
    const bunkering = search('船舶加油').hits.filter((h) => h.missing.length === 0);
    expect(bunkering.map((h) => h.title)).toContain('保税船供油监管“集出分供”模式');
    for (const h of bunkering) expect(searchable(h.id)).toMatch(/船舶加油|船舶供油|船供油|船舶加注/);
    const big = search('大公司').hits;
    expect(big.length).toBeGreaterThan(0);
    expect(big[0].missing).toEqual([]);
    expect(big.map((h) => h.title)).toContain('大企业开放创新中心计划');
    // Every whole hit prints an equivalent (partial hits filling the page say what they lack).
    for (const h of big.filter((x) => x.missing.length === 0)) expect(searchable(h.id)).toMatch(/大公司|大企业/);
  });

  it('finds the approval reforms a text calls 审批改革 for 放管服, and 市场主体 for the newer name 经营主体', () => {
    // 审批改革 is the short form of 审批制度改革, which the 放管服 line already holds.
    const slogan = search('放管服').hits;
    const printsShortForm = holding('审批改革').map((r) => r.id);
    expect(printsShortForm.length).toBeGreaterThan(1);
    for (const id of printsShortForm) expect(slogan.map((h) => h.id)).toContain(id);
    expect(slogan.slice(0, 10).map((h) => h.title)).toContain('工业建筑项目人防审批改革');
    // Records that print only the older name answer the newer one, whole (not as a partial match).
    const older = holding('市场主体').filter((r) => !holding('经营主体').some((x) => x.id === r.id));
    expect(older.length).toBeGreaterThan(0);
    const newer = search('经营主体').hits.filter((h) => h.missing.length === 0).map((h) => h.id);
    for (const r of older) expect(newer).toContain(r.id);
  });

  it('normalises traditional and full-width input to the simplified text', () => {
    expect(search('綜合保稅區').total).toBe(search('综合保税区').total);
    expect(search('海鐵聯運').total).toBe(search('海铁联运').total);
    expect(search('ＮＱＩ').total).toBe(search('NQI').total);
    expect(search('ＮＱＩ').total).toBeGreaterThan(0);
  });

  it('matches region and department names typed as plain words (湖南 通关 finds Hunan’s customs reforms)', () => {
    const res = search('湖南 通关');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.regions).toContain('湖南');
    expect(res.hits.map((h) => h.title)).toContain('国际邮件、国际快件和跨境电商业务集约监管新模式');
  });
});

describe('bar 6: highlights mark exactly the matched text, everything else escaped', () => {
  it('marks the original text even where the document printed a space inside it (1-2 个工作日)', () => {
    const hit = search('1-2个工作日').hits[0];
    expect(hit.highlight.snippet).toContain('<mark>1-2 个工作日</mark>');
  });

  it('marks the simplified original when the query was typed in traditional characters', () => {
    expect(search('綜合保稅區').hits[0].highlight.title).toContain('<mark>综合保税区</mark>');
  });

  it('never returns query HTML as markup, and escapes the record text around marks', () => {
    const res = search('<script>alert(1)</script> 退税');
    for (const h of res.hits) {
      expect(h.highlight.title + h.highlight.snippet).not.toMatch(/<(?!\/?mark>)/);
    }
    // The 文化出口 case draws its flow with ——> arrows (the NQI case's markdown link <http://www.ytnqi.com> is
    // rendered as its address by the parser, so no seed text prints < any more).
    const hit = search('国家文化出口基地', 1).hits[0];
    expect(hit.highlight.snippet).toContain('<mark>国家文化出口基地</mark> ——&gt; “一站式”');
    expect(hit.highlight.snippet).not.toMatch(/<(?!\/?mark>)/);
  });

  it('marks a word and the longer word around it once, whole (电商 inside 跨境电商), whatever order the query lists them in', () => {
    for (const q of ['电商 跨境电商 跨境', '跨境 跨境电商 电商', '退税 留抵退税', '登记 不动产登记']) {
      const res = search(q);
      expect(res.hits.length).toBeGreaterThan(0);
      const html = res.hits.map((h) => h.highlight.title + '\n' + h.highlight.snippet).join('\n');
      // Overlapping or touching matches become one mark: never one mark ending where the next begins.
      expect(html).not.toContain('</mark><mark>');
      const longer = q.split(' ').reduce((a, b) => (b.length > a.length ? b : a));
      expect(html).toContain(`<mark>${longer}</mark>`);
      // Every marked text holds a query word, or is a part of one found a few characters from its other part
      // (不动产…登记), or a word of an expansion a field rewords (留抵税额 of 留抵税额退税), or, in a hit lacking a word,
      // a part of that word it was found by (商务 of 跨境电子商务).
      const constraints = service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints);
      const parts = new Map(constraints.map((k) => [k.text, k.parts ?? []]));
      const expansions = constraints.flatMap((k) => k.alternatives.flatMap((a) => a.words ?? []));
      for (const h of res.hits) {
        const allowed = [...q.split(' '), ...expansions, ...h.missing.flatMap((w) => parts.get(w) ?? [])];
        for (const m of (h.highlight.title + '\n' + h.highlight.snippet).match(/<mark>([^<]*)<\/mark>/g) ?? []) {
          const text = m.slice(6, -7);
          expect(allowed.some((w) => text.includes(w) || w.includes(text)), `${q}: ${m}`).toBe(true);
        }
      }
    }
  });

  it('cuts long fields to a snippet of about 120 characters around the match, with … where cut', () => {
    const hit = search('5000万元').hits[0];
    const text = plain(hit.highlight.snippet);
    expect(text.replace(/…/g, '').length).toBeLessThanOrEqual(120);
    expect(text.startsWith('…')).toBe(true);
    expect(hit.highlight.snippet).toContain('<mark>5000万元</mark>');
  });
});

describe('bar 7: numbers with units stay whole', () => {
  it('finds 37.46亿元, 1.7亿元 (printed 1.7 亿元), 95.09%, 1-2个工作日 and 5000万元 as whole terms', () => {
    for (const q of ['37.46亿元', '1.7亿元', '95.09%', '1-2个工作日', '5000万元']) {
      const res = search(q);
      expect(res.total, q).toBeGreaterThan(0);
      expect(res.total, q).toBe(holding(q).length);
    }
  });

  it('matches a number only as a whole number (5000 does not match 15000 or 5000.5)', () => {
    const n = service.engine.analyzer.normalizer;
    for (const h of search('5000').hits) {
      const r = service.reform(h.id)!;
      const text = n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'));
      expect(/(^|[^0-9.])5000([^0-9]|$)/.test(text)).toBe(true);
    }
  });

  it('keeps numbers with units whole in the analysis of a query', () => {
    const a = service.analyze('节约成本约5000万元 时间由75天压缩至25天 1-2个工作日');
    const constraints = a.query.groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(constraints).toEqual(expect.arrayContaining(['5000万元', '75天', '25天', '1-2个工作日']));
    expect(a.indexTerms).toContain('5000万元');
  });
});

describe('listing and ranking', () => {
  it('lists every record in document order for an empty query (collapsed: every reform once)', () => {
    const all = service.search({ q: '', size: 100, page: 1, collapse: false });
    expect(all.total).toBe(300);
    expect(all.hits[0].source).toMatchObject({ file: FILES.shandongTable, no: 1 });
    const reformsOnly = service.search({ q: '', size: 100, page: 1 });
    const byId = new Map(service.records.map((r, i) => [r.id, i]));
    expect(reformsOnly.total).toBe(new Set(reformGroups(service.records, byId)).size);
    expect(reformsOnly.hits[0].source).toMatchObject({ file: FILES.shandongTable, no: 1 });
  });

  it('ranks a title match above a mention in the text', () => {
    const res = search('海铁联运', 10);
    expect(res.hits[0].title).toContain('海铁联运');
  });
});

describe('compound words found split, and exclusions', () => {
  it('finds a compound with a few characters inserted (不动产登记 in 不动产抵押注销再登记), below exact matches', () => {
    const res = search('不动产登记');
    const split = res.hits.findIndex((h) => h.title === '不动产抵押注销再登记无缝办理');
    expect(split).toBeGreaterThan(-1);
    const exact = res.hits.filter((h) => /不动产登记/.test(searchable(h.id)));
    expect(split).toBeGreaterThanOrEqual(exact.length);
    expect(res.hits[split].highlight.title).toContain('<mark>不动产</mark>抵押注销再<mark>登记</mark>');
  });

  it('counts a compound no record prints whole (仓单质押) by its split printing as the word itself, and one printed whole at half', () => {
    const near = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints).flatMap((c) => c.alternatives).find((a) => a.near);
    // The premises: 不动产登记 is printed whole; 仓单质押 is not, though 基于标准化数字仓单的动产质押融资新模式 prints 仓单的动产质押.
    expect(search('"不动产登记"').hits.length).toBeGreaterThan(0);
    expect(search('"仓单质押"').hits).toEqual([]);
    expect(near('不动产登记')?.weight).toBe(0.5);
    expect(near('仓单质押')?.weight).toBe(1);
    // In a sentence the record printing 仓单…质押 outranks records that only say 贷款 or 信贷 (it came fourth at half weight;
    // there the unprinted word is now searched as 仓单 and 质押: test/sentence-cut.test.ts).
    const hits = search('用仓单质押贷款').hits;
    const pledge = hits.findIndex((h) => h.title === '基于标准化数字仓单的动产质押融资新模式');
    expect(pledge).toBeGreaterThan(-1);
    expect(pledge).toBeLessThanOrEqual(1);
    expect(hits[pledge].missing).toEqual(['贷款']);
  });

  it('never joins the parts of a compound across a sentence break', () => {
    // Fewer than a page of records hold 不动产登记 (whole or split), so records with only its parts fill the page:
    // they come after, and say they lack the word.
    const hits = search('不动产登记').hits;
    const whole = hits.filter((h) => h.missing.length === 0);
    expect(whole.length).toBeGreaterThan(0);
    expect(hits.slice(0, whole.length)).toEqual(whole);
    for (const h of whole) {
      const text = service.engine.analyzer.normalizer.plain(searchable(h.id));
      expect(/不动产[^。；！？\n]{0,6}登记/.test(text)).toBe(true);
    }
    for (const h of hits.slice(whole.length)) expect(h.missing).toEqual(['不动产登记']);
  });

  it('fills a one-word query that finds less than a page with records holding the words it is made of, flagged', () => {
    // 证照分离 is printed once; records about 证照 (电子证照, 一照一证) fill the page after it, lacking the word.
    const res = search('证照分离');
    expect(res.hits[0].missing).toEqual([]);
    expect(searchable(res.hits[0].id)).toContain('证照分离');
    expect(res.partial).toBe(true);
    const fill = res.hits.filter((h) => h.missing.length > 0);
    expect(fill.length).toBeGreaterThan(3);
    for (const h of fill) {
      expect(h.missing).toEqual(['证照分离']);
      expect(/证照|分离/.test(searchable(h.id))).toBe(true);
    }
    expect(fill.slice(0, 3).every((h) => searchable(h.id).includes('证照'))).toBe(true);
    // matching=all keeps the strict behaviour: only the record that prints it.
    expect(service.search({ q: '证照分离', matching: 'all', collapse: false }).hits.every((h) => searchable(h.id).includes('证照分离'))).toBe(true);
  });

  it('fills a slogan the corpus never prints with records holding the words of what it stands for (首违不罚)', () => {
    // The thesaurus says 首违不罚 = 首次违法不予处罚; no record prints either, one prints 首次违法…处罚.
    const hits = search('首违不罚', 10).hits;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].title).toBe('多领域实施包容免罚清单模式');
  });

  it('excludes by what a record itself prints: -青岛 keeps a case whose copy names 青岛海关', () => {
    const kept = search('海关 担保 -青岛').hits.map((h) => h.id);
    for (const id of kept) expect(searchable(id).replace(unitsOf(id).join(), '')).not.toContain('青岛');
    const copy = service.records.find((r) => r.source.file === FILES.markdownCases && r.title === '“关保通”零担保成本通关模式创新')!;
    expect(unitsOf(copy.id)).toContain('青岛海关');
    expect(kept).toContain(copy.id);
  });

  it('does not widen an exclusion by synonyms (-通关 keeps records that only say 报关)', () => {
    const ids = search('海关 -通关').hits.map((h) => searchable(h.id));
    expect(ids.some((t) => t.includes('报关'))).toBe(true);
    for (const t of ids) expect(t).not.toContain('通关');
  });
});

describe('ranking quality on the judged test half (bench/queries.test.json: reported, never tuned on)', () => {
  // Floors set below what the test half measured when they were written (docs/benchmarks.md has the figures);
  // they catch a regression, they are no target. Copies folded under a hit count as shown right after it.
  const FLOORS: Record<string, number> = {
    term: 0.85, multi: 0.8, phrase: 0.9, abbrev: 0.9, variant: 0.9, exclude: 0.85, number: 0.95, region_dept: 0.85,
    question: 0.7, loose_title: 0.85, slogan: 0.4, longshort: 0.55, partial: 0.45, paraphrase: 0.55, outcome: 0.4,
  };

  it('holds a floor on mean nDCG@10 and on every query kind', async () => {
    const { evaluate, loadQueries, shownIds } = await import('../bench/relevance.js');
    const queries = loadQueries('test');
    expect(queries.length).toBeGreaterThanOrEqual(80);
    const result = evaluate((q) => shownIds(service.search({ q, size: 10 }).hits), queries);
    expect(result.overall.ndcg).toBeGreaterThanOrEqual(0.68);
    expect(Object.keys(result.byType).sort()).toEqual(Object.keys(FLOORS).sort());
    for (const [kind, s] of Object.entries(result.byType)) expect(s.ndcg, kind).toBeGreaterThanOrEqual(FLOORS[kind]);
  });

  it('keeps the development and test halves apart, each with 80 or more queries of every kind', async () => {
    const { loadQueries } = await import('../bench/relevance.js');
    const dev = loadQueries('dev');
    const test = loadQueries('test');
    expect(dev.length).toBeGreaterThanOrEqual(80);
    const ids = new Set(dev.map((q) => q.id));
    // A query is the same query once normalised (９５．０９％ is 95.09%, 水产品 出口 is 水产品出口) and in any word
    // order (中小企业怎样解决融资难 is 怎样解决中小企业融资难): compare the sorted characters of the normalised text.
    const n = service.engine.analyzer.normalizer;
    const key = (q: string) => [...n.plain(q).replace(/\s+/g, '')].sort().join('');
    const texts = new Map(dev.map((q) => [key(q.query), q.id]));
    for (const q of test) {
      expect(ids.has(q.id), q.id).toBe(false);
      expect(texts.get(key(q.query)), `${q.id} ${q.query}`).toBeUndefined();
    }
    expect([...new Set(dev.map((q) => q.type))].sort()).toEqual([...new Set(test.map((q) => q.type))].sort());
    for (const q of [...dev, ...test]) for (const id of Object.keys(q.judgments)) expect(service.reform(id), `${q.id} ${id}`).toBeDefined();
  });
});

describe('relevance reporting against issue 9’s bars', () => {
  it('groups judged kinds under the three hidden sets’ bars, every kind present in both halves, averaged per query', async () => {
    const { BAR_GROUPS, barStanding, loadQueries } = await import('../bench/relevance.js');
    for (const split of ['dev', 'test'] as const) {
      const kinds = new Set(loadQueries(split).map((q) => q.type));
      for (const g of BAR_GROUPS) for (const k of g.kinds) expect(kinds.has(k), `${split} ${g.name} ${k}`).toBe(true);
    }
    const perQuery = [
      { id: 'a', type: 'term', query: 'a', ndcg: 1, recall: 1 },
      { id: 'b', type: 'term', query: 'b', ndcg: 0.9, recall: 1 },
      { id: 'c', type: 'question', query: 'c', ndcg: 0.6, recall: 1 },
      { id: 'd', type: 'slogan', query: 'd', ndcg: 0.9, recall: 1 },
    ];
    const [plain, realistic, novel] = barStanding({ overall: { ndcg: 0, recall: 0, n: 4 }, byType: {}, perQuery });
    expect(plain).toMatchObject({ n: 2, met: false });
    expect(plain.ndcg).toBeCloseTo(0.95, 10);
    // A question counts in both sets that hold questions.
    expect(realistic).toMatchObject({ n: 1, ndcg: 0.6, met: false });
    expect(novel).toMatchObject({ n: 2, met: false });
    expect(novel.ndcg).toBeCloseTo(0.75, 10);
  });

  it('reports plain terms in six groups, the terms first judged, the grown group g01–g37, the draws of blind forms b01–b25 and b26–b50, the held-out c01–c25 and apart from them the c queries whose source an m query shares, each averaged per query', async () => {
    const { termGroups, loadQueries, SHARED_WITH_M } = await import('../bench/relevance.js');
    const grown = loadQueries('dev').filter((q) => /^g\d+$/.test(q.id));
    // The grown group is plain terms only, each judged with at least one record about the term (grade 2).
    expect(grown.length).toBe(37);
    for (const q of grown) {
      expect(q.type, q.id).toBe('term');
      expect(Object.values(q.judgments), q.id).toContain(2);
    }
    // The blind forms are plain terms too: each names its source record (graded 2), and neither the source's title
    // nor its copies' titles print the query.
    const blind = loadQueries('dev').filter((q) => /^[bc]\d+$/.test(q.id));
    expect(blind.length).toBe(75);
    const { records } = await seedSnapshot();
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const q of blind) {
      expect(q.type, q.id).toBe('term');
      const source = byId.get(/written from (\S+)/.exec(q.note ?? '')?.[1] ?? '');
      expect(source, q.id).toBeDefined();
      expect(q.judgments[source!.id], q.id).toBe(2);
      for (const id of [source!.id, ...source!.related.map((r) => r.id)]) expect(byId.get(id)!.title, q.id).not.toContain(q.query);
    }
    const perQuery = [
      { id: 'q01', type: 'term', query: 'a', ndcg: 1, recall: 1 },
      { id: 'g01', type: 'term', query: 'b', ndcg: 0.8, recall: 0.5 },
      { id: 'g02', type: 'term', query: 'c', ndcg: 0.6, recall: 1 },
      { id: 'g03', type: 'slogan', query: 'd', ndcg: 0, recall: 0 },
      { id: 'b01', type: 'term', query: 'e', ndcg: 0.2, recall: 0 },
      { id: 'b26', type: 'term', query: 'f', ndcg: 0.4, recall: 1 },
      { id: 'c01', type: 'term', query: 'g', ndcg: 0.3, recall: 0.5 },
      { id: 'c13', type: 'term', query: 'h', ndcg: 0.9, recall: 1 },
    ];
    const [first, grownGroup, blindGroup, secondDraw, thirdDraw, sharedWithM] = termGroups({ overall: { ndcg: 0, recall: 0, n: 8 }, byType: {}, perQuery });
    expect(first).toMatchObject({ n: 1, ndcg: 1, recall: 1 });
    expect(grownGroup).toMatchObject({ n: 2, recall: 0.75 });
    expect(grownGroup.ndcg).toBeCloseTo(0.7, 10);
    expect(blindGroup).toMatchObject({ n: 1, ndcg: 0.2, recall: 0 });
    expect(secondDraw).toMatchObject({ n: 1, ndcg: 0.4, recall: 1 });
    expect(thirdDraw).toMatchObject({ n: 1, ndcg: 0.3, recall: 0.5 });
    expect(sharedWithM).toMatchObject({ n: 1, ndcg: 0.9, recall: 1 });
    // The c queries reported apart are exactly those whose source (named in the note) is an m query's source too.
    const sourceOf = (note = '') => /written from (\S+)/.exec(note)?.[1];
    const dev = loadQueries('dev');
    const mSources = new Set(dev.filter((q) => /^m\d+$/.test(q.id)).map((q) => sourceOf(q.note)));
    const shared = dev.filter((q) => /^c\d+$/.test(q.id) && mSources.has(sourceOf(q.note))).map((q) => q.id);
    expect(shared).toEqual([...SHARED_WITH_M]);
  });

  it('leaves the held-out c01–c25 out of the development figures (table, bars, folds, worst list), kind by kind', async () => {
    const { developmentOnly, isHeldOut } = await import('../bench/relevance.js');
    const perQuery = [
      { id: 'q01', type: 'term', query: 'a', ndcg: 1, recall: 1 },
      { id: 'c01', type: 'term', query: 'b', ndcg: 0, recall: 0 },
      { id: 'm01', type: 'partial', query: 'c', ndcg: 0.5, recall: 0.5 },
      { id: 'c13', type: 'term', query: 'd', ndcg: 0.2, recall: 0 },
    ];
    const dev = developmentOnly({ overall: { ndcg: 0, recall: 0, n: 4 }, byType: {}, perQuery });
    expect(dev.perQuery.map((q) => q.id)).toEqual(['q01', 'm01']);
    expect(dev.overall).toEqual({ ndcg: 0.75, recall: 0.75, n: 2 });
    expect(dev.byType.term).toEqual({ ndcg: 1, recall: 1, n: 1 });
    expect(['c01', 'c25'].every(isHeldOut) && !['b01', 'm01', 'cx1'].some(isHeldOut)).toBe(true);
  });

  /** Rules W and V: each blind paraphrase names its source reforms (graded 2) and shares no Han bigram with their titles. */
  async function expectBlindParaphrases(prefix: string, count: number, rule?: string) {
    const { loadQueries } = await import('../bench/relevance.js');
    const blind = loadQueries('dev').filter((q) => new RegExp(`^${prefix}\\d+$`).test(q.id));
    expect(blind.length).toBe(count);
    const { records } = await seedSnapshot();
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const q of blind) {
      expect(q.type, q.id).toBe('paraphrase');
      if (rule) expect(q.note, q.id).toContain(rule);
      const sources = /paraphrase of the reform ([^ ]+(?:, [^ ]+)*), written blind/.exec(q.note ?? '')?.[1].split(', ') ?? [];
      expect(sources.length, q.id).toBeGreaterThan(0);
      for (const id of sources) {
        const source = byId.get(id);
        expect(source, `${q.id} ${id}`).toBeDefined();
        expect(q.judgments[id], `${q.id} ${id}`).toBe(2);
        for (const t of [source!.title, ...source!.related.map((r) => byId.get(r.id)!.title)]) {
          for (let i = 0; i + 1 < t.length; i++) {
            const pair = t.slice(i, i + 2);
            if (/^\p{Script=Han}{2}$/u.test(pair)) expect(q.query, `${q.id} shares ${pair} with ${t}`).not.toContain(pair);
          }
        }
      }
    }
  }

  it('holds blind paraphrases w01–w22 written by rule W: each names its source reforms (graded 2) and shares no two adjacent Han characters with their titles', async () => {
    await expectBlindParaphrases('w', 22);
  });

  it('holds blind paraphrases v01–v16 written by rule V: each names its source reforms (graded 2) and shares no two adjacent Han characters with their titles', async () => {
    await expectBlindParaphrases('v', 16, 'rule V');
  });

  it('holds blind paraphrases e01–e15 written by rule E: each names its source reform (graded 2) and shares no two adjacent Han characters with its title', async () => {
    await expectBlindParaphrases('e', 15, 'rule E');
  });

  it('holds blind partial compounds m01–m15 written by rule P: each joins two words, and its source reform (graded 2) prints exactly one of them', async () => {
    const { loadQueries } = await import('../bench/relevance.js');
    const blind = loadQueries('dev').filter((q) => /^m\d+$/.test(q.id));
    expect(blind.length).toBe(15);
    const { records } = await seedSnapshot();
    const byId = new Map(records.map((r) => [r.id, r]));
    const text = (r: (typeof records)[number]) => TEXT_FIELDS.map((f) => r[f] ?? '').join('\n');
    for (const q of blind) {
      expect(q.type, q.id).toBe('partial');
      const m = /rule P\): (\p{Script=Han}+) \+ (\p{Script=Han}+), written from ([^ ]+) /u.exec(q.note ?? '');
      expect(m, q.id).not.toBeNull();
      const [, a, b, id] = m!;
      expect(a + b, q.id).toBe(q.query);
      const source = byId.get(id);
      expect(source, `${q.id} ${id}`).toBeDefined();
      expect(q.judgments[id], `${q.id} ${id}`).toBe(2);
      expect(text(source!).includes(a) !== text(source!).includes(b), `${q.id}: ${id} prints exactly one of ${a}, ${b}`).toBe(true);
    }
  });

  it('splits the development half into two folds that alternate within each kind, so every kind is in both', async () => {
    const { foldOf, loadQueries } = await import('../bench/relevance.js');
    const dev = loadQueries('dev');
    const fold = foldOf(dev);
    expect(fold.size).toBe(dev.length);
    for (const kind of new Set(dev.map((q) => q.type))) {
      const folds = dev.filter((q) => q.type === kind).map((q) => fold.get(q.id));
      expect(folds.every((f, i) => f === i % 2), kind).toBe(true);
      expect(new Set(folds).size, kind).toBe(folds.length > 1 ? 2 : 1);
    }
  });
});

describe('hostile or oversized queries', () => {
  it('searches a pasted 500-character paragraph by its first 32 words and finds where it came from', () => {
    const r = service.records.find((x) => (x.process ?? '').length > 500)!;
    const q = r.process!.slice(0, 500);
    const res = search(q, 5);
    expect(service.engine.analyzer.analyse(q).truncated).toBe(true);
    expect(service.engine.analyzer.analyse(q).groups.flat().reduce((n, c) => n + c.constraints.length, 0)).toBeLessThanOrEqual(32);
    expect(res.hits.map((h) => h.id)).toContain(r.id);
  });
});

describe('words the vocabulary does not know', () => {
  it('looks up a name made of lone characters and a Latin letter as typed (票e真), never letter by letter', () => {
    const res = search('票e真');
    expect(res.total).toBe(holding('票e真').length);
    expect(res.hits[0].title).toContain('票e真');
  });
});

describe('matching strategy: every word first, then partial matches that fill the page', () => {
  it('scores OR alternatives like one word: a record with one side scores as for that word alone, and is not partial', () => {
    const either = search('区块链 OR 中医');
    const both = search('区块链 中医');
    expect(either.partial).toBe(false);
    expect(both.partial).toBe(true);
    const alone = new Map(search('区块链').hits.map((h) => [h.id, h.score]));
    const chain = either.hits.filter((h) => alone.has(h.id));
    expect(chain.length).toBeGreaterThan(0);
    for (const h of chain) expect(h.score).toBeCloseTo(alone.get(h.id)!, 3);
    for (const h of either.hits) expect(h.missing).toEqual([]);
    // Typed without OR, each record lacks a word: lower scores, and it says which word.
    const andScore = new Map(both.hits.map((h) => [h.id, h.score]));
    for (const h of chain) expect(andScore.get(h.id)!).toBeLessThan(h.score);
    for (const h of both.hits) expect(h.missing.length).toBe(1);
  });

  it('fills with the record about the rare word, never with records that share only the common one (药品进口, 进口冷链)', () => {
    // The rare word or a kind of it (中药 for 药品: dict/synonyms.txt's narrower terms).
    const kinds = (w: string) => [w, ...(service.engine.body.dictionary.narrower?.find(([b]) => b === w)?.[1] ?? [])];
    for (const [q, rare] of [['药品进口', '药品'], ['进口冷链', '冷链']]) {
      const res = search(q);
      expect(res.total, q).toBeGreaterThan(0);
      expect(res.partial, q).toBe(true);
      for (const h of res.hits) {
        expect(kinds(rare).some((w) => searchable(h.id).includes(w)), `${q}: ${h.title}`).toBe(true);
        expect(h.missing.every((w) => w === '进口'), q).toBe(true);
      }
    }
  });

  it('counts records that answer a question, not records that share a filler or common word (如何办理出口退税)', () => {
    const res = search('如何办理出口退税');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) expect(searchable(h.id)).toContain('出口退税');
    expect(res.total).toBe(holding('出口退税').length);
    // Records with both words come before those with 出口退税 only.
    const firstMissing = res.hits.findIndex((h) => h.missing.length > 0);
    if (firstMissing >= 0) for (const h of res.hits.slice(firstMissing)) expect(h.missing).toEqual(['办理']);
  });

  it('ranks partial matches by how many words they lack, then how rare the missing ones are', () => {
    const res = search('由75天压缩至25天');
    expect(res.hits[0].missing).toEqual([]);
    const counts = res.hits.map((h) => h.missing.length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });
});

describe('words that qualify: outcome verbs and measures, the parts of a compound', () => {
  let plainBody: Awaited<ReturnType<typeof seedSnapshot>>;
  beforeAll(async () => {
    plainBody = await seedSnapshot();
  });
  /** The same snapshot searched with some engine options changed (the behaviour switched off, for comparison). */
  const withOptions = (o: Partial<EngineOptions>) => new SearchService(plainBody, o);
  /** The same snapshot without narrower terms (dict/synonyms.txt's `>` lines), for rules they would mask. */
  let plainBodyWithoutKinds: typeof plainBody;
  let withoutKinds: SearchService;
  beforeAll(() => {
    plainBodyWithoutKinds = { ...plainBody, dictionary: { ...plainBody.dictionary, narrower: [] } };
    withoutKinds = new SearchService(plainBodyWithoutKinds);
  });
  const all = (s: SearchService, q: string) => s.search({ q, size: 200, collapse: false }).hits;

  it('ranks every record on the topic of an outcome query (退税, 通关) above records sharing only 时间 and 缩短', () => {
    for (const [q, topic] of [['退税时间缩短', '退税'], ['通关时间缩短', '通关']]) {
      const hits = all(service, q);
      const lacking = hits.map((h, i) => (h.missing.includes(topic) ? i : -1)).filter((i) => i >= 0);
      const having = hits.map((h, i) => (h.missing.includes(topic) ? -1 : i)).filter((i) => i >= 0);
      // Both kinds are in the result set (records with only 时间 and 缩短 fill the page after the topic).
      expect(lacking.length, q).toBeGreaterThan(0);
      expect(Math.max(...having), q).toBeLessThan(Math.min(...lacking));
      // A topic record that states no change is honest about it: it lists the outcome words it lacks.
      expect(hits.some((h) => !h.missing.includes(topic) && h.missing.includes('缩短')), q).toBe(true);
      // With every word counting the same, a record with only 时间 and 缩短 came before some 退税 records.
      const even = all(withOptions({ qualifierCost: 1, missingRarityPower: 0 }), q);
      expect(even.findIndex((h) => h.missing.includes(topic)), q).toBeLessThan(even.map((h) => !h.missing.includes(topic)).lastIndexOf(true));
    }
  });

  it('counts the parts of a compound (保证 of 保证金) for records holding another word of the query, never bringing in records with parts only', () => {
    const q = '不交保证金也能通关';
    const withParts = all(service, q);
    const without = all(withOptions({ partsWeight: 0 }), q);
    expect(withParts.length).toBe(without.length);
    for (const h of withParts) expect(h.missing.length, h.id).toBeLessThan(2);
    const n = service.engine.analyzer.normalizer;
    const partOnly = withParts.filter((h) => h.missing.includes('保证金') && n.plain(searchable(h.id)).includes('保证'));
    expect(partOnly.length).toBeGreaterThan(0);
    for (const h of partOnly) expect(h.score, h.id).toBeGreaterThan(without.find((x) => x.id === h.id)!.score);
  });

  it('brings in, in a list of keywords, a record holding another word and most of a compound’s parts (水产品 出口: 鲜活水生动物出口 … 产品), after every record with the compound', () => {
    // Without narrower terms, which find this record as a kind of 水产品 (the narrower-terms test): the parts alone here.
    const service = withoutKinds;
    const withOptions = (o: Partial<EngineOptions>) => new SearchService(plainBodyWithoutKinds, o);
    const hits = all(service, '水产品 出口');
    const live = hits.findIndex((h) => h.title === '鲜活水生动物出口监管模式创新');
    expect(live).toBeGreaterThanOrEqual(0);
    expect(hits[live].missing).toEqual(['水产品']);
    expect(searchable(hits[live].id)).toContain('产品');
    const withCompound = hits.map((h, i) => (h.missing.includes('水产品') ? -1 : i)).filter((i) => i >= 0);
    expect(withCompound.length).toBeGreaterThan(0);
    expect(Math.max(...withCompound)).toBeLessThan(live);
    // Without the parts it is not a result at all (出口 alone is too common to bring records in).
    expect(all(withOptions({ partsWeight: 0 }), '水产品 出口').some((h) => h.id === hits[live].id)).toBe(false);
  });
});
