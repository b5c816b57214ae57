import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineIndex } from '../indexer/engine-index.js';
import { type WordIndex } from '../indexer/word-postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { NEAR_GAP } from '../search/analyzer.js';
import { Matcher } from '../search/match.js';
import { Postings, TermOccurrences, type Occurrences } from '../search/postings.js';
import { seedSnapshot } from './helpers.js';
import { everyLongWordStored, indexedTexts } from './seed-texts.js';

// What a question's matching reads, checked against the seeds' own text: the strings it looks up (its words, their
// narrower kinds, the question typed whole, which no record prints) and the compounds it finds split.
let body: SnapshotBody;
let texts: string[];
let postings: Postings;
let words: WordIndex;
beforeAll(async () => {
  body = await seedSnapshot();
  // The texts the build indexed, in slot order (record × field): positions are offsets into them.
  texts = indexedTexts(body);
  postings = new Postings((body.index as EngineIndex).postings, 1 << 20);
  // Every word of three or more Han characters stored (the seeds are too small for the default cost), so the stored
  // path is checked on real text too (as in stored-words.test.ts).
  words = everyLongWordStored(body, texts);
});

/** A matcher over the seeds' index, with every long word stored (read as one term) or without. */
function matchers(): [string, Matcher][] {
  const index = (body.index as EngineIndex).postings;
  return [
    ['bigrams', new Matcher(new Postings(index, 1 << 20), 1 << 12, NEAR_GAP)],
    ['stored words', new Matcher(new Postings(index, 1 << 20), 1 << 12, NEAR_GAP, new Postings({ ...index, ...words }, 1 << 20))],
  ];
}

/** Every (slot, offset) where `s` is printed, slot by slot: what a needle of a Han string must list. */
function printed(s: string): { slots: number[]; pos: number[][] } {
  const slots: number[] = [];
  const pos: number[][] = [];
  texts.forEach((t, slot) => {
    const at: number[] = [];
    for (let i = t.indexOf(s); i >= 0; i = t.indexOf(s, i + 1)) at.push(i);
    if (at.length) slots.push(slot), pos.push(at);
  });
  return { slots, pos };
}

function listed(o: Occurrences): { slots: number[]; pos: number[][] } {
  const all = o.pos;
  return { slots: Array.from(o.slots), pos: Array.from(o.slots, (_, i) => Array.from(all.subarray(o.starts[i], o.starts[i + 1]))) };
}

/** Where a…b is printed with 1 to NEAR_GAP characters between and no sentence break there (a's starts). */
function printedNear(a: string, b: string): { slots: number[]; pos: number[][] } {
  const slots: number[] = [];
  const pos: number[][] = [];
  texts.forEach((t, slot) => {
    const at: number[] = [];
    for (let i = t.indexOf(a); i >= 0; i = t.indexOf(a, i + 1)) {
      const end = i + a.length;
      // The first b starting at least one character after a ends decides, as the index's check reads it.
      const q = t.indexOf(b, end + 1);
      if (q >= 0 && q <= end + NEAR_GAP && !/[。;!?；！？]/.test(t.slice(end, q))) at.push(i);
    }
    if (at.length) slots.push(slot), pos.push(at);
  });
  return { slots, pos };
}

// Strings the seeds' three bench questions look up, and the questions typed whole.
const QUESTIONS = ['如何缩短工程建设项目审批时间', '怎样办理跨境电商退货', '企业如何申请知识产权质押融资'];
const LOOKED_UP = [
  ...QUESTIONS,
  '工程建设项目', '建设项目', '审批时间', '跨境电商', '跨境电子商务', '知识产权质押融资', '知识产权质押贷款', '知识产权',
  // Narrower kinds of the questions' words: most are printed nowhere in the seeds, though each of their bigrams is.
  '房屋建筑工程', '市政基础设施工程', '工业建筑项目', '电力工程', '人防工程', '交通工程', '水利工程',
  '专利质押融资', '商标质押融资', '版权质押融资', '地理标志质押融资', '集成电路布图设计质押融资',
  '自由贸易试验区', '综合保税区', '不动产登记', '一网通办', '告知承诺制',
];

