import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { POSITION_BLOCK, decodeDocs, decodePositions, decodeTerm, encodeTerm } from '../indexer/postings-codec.js';
import { searchTexts, type SearchField } from '../indexer/fields.js';
import { INDEX_FORMAT, INDEX_FORMAT_VARINT, type IndexData } from '../indexer/postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { decodeSnapshotBytes } from '../snapshot/file.js';
import { Matcher, slotEntry } from '../search/match.js';
import { Postings, TermOccurrences, positionsOf, recordsOf } from '../search/postings.js';
import { SearchService } from '../search/service.js';
import { ROOT, seedSnapshot, termOfDraws } from './helpers.js';

let body: SnapshotBody;
let index: IndexData;
beforeAll(async () => {
  body = await seedSnapshot();
  index = (body.index as { postings: IndexData }).postings;
});

/** Random postings of one term: slots increasing, each with increasing positions (outliers and long fields too). */
const termPostings = fc
  .array(fc.record({ gap: fc.oneof(fc.nat(40), fc.nat(2_000_000)), first: fc.oneof(fc.nat(300), fc.nat(70_000)), steps: fc.array(fc.oneof(fc.nat(20), fc.nat(100_000)), { maxLength: 5 }) }), { minLength: 1, maxLength: 3 * POSITION_BLOCK + 7 })
  .map(termOfDraws);

/** The index with every term re-stored as format 1 (LEB128 varints), which the reader decodes whole, positions included. */
function asVarintIndex(d: IndexData): IndexData {
  const reader = new Postings(d, 0);
  const out: number[] = [];
  const varint = (v: number) => {
    for (; v >= 0x80; v >>>= 7) out.push((v & 0x7f) | 0x80);
    out.push(v);
  };
  const termBytes = new Uint32Array(reader.termCount + 1);
  for (let k = 0; k < reader.termCount; k++) {
    termBytes[k] = out.length;
    const o = reader.term(reader.termAt(k));
    let last = 0;
    for (let e = 0; e < o.slots.length; e++) {
      varint(o.slots[e] - last);
      last = o.slots[e];
      varint(o.starts[e + 1] - o.starts[e]);
      let p = 0;
      for (let x = o.starts[e]; x < o.starts[e + 1]; x++) {
        varint(o.pos[x] - p);
        p = o.pos[x];
      }
    }
  }
  termBytes[reader.termCount] = out.length;
  return { ...d, format: INDEX_FORMAT_VARINT, termBytes, postings: Uint8Array.from(out) };
}

