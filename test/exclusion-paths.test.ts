import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchService } from '../search/service.js';
import type { SearchField } from '../search/fields.js';
import { ownTextSays, seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

const says = (d: number, text: string, fields?: readonly SearchField[]) => ownTextSays(service, d, text, fields);

/** Every seed record holding the string in those fields, increasing. */
function holders(text: string, fields?: readonly SearchField[]): number[] {
  return service.records.map((_, d) => d).filter((d) => says(d, text, fields));
}

const docsOf = (q: string) => Array.from(service.engine.search(q).docs);

describe('an exclusion restricted to a field removes records by that field alone', () => {
  it('退税 -title:出口 drops the records titled with 出口 and keeps one that says 出口 only in its text', () => {
    const result = service.engine.search('退税 -title:出口');
    // What the exclusion removes: every record whose own title says 出口, and no other.
    expect(Array.from(result.excluded)).toEqual(holders('出口', ['title']));
    const want = docsOf('退税').filter((d) => !says(d, '出口', ['title']));
    expect(Array.from(result.docs)).toEqual(want);
    // The premise that makes the field matter: a kept record says 出口 outside its title.
    expect(want.some((d) => says(d, '出口'))).toBe(true);
    expect(result.docs.length).toBeGreaterThan(docsOf('退税 -出口').length);
  });

  it('企业 -部门:海关 drops the records whose own units name 海关, whatever their text says', () => {
    const result = service.engine.search('企业 -部门:海关');
    expect(Array.from(result.excluded)).toEqual(holders('海关', ['departments']));
    const want = docsOf('企业').filter((d) => !says(d, '海关', ['departments']));
    expect(Array.from(result.docs)).toEqual(want);
    expect(want.some((d) => says(d, '海关', ['content', 'title']))).toBe(true);
  });
});

describe('several exclusions, and exclusions beside several words, remove every record saying any of them', () => {
  it('海关 -跨境 -监管 keeps the 海关 records saying neither, and lists the excluded records once each, increasing', () => {
    const result = service.engine.search('海关 -跨境 -监管');
    const excluded = Array.from(result.excluded);
    expect(excluded).toEqual([...new Set([...holders('跨境'), ...holders('监管')])].sort((a, b) => a - b));
    const want = docsOf('海关').filter((d) => !says(d, '跨境') && !says(d, '监管'));
    expect(Array.from(result.docs)).toEqual(want);
    // Each exclusion removes something the other does not.
    expect(want.length).toBeLessThan(docsOf('海关 -跨境').length);
    expect(want.length).toBeLessThan(docsOf('海关 -监管').length);
  });

  it('海关 监管 -跨境 ranks only records holding both words and not saying 跨境, the same records as without the exclusion less those', () => {
    const result = service.engine.search('海关 监管 -跨境');
    const want = docsOf('海关 监管').filter((d) => !says(d, '跨境'));
    expect(Array.from(result.docs)).toEqual(want);
    expect(want.length).toBeLessThan(docsOf('海关 监管').length);
    expect(result.partial).toBe(false);
    // Scores are the unexcluded query's scores for the same records: an exclusion removes, it never re-scores.
    const all = service.engine.search('海关 监管');
    for (let i = 0; i < result.docs.length; i++) expect(result.scores[i]).toBe(all.scores[all.docs.indexOf(result.docs[i])]);
  });

  it('a phrase excluded whole (-"出口 退税") removes the records saying 出口退税, not those saying either word apart', () => {
    const result = service.engine.search('退税 -"出口 退税"');
    expect(Array.from(result.excluded)).toEqual(holders('出口退税'));
    const docs = Array.from(result.docs);
    expect(docs).toEqual(docsOf('退税').filter((d) => !says(d, '出口退税')));
    expect(docs.some((d) => says(d, '出口'))).toBe(true);
  });

  it('a question with an exclusion never returns a record saying the excluded word, partial matches included', () => {
    const q = '怎样办理跨境电商退货';
    const result = service.engine.search(`${q} -海关`);
    expect(result.docs.length).toBeGreaterThan(0);
    for (const d of result.docs) expect(says(d, '海关')).toBe(false);
    // The records it keeps that hold every word are those of the question without the exclusion that do not say 海关.
    const full = (r: typeof result) => Array.from(r.docs).filter((_, i) => r.missingMask[i] === 0);
    expect(full(result)).toEqual(full(service.engine.search(q)).filter((d) => !says(d, '海关')));
  });

  it('one word less an exclusion scores its records as the word alone does, whether a filtered view reads them first or the whole ranking', () => {
    const alone = service.engine.search('海关');
    const scoreOf = new Map(Array.from(alone.docs, (d, i) => [d, alone.scores[i]]));
    service.engine.clearCache();
    const result = service.engine.search('海关 -跨境');
    // A filtered view (every other record) reads scores one by one before anything reads them all.
    const keep = Uint8Array.from(result.docs, (_, i) => i % 2);
    const viewed = result.order(5, keep);
    // The first five kept records by the word's own score (record order breaking ties), with those scores.
    const kept = Array.from(result.docs).filter((_, i) => keep[i] === 1);
    const best = kept.sort((a, b) => scoreOf.get(b)! - scoreOf.get(a)! || a - b).slice(0, 5);
    expect(viewed.map((e) => [e.index, e.score])).toEqual(best.map((d) => [d, scoreOf.get(d)]));
    result.docs.forEach((d, i) => expect(result.scores[i]).toBe(scoreOf.get(d)));
    expect(result.docs.length).toBe(docsOf('海关').filter((d) => !says(d, '跨境')).length);
  });
});