describe('question matching on the seeds', () => {
  it('finds each string a question looks up exactly where the seeds print it, and nothing for a question no record prints whole', () => {
    for (const [name, matcher] of matchers()) {
      let found = 0;
      let absent = 0;
      for (const s of LOOKED_UP) {
        const want = printed(s);
        expect(listed(matcher.needle(s)), `${name}: ${s}`).toEqual(want);
        if (want.slots.length) found++;
        else absent++;
      }
      // Both kinds of string were asked: printed ones (the positions path) and absent ones (the slots-only path).
      expect(found).toBeGreaterThanOrEqual(10);
      expect(absent).toBeGreaterThanOrEqual(5);
      for (const q of QUESTIONS) expect(matcher.needle(q).slots.length, q).toBe(0);
    }
  });

  it('reads no positions for a string no record prints though every bigram of it is printed somewhere', () => {
    // Question words run together: each bigram is in the index, the string is in no field.
    for (const s of ['工程建设项目审批时间', '办理跨境电商', '项目审批时间', '审批时间缩短', '跨境电商企业登记']) {
      const fresh = new Postings((body.index as EngineIndex).postings, 1 << 20);
      const matcher = new Matcher(fresh, 1 << 12, NEAR_GAP);
      expect(printed(s).slots.length, s).toBe(0);
      expect(matcher.needle(s).slots.length, s).toBe(0);
      let decoded = 0;
      for (let i = 0; i + 2 <= s.length; i++) {
        const t = fresh.term(s.slice(i, i + 2));
        expect(t.slots.length, s.slice(i, i + 2)).toBeGreaterThan(0);
        if (t instanceof TermOccurrences) decoded += t.positionsDecoded;
      }
      // No field holds every covering bigram of these strings: their slots alone say so, and no position is read
      // (the rarest bigram's positions were once read whole before any other bigram was looked at).
      expect(decoded, s).toBe(0);
    }
  });

  it('finds a compound split by one to six characters inside one sentence exactly where the seeds print it so', () => {
    for (const [name, matcher] of matchers()) {
      let some = 0;
      let bounded = 0;
      for (const [a, b] of [['工程', '建设项目'], ['跨境', '电商'], ['不动产', '登记'], ['知识', '产权'], ['审批', '时间'], ['企业', '登记'], ['海关', '监管'], ['工程建设', '项目']]) {
        const want = printedNear(a, b);
        const near = matcher.near(a, b);
        expect(listed(near), `${name}: ${a}…${b}`).toEqual(want);
        if (want.slots.length) some++;
        // A one-term a (企业, 海关) bounds a…b by its own blocks: per entry, the number of its record among a's records.
        const A = matcher.needle(a);
        if (A instanceof TermOccurrences && A.bounds) {
          bounded++;
          expect(near.bound, `${name}: ${a}…${b}`).toBeDefined();
          const F = postings.fieldCount;
          const aRecords = [...new Set(Array.from(A.slots, (x) => Math.floor(x / F)))];
          expect(Array.from(near.bound!.record), `${name}: ${a}…${b}`).toEqual(Array.from(near.slots, (x) => aRecords.indexOf(Math.floor(x / F))));
        }
      }
      expect(some).toBeGreaterThanOrEqual(3);
      expect(bounded).toBeGreaterThanOrEqual(2);
    }
  });

  it('looks every stored term up by its text, and finds no term for a string between two of them', () => {
    const terms = (body.index as EngineIndex).postings.terms.split('\u0000').slice(0, -1);
    expect(terms.length).toBe(postings.termCount);
    for (let k = 0; k < terms.length; k += 7) {
      expect(postings.termId(terms[k])).toBe(k);
      // A string sorting just after term k (itself plus a character) is not a term unless the next one is it.
      const after = `${terms[k]}\u0001`;
      expect(postings.termId(after)).toBe(terms[k + 1] === after ? k + 1 : -1);
      // A proper prefix of a term is found only if it is itself a term.
      if (terms[k].length > 1) {
        const prefix = terms[k].slice(0, -1);
        expect(postings.termId(prefix)).toBe(terms.indexOf(prefix));
      }
    }
  });
});