describe('postings store each term\'s records apart from its positions, and positions are read only where needed', () => {
  it('a term\'s document stream decodes alone to the slots and position counts written, and each block of positions to its positions (property)', () => {
    fc.assert(
      fc.property(termPostings, fc.nat(7), (occ, at) => {
        const bytes = encodeTerm(occ);
        // Written after other bytes, as a term in the middle of the postings is.
        const buf = new Uint8Array(at + bytes.length);
        buf.set(bytes, at);
        const E = occ.slots.length;
        const slots = new Int32Array(E);
        const starts = new Int32Array(E + 1);
        const table = decodeDocs(buf, at, slots, starts);
        expect([...slots]).toEqual(occ.slots);
        expect([...starts]).toEqual(occ.starts);
        // Blocks decoded last to first, each on its own: every one lands where the whole decode puts it.
        const pos = new Int32Array(occ.pos.length);
        for (let from = Math.floor((E - 1) / POSITION_BLOCK) * POSITION_BLOCK; from >= 0; from -= POSITION_BLOCK) {
          decodePositions(buf, at, table, starts, pos, from, Math.min(E, from + POSITION_BLOCK));
          expect([...pos.subarray(starts[from])]).toEqual(occ.pos.slice(starts[from]));
        }
        const whole = new Int32Array(occ.pos.length);
        expect(decodeTerm(buf, at, new Int32Array(E), new Int32Array(E + 1), whole)).toBe(occ.pos.length);
        expect([...whole]).toEqual(occ.pos);
      }),
      { numRuns: 200 },
    );
  });

  it('decoding a term\'s document stream lists its records and where each record\'s entries begin, as recordsOf reads them from the slots (property)', () => {
    fc.assert(
      fc.property(termPostings, fc.integer({ min: 1, max: 9 }), (occ, F) => {
        const bytes = encodeTerm(occ);
        const E = occ.slots.length;
        const runs = { F, docs: new Int32Array(E), first: new Int32Array(E + 1), n: -1 };
        decodeDocs(bytes, 0, new Int32Array(E), new Int32Array(E + 1), runs);
        const docs = [...recordsOf({ slots: Int32Array.from(occ.slots), starts: Int32Array.from(occ.starts), pos: new Int32Array(0) }, F)];
        expect([...runs.docs.subarray(0, runs.n)]).toEqual(docs);
        // Each record's entries run from first[i] to first[i + 1], and those entries' slots are that record's.
        expect(runs.first[0]).toBe(0);
        expect(runs.first[runs.n]).toBe(E);
        for (let i = 0; i < runs.n; i++) {
          expect(runs.first[i + 1]).toBeGreaterThan(runs.first[i]);
          for (let e = runs.first[i]; e < runs.first[i + 1]; e++) expect(Math.floor(occ.slots[e] / F)).toBe(docs[i]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('scoring a common seed word (企业) decodes none of its positions; one record\'s proximity check decodes one block; reading them all gives every position', () => {
    expect(index.format).toBe(INDEX_FORMAT);
    // The service's own postings reader (the engine's public postings option), so its cached 企业 is what searches used.
    let postings: Postings | undefined;
    const service = new SearchService(body, { postings: (data, cachePositions) => (postings = new Postings(data, cachePositions)) });
    const plain = service.search({ q: '企业', size: 20 });
    expect(plain.total).toBeGreaterThan(2 * POSITION_BLOCK);
    const region = body.records.find((r) => r.id === plain.hits[0].id)!.regions[0];
    const filtered = service.search({ q: '企业', size: 20, filters: { region: [region] } });
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(plain.total);
    const excluded = service.search({ q: '海关 -企业', size: 20 });
    expect(excluded.total).toBeGreaterThan(0);
    const occ = postings!.term('企业');
    expect(occ).toBeInstanceOf(TermOccurrences);
    const term = occ as TermOccurrences;
    expect(term.slots.length).toBeGreaterThan(2 * POSITION_BLOCK);
    // Ranked, filtered and excluded on record lists alone: not one position of 企业 was decoded for the three searches.
    expect(term.positionsDecoded).toBe(0);
    const i = term.slots.length - 3;
    const entry = slotEntry(term, term.slots[i]);
    expect(entry).toBe(i);
    expect(term.positionsDecoded).toBe(0);
    const [from, to, pos] = [term.starts[entry], term.starts[entry + 1], positionsOf(term, entry)];
    expect(term.positionsDecoded).toBeGreaterThan(0);
    expect(term.positionsDecoded).toBeLessThan(term.starts[term.slots.length] / 2);
    // The positions decoded are where 企业 is in that record's normalised field text.
    const F = index.fields.length;
    const texts = searchTexts(body.records);
    const slotText = (slot: number) => service.engine.analyzer.normalizer.plain(texts[Math.floor(slot / F)][index.fields[slot % F] as SearchField]);
    expect(to - from).toBeGreaterThan(0);
    for (const p of pos.subarray(from, to)) expect(slotText(term.slots[i]).slice(p, p + 2)).toBe('企业');
    const all = [...term.pos];
    expect(term.positionsDecoded).toBe(all.length);
    expect([...pos.subarray(from, to)]).toEqual(all.slice(from, to));
    // Every position read whole is 企业 too (every 7th record field, to keep it quick).
    for (let e = 0; e < term.slots.length; e += 7) {
      const t = slotText(term.slots[e]);
      for (let x = term.starts[e]; x < term.starts[e + 1]; x++) expect(t.slice(all[x], all[x] + 2)).toBe('企业');
    }
  });

  it('an excluded word\'s records listed straight from its document stream are the records of its decoded postings, in every field or in some', () => {
    const F = index.fields.length;
    const postings = new Postings(index, 0);
    const titleOnly = new Uint8Array(F);
    titleOnly[index.fields.indexOf('title')] = 1;
    const notTitle = titleOnly.map((x) => 1 - x);
    let listed = 0;
    for (let k = 0; k < postings.termCount; k += 7) {
      const term = postings.termAt(k);
      const occ = new Postings(index, 1 << 20).term(term);
      for (const keep of [undefined, titleOnly, notTitle]) {
        const want = recordsOf(occ, F, keep);
        expect(postings.termRecords(term, keep), term).toEqual(want);
        listed += want.length;
      }
    }
    expect(listed).toBeGreaterThan(1000);
    expect(postings.termRecords('不在索引中的词')).toHaveLength(0);
  });

  it('a phrase of a seed record is matched from positions: 留抵退税 is where 留抵, 抵退 and 退税 sit one after another', () => {
    const matcher = new Matcher(new Postings(index, 1 << 20), 100, 4);
    const phrase = matcher.needle('留抵退税');
    expect(phrase.slots.length).toBeGreaterThan(0);
    const postings = new Postings(index, 1 << 20);
    const [a, b, c] = ['留抵', '抵退', '退税'].map((t) => postings.term(t));
    for (let e = 0; e < phrase.slots.length; e++) {
      for (let x = phrase.starts[e]; x < phrase.starts[e + 1]; x++) {
        const p = phrase.pos[x];
        for (const [o, off] of [[a, 0], [b, 1], [c, 2]] as const) {
          const entry = slotEntry(o, phrase.slots[e]);
          expect(entry).toBeGreaterThanOrEqual(0);
          expect([...positionsOf(o, entry).subarray(o.starts[entry], o.starts[entry + 1])]).toContain(p + off);
        }
      }
    }
  });

  it('answers every judged query and the kinds users type exactly as an index whose positions are decoded whole (format 1)', () => {
    const lazy = new SearchService(body);
    const whole = new SearchService({ ...body, index: { ...(body.index as object), postings: asVarintIndex(index) } } as SnapshotBody);
    const judged = (file: string) => (JSON.parse(readFileSync(join(ROOT, 'bench', file), 'utf8')) as { query: string }[]).map((q) => q.query);
    const queries = [...judged('queries.dev.json'), ...judged('queries.test.json'), '企业 登记', '海关 -税务', '"一网通办"', '不动产登记', '如何缩短工程建设项目审批时间', '12.6亿元', ''];
    for (const q of queries) {
      lazy.clearCache();
      whole.clearCache();
      expect({ ...lazy.search({ q, size: 20 }), took_ms: 0 }, q).toEqual({ ...whole.search({ q, size: 20 }), took_ms: 0 });
    }
  });

  it('a snapshot written before the split (format 2: positions interleaved with records) still finds each of its records by title and by a phrase', () => {
    // Built by the indexer at 6e0954a from the three records of v2-three-records.json.
    const old = decodeSnapshotBytes(readFileSync(join(ROOT, 'test', 'fixtures', 'v5-three-records-postings-2.snapshot'))).body;
    expect((old.index as { postings: IndexData }).postings.format).toBe('positional-bigram-2');
    const service = new SearchService(old);
    for (const record of old.records) {
      const hits = service.search({ q: record.title, size: 3 }).hits;
      expect(hits[0]?.id, record.title).toBe(record.id);
      const phrase = `"${record.title.replace(/^[“"]/, '').slice(0, 4)}"`;
      expect(service.search({ q: phrase, size: 10 }).hits.map((h) => h.id), phrase).toContain(record.id);
    }
  });

  it('a snapshot whose postings are in a format this reader does not know is refused whole, saying to rebuild it', () => {
    const future = { ...body, index: { ...(body.index as object), postings: { ...index, format: 'positional-bigram-9' } } } as SnapshotBody;
    expect(() => new SearchService(future)).toThrow(/not a positional index of these records \(rebuild the snapshot\)/);
  });
});
