import { beforeAll, describe, expect, it } from 'vitest';
import { type SearchService } from '../search/service.js';
import { recordPlainText, seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

const plainText = (id: string) => recordPlainText(service, id);

/** Per word of the query, the texts it is searched by; and its parts. */
const constraintsOf = (q: string) =>
  service.engine.analyse(q).groups.flat().flatMap((cl) => cl.constraints.map((c) => ({ text: c.text, alternatives: c.alternatives.map((a) => a.text), parts: c.parts ?? [] })));

describe('a term the words of a sentence spell out brings its thesaurus equivalents', () => {
  it('reads 船舶 … 加 … 油 as 船舶加油 and so as 船供油, the word the bunkering record prints', () => {
    const ship = constraintsOf('给国际航行船舶加保税油').find((c) => c.text === '船舶')!;
    expect(ship.alternatives).toContain('船舶加油');
    expect(ship.alternatives).toContain('船供油');
    const hits = service.search({ q: '给国际航行船舶加保税油', size: 10 }).hits;
    const at = hits.findIndex((h) => plainText(h.id).includes('保税船供油'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(3);
    // Found through the equivalent, it holds the words it was spelled from.
    expect(hits[at].missing).not.toContain('船舶');
  });

  it('adds nothing to a keyword list: no lone character, no spelled term, no equivalents of one', () => {
    const words = constraintsOf('船舶 保税油');
    expect(words.flatMap((c) => c.alternatives)).not.toContain('船供油');
  });
});

describe('the everyday name of a procedure finds the records that print its official name', () => {
  it('finds the business start-up (企业开办) records for 注册公司, what founders call registering a company', () => {
    const [word] = constraintsOf('注册公司');
    expect(word.alternatives).toEqual(expect.arrayContaining(['企业开办', '企业设立']));
    const hits = service.search({ q: '注册公司', size: 10 }).hits;
    expect(hits.length).toBeGreaterThan(0);
    // No record prints 注册公司: the first hits print the official name and are found through it.
    expect(plainText(hits[0].id)).toMatch(/企业开办|企业设立|开办企业|新办企业/);
    expect(hits[0].missing).toEqual([]);
  });
});

describe('an equivalent kept whole as one word lends its pieces to the word’s parts', () => {
  it('gives 先放后检 the pieces of 先放行后检测 as parts, so records printing 先放行 fill its short page', () => {
    const [slogan] = constraintsOf('先放后检');
    expect(slogan.parts).toEqual(expect.arrayContaining(['先放行', '检测']));
    const res = service.search({ q: '先放后检', size: 10 });
    // The records printing the slogan come first; the page is then filled by records lacking it, which say so.
    const printing = res.hits.filter((h) => plainText(h.id).includes('先放后检'));
    expect(printing.length).toBeGreaterThan(0);
    expect(res.hits.slice(0, printing.length)).toEqual(printing);
    const filled = res.hits.slice(printing.length);
    expect(filled.length).toBeGreaterThan(0);
    for (const h of filled) expect(h.missing, h.title).toEqual(['先放后检']);
    // A piece of three or more characters (先放行) brings records in; a two-character one (检测, 检验) only adds to
    // the score of those (test/honest-fill.test.ts: a one-word query is never padded by a generic piece).
    for (const h of filled) expect(plainText(h.id), h.title).toContain('先放行');
  });
});

describe('a framing word cut from a sentence leaves a word boundary', () => {
  it('searches 保函 in 没有银行保函也能向海关提供担保, never 保函向 glued across the cut 也能', () => {
    const words = constraintsOf('没有银行保函也能向海关提供担保').map((c) => c.text);
    expect(words).toContain('保函');
    expect(words.some((w) => w.length > 2 && w.startsWith('保函'))).toBe(false);
    // Every hit on the first page prints a guarantee word (保函 or 担保): the query is about guarantees.
    const hits = service.search({ q: '没有银行保函也能向海关提供担保', size: 5 }).hits;
    for (const h of hits) expect(/保函|担保/.test(plainText(h.id)), h.title).toBe(true);
  });
});

describe('the plain words users type reach the words the records print (dict/synonyms.txt)', () => {
  it('reads 初次 and 第一次 as 首次, and 罚单 as 处罚决定书', () => {
    const alternativesOf = (q: string, word: string) => constraintsOf(q).find((c) => c.text === word)?.alternatives ?? [];
    expect(alternativesOf('初次 违法', '初次')).toContain('首次');
    expect(alternativesOf('海关 罚单', '罚单')).toContain('处罚决定书');
    // No record prints 罚单: the first page holds records printing 处罚决定书.
    const hits = service.search({ q: '海关 罚单', size: 3 }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(plainText(h.id).includes('罚单')).toBe(false);
    expect(hits.some((h) => plainText(h.id).includes('处罚决定书'))).toBe(true);
  });
});

describe('the words people say find the records that print the documents’ word (session 19 thesaurus lines)', () => {
  // No seed record prints 交税 or 打官司: each is found only through its thesaurus equivalent, as a whole match.
  it.each([
    ['交税', /纳税|缴税/],
    ['打官司', /诉讼/],
  ])('finds records printing the official word for %s, first, lacking no word', (q, printed) => {
    const hits = service.search({ q, size: 10 }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(plainText(h.id).includes(q), h.title).toBe(false);
    expect(plainText(hits[0].id)).toMatch(printed);
    expect(hits[0].missing).toEqual([]);
  });
});

describe('everyday words find the records that print the documents’ word (session 20 lines)', () => {
  // No seed record prints the typed word: each is found only through its thesaurus equivalent, as a whole match.
  it.each([
    ['一条龙', /一站式/],
    ['寄递', /邮寄/],
    ['库房', /仓库/],
    ['筹资', /融资/],
    ['借钱', /借款|贷款/],
    ['零收费', /免费/],
    ['等候', /等待/],
    ['称重', /计重/],
    ['押金', /保证金/],
    ['还钱', /还款/],
    ['房租', /租金/],
  ])('finds records printing the documents’ word for %s, first, lacking no word', (q, printed) => {
    const hits = service.search({ q, size: 10 }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(plainText(h.id).includes(q), h.title).toBe(false);
    expect(plainText(hits[0].id)).toMatch(printed);
    expect(hits[0].missing).toEqual([]);
  });

  it('reads 网上 as 线上 and 在线, so a record saying only 线上 is a whole match for 网上', () => {
    const hits = service.search({ q: '网上', size: 100 }).hits;
    const online = hits.filter((h) => !plainText(h.id).includes('网上') && plainText(h.id).includes('线上'));
    expect(online.length).toBeGreaterThan(0);
    for (const h of online) expect(h.missing, h.title).toEqual([]);
  });
});
