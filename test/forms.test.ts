import { beforeAll, describe, expect, it } from 'vitest';
import { FormIndex, isContraction, mineForms } from '../analysis/forms.js';
import type { SearchService } from '../search/service.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

const words = new Set(['环境', '影响', '评价', '综合', '保税', '住房', '城乡', '建设', '人民', '防空', '中心', '医院', '出口', '退税']);
const isWord = (w: string) => (w.length === 1 ? true : words.has(w));

describe('long and short forms: the contraction rule', () => {
  it('takes the first characters of some of the words, keeping the first and the last word', () => {
    expect(isContraction('环境影响评价', '环评', isWord)).toBe(true);
    expect(isContraction('综合保税区', '综保区', isWord)).toBe(true);
    expect(isContraction('住房城乡建设厅', '住建厅', isWord)).toBe(true);
    expect(isContraction('人民防空', '人防', isWord)).toBe(true);
  });

  it('refuses a prefix, a different first character, out-of-order characters and a middle-of-word character', () => {
    expect(isContraction('出口退税', '出口', isWord)).toBe(false);
    expect(isContraction('环境影响评价', '境评', isWord)).toBe(false);
    expect(isContraction('环境影响评价', '环响', isWord)).toBe(false); // 响 is not the first character of a word
    expect(isContraction('环境影响评价', '环影', isWord)).toBe(false); // the last word must be kept
    expect(isContraction('环境影响评价', '评环', isWord)).toBe(false);
  });

  it('drops ordinary words and thesaurus terms as short forms when mining', () => {
    const vocabulary: [string, number][] = [['中心医院', 3], ['中医', 9], ['中心', 9], ['医院', 9], ['网上银行', 2], ['网银', 2], ['网上', 9], ['银行', 9]];
    expect(mineForms({ vocabulary }).pairs).toEqual([['中心医院', '中医'], ['网上银行', '网银']]);
    expect(mineForms({ vocabulary, common: (w) => w === '中医' }).pairs).toEqual([['网上银行', '网银']]);
    expect(mineForms({ vocabulary, reserved: ['网银'] }).pairs).toEqual([['中心医院', '中医']]);
  });

  it('widens both ways, and a typed long form the corpus never prints reaches its short form', () => {
    const vocabulary: [string, number][] = [['人民', 9], ['防空', 9], ['人防', 5], ['网上银行', 2], ['网银', 2], ['网上', 9], ['银行', 9]];
    const index = new FormIndex(mineForms({ vocabulary }), vocabulary);
    expect(index.formsOf('网银')).toEqual(['网上银行']);
    expect(index.formsOf('网上银行')).toEqual(['网银']);
    expect(index.formsOf('人民防空')).toEqual(['人防']);
    expect(index.formsOf('人民')).toEqual([]);
  });

  it('lets a typed span of several words reach a short form only through every one of its words', () => {
    const vocabulary: [string, number][] = [['授权', 9], ['调用', 9], ['社保', 9], ['信息', 9], ['授信', 5], ['人民', 9], ['防空', 9], ['人防', 5]];
    const index = new FormIndex(mineForms({ vocabulary }), vocabulary);
    // 授信 takes 授 and 信 and passes over 调用 and 社保: not what the four typed words abbreviate.
    expect(index.formsOf('授权调用社保信息')).toEqual([]);
    expect(index.formsOf('授权信息')).toEqual(['授信']);
    expect(index.formsOf('人民防空')).toEqual(['人防']);
    // A term of the vocabulary may still pass over a word (环境|影响|评价 → 环评), as the mined pairs do.
    const terms: [string, number][] = [['环境影响评价', 3], ['环境', 9], ['影响', 9], ['评价', 9], ['环评', 4]];
    expect(new FormIndex({ pairs: [], shorts: ['环评'] }, terms).formsOf('环境影响评价')).toEqual(['环评']);
  });
});

describe('long and short forms mined from the seeds', () => {
  it('carries the mined pairs in the snapshot, none of them an ordinary word taken for an abbreviation', () => {
    const forms = service.body.analysis.forms!;
    expect(forms.pairs.length).toBeGreaterThan(0);
    const shorts = new Set(forms.pairs.map(([, s]) => s));
    for (const wrong of ['中医', '人工', '申报', '关联', '航运', '海域', '专人']) expect(shorts.has(wrong), wrong).toBe(false);
    for (const [long, short] of forms.pairs) {
      expect(long[0]).toBe(short[0]);
      expect(long.includes(short)).toBe(false);
    }
  });

  it('finds the 人防 records for a typed 人民防空, ranking them as it would 人防 itself', () => {
    const typed = service.search({ q: '人民防空 审批', size: 20, collapse: false }).hits.map((h) => h.id);
    const short = service.search({ q: '人防 审批', size: 20, collapse: false }).hits.map((h) => h.id);
    expect(new Set(typed)).toEqual(new Set(short));
  });

  it('lets a typed long form reach a short form only where the corpus uses it with the long form’s words (保险理赔 is not 保理)', () => {
    const alternatives = (q: string) => service.engine.analyzer.analyse(q).groups.flat().flatMap((c) => c.constraints.flatMap((k) => k.alternatives.map((a) => a.text)));
    // 保理 (factoring) fits the contraction rule for 保险|理赔, but no record holding 保理 says 保险 or 理赔.
    expect(alternatives('保险理赔')).not.toContain('保理');
    // 人防 records do say 防空: the short form holds.
    expect(alternatives('人民防空')).toContain('人防');
  });

  it('keeps the typed words of a sentence whose span only a word-skipping short form would glue (授权调用社保信息 is not 授信)', () => {
    const q = '生病住院花的钱找商保公司报销时授权调用社保信息，不用交纸质清单';
    const words = service.engine.analyzer.analyse(q).groups.flat().flatMap((c) => c.constraints);
    expect(words.flatMap((k) => k.alternatives.map((a) => a.text))).not.toContain('授信');
    // Each typed word searches as itself, with its own equivalents (社保 = 社会保险).
    for (const w of ['授权', '调用', '社保', '信息']) expect(words.map((k) => k.text), w).toContain(w);
    expect(words.find((k) => k.text === '社保')!.alternatives.map((a) => a.text)).toContain('社会保险');
  });
});

describe('terms a plain phrase spells out across its words', () => {
  const alternativesOf = (q: string) =>
    new Map(service.engine.analyzer.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => [k.text, k.alternatives.map((a) => a.text)] as const)));
  const holding = (text: string) => {
    const n = service.engine.analyzer.normalizer;
    return new Set(service.records.filter((r) => n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n')).includes(text)).map((r) => r.id));
  };

  it('reads 货物到港直接提走 as 船到直提 and ranks the records printing it first', () => {
    const q = '货物到港直接提走不进堆场';
    // 到, 直, 提 in order, three of 船到直提's four characters, drawn from 到, 直接 and 提 (lone characters no word search uses).
    expect(alternativesOf(q).get('直接')).toContain('船到直提');
    const named = holding('船到直提');
    expect(named.size).toBeGreaterThan(0);
    const hits = service.search({ q, size: 20, collapse: false }).hits;
    expect(named.has(hits[0].id)).toBe(true);
    // They hold 直接 now (through the term), and rank above every record lacking a word they hold.
    const rank = (id: string) => hits.findIndex((h) => h.id === id);
    for (const id of named) {
      const h = hits[rank(id)];
      expect(h, id).toBeDefined();
      expect(h.missing, id).not.toContain('直接');
      expect(hits.slice(0, rank(id)).every((x) => x.missing.length <= h.missing.length), id).toBe(true);
    }
  });

  it('reads 拿到土地马上开工 as 拿地即开工 for both words it drew on', () => {
    const alts = alternativesOf('拿到土地马上开工');
    expect(alts.get('土地')).toContain('拿地即开工');
    expect(alts.get('开工')).toContain('拿地即开工');
    const first = service.search({ q: '拿到土地马上开工', size: 1 }).hits[0];
    expect(first.title).toContain('拿地即开工');
  });

  it('widens a word only to the ways of a spelled term that keep a character the word lent it', () => {
    // 全|流程|网上交易 spell 全程网办 (a seed record's sentence); 流程 lent it 程, which 一网通办 and 网上办理 (its
    // equivalents) lack: 流程 widens to 全程网办 alone, 网上交易 (which lent 网) to all of them.
    const q = '商品住宅等经营性用地可实现全流程网上交易';
    const spelled = service.engine.analyzer.spelledTerms(service.engine.analyzer.segment(q).map((p) => p.text));
    expect(spelled.find((t) => t.term === '全程网办')?.drew.get('流程')).toBe('程');
    const alts = alternativesOf(q);
    expect(alts.get('流程')).toContain('全程网办');
    expect(alts.get('流程')).not.toContain('一网通办');
    expect(alts.get('网上交易')).toEqual(expect.arrayContaining(['全程网办', '一网通办']));
    // 防空 lent 空 to 民用航空 (spelled by 盖民|用|…|防空): that term's short form 民航 has none of it.
    expect(alternativesOf('盖民用楼房时防空地下室不再单独报批').get('防空')).not.toContain('民航');
    // 船舶 lent 船舶 to 船舶加油 in 给国际航行船舶加保税油: 船供油 keeps 船 and stays.
    expect(alternativesOf('给国际航行船舶加保税油').get('船舶')).toContain('船供油');
  });

  it('leaves keyword queries, phrases and field prefixes alone: no lone character, no spelled term', () => {
    for (const q of ['港口通关效率', '"货物到港直接提走"', 'title:货物到港直接提走', '船到直提']) {
      const extra = [...alternativesOf(q).values()].flat().filter((a) => a === '船到直提' && !q.includes(a));
      expect(extra, q).toEqual([]);
    }
    expect(service.engine.analyzer.spelledTerms(['港口', '通关', '效率'])).toEqual([]);
  });

  it('needs most of the term’s characters close together: the same characters scattered over a long sentence spell nothing', () => {
    // 到 … 直 … 提 spread over more than the term's length plus three characters.
    expect(service.engine.analyzer.spelledTerms(['到', '了', '港口', '以后', '货物', '可以', '直接', '由', '企业', '提'])).toEqual([]);
    expect(service.engine.analyzer.spelledTerms(['到', '港', '直接', '提', '走']).map((t) => t.term)).toContain('船到直提');
  });
});
