import { SortedCharMap } from '../analysis/char-map.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { readSnapshotHeader, SnapshotError } from '../snapshot/container.js';
import { brotli, decodeSnapshotBytes, serializeSnapshot, sha256, unbrotli } from '../snapshot/file.js';
import { decodeSortedList, encodeSortedList, sortedItems } from '../snapshot/sorted-strings.js';
import { SearchService } from '../search/service.js';
import { builtSeedBody, resealHeader, ROOT } from './helpers.js';

// The body as the build gave it (not a snapshot read back), so a writer that drops or changes a table fails here.
let body: SnapshotBody;
let packed: Uint8Array;
beforeAll(async () => {
  body = await builtSeedBody();
  packed = serializeSnapshot(body, { compress: true });
});

/** The text the size target is measured against (bench/run.ts): the searched fields and departments, UTF-8. */
function textBytes(b: SnapshotBody): number {
  let n = 0;
  for (const r of b.records) for (const t of [r.title, r.content, r.applicableTo, r.process, r.outcome, r.departments.join('、')]) n += t ? Buffer.byteLength(t) : 0;
  return n;
}

describe('a packed snapshot stores its tables in smaller forms and loads them back as written', () => {
  it('the packed seed snapshot is under twice the seeds\' UTF-8 text', () => {
    expect(packed.length / textBytes(body)).toBeLessThan(2);
  });

  it('the term dictionary, vocabulary, user words, short forms and character table load exactly as built', () => {
    const loaded = decodeSnapshotBytes(packed).body;
    const index = (b: SnapshotBody) => (b.index as { postings: { terms: string } }).postings;
    expect(index(loaded).terms).toBe(index(body).terms);
    // Same entries in the same order: the query segmenter and the forms read the vocabulary in this order.
    expect(loaded.analysis.vocabulary).toEqual(body.analysis.vocabulary);
    expect(loaded.analysis.vocabulary.slice(0, 3)).toEqual(body.analysis.vocabulary.slice(0, 3));
    expect(loaded.dictionary).toEqual(body.dictionary);
    expect(loaded.analysis.forms).toEqual(body.analysis.forms);
    // Loaded as the stored columns: the same entries in the same order, and every look-up the same.
    expect(loaded.analysis.t2s).toBeInstanceOf(SortedCharMap);
    expect([...loaded.analysis.t2s.from]).toEqual([...body.analysis.t2s.from]);
    expect(loaded.analysis.t2s.to).toBe(body.analysis.t2s.to);
    for (const c of ['经', '么', 'a', '綜綜', '', '經', '齊']) expect(loaded.analysis.t2s.get(c)).toBe(body.analysis.t2s.get(c));
    expect(loaded.analysis.t2s.get('經')).toBe('经');
  });

  it('a body written in the unpacked layout reads its character table back as the same columns, and a damaged entry is refused', () => {
    const unpacked = serializeSnapshot(body, { compress: false });
    const loaded = decodeSnapshotBytes(unpacked).body;
    expect(loaded.analysis.t2s).toBeInstanceOf(SortedCharMap);
    expect([...loaded.analysis.t2s.from]).toEqual([...body.analysis.t2s.from]);
    expect(loaded.analysis.t2s.to).toBe(body.analysis.t2s.to);
    expect(() => SortedCharMap.fromTable({ 經: '经', 綜: '综合' })).toThrow(/綜/);
    expect(SortedCharMap.fromTable({ 綜: '综', 經: '经' }).get('經')).toBe('经');
  });

  it('a loaded character table writes back the same bytes, and one whose keys are out of order is refused', () => {
    const loaded = decodeSnapshotBytes(packed).body;
    expect(Buffer.from(serializeSnapshot(loaded, { compress: true })).equals(Buffer.from(serializeSnapshot(body, { compress: true })))).toBe(true);
    const t = loaded.analysis.t2s as SortedCharMap;
    const swapped = t.from.slice();
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    expect(() => new SortedCharMap(swapped, t.to)).toThrow(/increasing/);
    expect(() => new SortedCharMap(t.from, t.to.slice(1))).toThrow(/values/);
  });

  it('the similar lists load with the same neighbours, key terms and the scores an answer shows (thousandths)', () => {
    const loaded = decodeSnapshotBytes(packed).body.similar!;
    const built = body.similar!;
    expect(loaded.terms).toEqual(built.terms);
    expect([...loaded.termIds]).toEqual([...built.termIds]);
    expect([...loaded.termWeights]).toEqual([...built.termWeights]);
    for (const scope of ['all', 'otherRegions'] as const) {
      expect([...loaded[scope].ids]).toEqual([...built[scope].ids]);
      expect([...loaded[scope].scores].map((s) => Math.round(s * 1000))).toEqual([...built[scope].scores].map((s) => Math.round(s * 1000)));
    }
    const a = new SearchService(decodeSnapshotBytes(packed).body);
    const b = new SearchService(body);
    for (const r of body.records.slice(0, 60)) {
      expect(a.similar(r.id, 10, 'all')).toEqual(b.similar(r.id, 10, 'all'));
      expect(a.similar(r.id, 10, 'other-regions')).toEqual(b.similar(r.id, 10, 'other-regions'));
    }
  });

  it('a packed snapshot answers searches on the seeds exactly as the body it was written from', () => {
    const a = new SearchService(decodeSnapshotBytes(packed).body);
    const b = new SearchService(body);
    for (const q of ['留抵退税', '退税', '"一网通办"', '通關時間', '海关 -税务', '跨境电商 OR 保税', '12.6亿元', '怎么办理不动产登记', '']) {
      expect({ ...a.search({ q, size: 20 }), took_ms: 0 }, q).toEqual({ ...b.search({ q, size: 20 }), took_ms: 0 });
    }
  });

  it('the unpacked layout a browser reads keeps the tables as the body has them', () => {
    const unpacked = serializeSnapshot(body);
    expect(readSnapshotHeader(unpacked).header.compression).toBeUndefined();
    const loaded = decodeSnapshotBytes(unpacked).body;
    expect(loaded.analysis.vocabulary).toEqual(body.analysis.vocabulary);
    expect([...loaded.similar!.all.scores]).toEqual([...body.similar!.all.scores]);
  });

  it('a stored vocabulary whose counts do not match its words is refused whole, naming it', () => {
    const words = body.analysis.vocabulary.map(([w]) => w).sort();
    const damaged = {
      ...body,
      records: [...body.records],
      // What a packed file holds for the vocabulary, one count short.
      analysis: { ...body.analysis, vocabulary: { $tables: 'tables-1', words: words.join('\0'), counts: new Uint32Array(words.length - 1) } },
    } as unknown as SnapshotBody;
    expect(() => decodeSnapshotBytes(serializeSnapshot(damaged, { compress: true }))).toThrow(/damaged snapshot: the vocabulary has another number of counts than words/);
  });

  it('still reads a version-4 packed snapshot (one brotli stream, tables as JSON)', () => {
    const old = readFileSync(join(ROOT, 'test', 'fixtures', 'v4-three-records.snapshot'));
    const loaded = decodeSnapshotBytes(old);
    expect(loaded.header.formatVersion).toBe(4);
    expect(loaded.header.compression).toBe('brotli');
    expect(loaded.body.records.map((r) => r.title)).toEqual(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'v2-three-records.json'), 'utf8')).map((r: { title: string }) => r.title));
    expect(loaded.body.analysis.vocabulary.length).toBeGreaterThan(0);
    expect(loaded.body.analysis.vocabulary.every(([w, c]) => typeof w === 'string' && Number.isInteger(c))).toBe(true);
  });
});

/**
 * The packed file with its skeleton JSON edited (same checksum rules as a real writer: the payload is re-packed and
 * resealed), so what is tested is the reader's own checks, not the checksum.
 */
function withSkeleton(bytes: Uint8Array, edit: (json: string) => string): Uint8Array {
  const { header, payloadStart } = readSnapshotHeader(bytes);
  const payload = bytes.subarray(payloadStart);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const [skeletonLength, packedLength, size, more] = [0, 4, 8, 12].map((o) => view.getUint32(o, true));
  const table = 16 + 8 * more;
  const inner = unbrotli(payload.subarray(table, table + packedLength), size);
  const json = edit(Buffer.from(inner.subarray(0, skeletonLength)).toString('utf8'));
  const skeleton = Buffer.from(json, 'utf8');
  expect(skeleton.length).toBe(skeletonLength);
  const edited = Uint8Array.from(inner);
  edited.set(skeleton, 0);
  const packed = brotli(edited);
  let after = table + packedLength;
  for (let i = 0; i < more; i++) after += view.getUint32(16 + 8 * i, true);
  const pad8 = (n: number) => (n + 7) & ~7;
  const out = new Uint8Array(pad8(table + packed.length + (after - table - packedLength)) + (payload.length - pad8(after)));
  out.set(payload.subarray(0, table), 0);
  new DataView(out.buffer).setUint32(4, packed.length, true);
  out.set(packed, table);
  out.set(payload.subarray(table + packedLength, after), table + packed.length);
  out.set(payload.subarray(pad8(after)), pad8(table + packed.length + (after - table - packedLength)));
  const h = { ...header, payload: { bytes: out.length, sha256: sha256(out) } };
  const headerBytes = Buffer.from(JSON.stringify(h));
  const start = pad8(8 + 4 + headerBytes.length);
  const file = new Uint8Array(start + out.length);
  file.set(bytes.subarray(0, 8), 0);
  new DataView(file.buffer).setUint32(8, headerBytes.length, true);
  file.set(headerBytes, 12);
  file.set(out, start);
  return resealHeader(file);
}

describe('a damaged stored form is refused whole, naming what is off', () => {
  it('the edit helper itself gives a file that loads when nothing is changed', () => {
    expect(decodeSnapshotBytes(withSkeleton(packed, (j) => j)).body.records.length).toBe(body.records.length);
  });

  it('a section in a packed stream the file does not have', () => {
    const bad = withSkeleton(packed, (j) => j.replace('"stream":1', '"stream":7'));
    expect(() => decodeSnapshotBytes(bad)).toThrow(/damaged snapshot: a section reference is malformed/);
  });

  it('a front-coded list marked with a coding this reader does not know', () => {
    const bad = withSkeleton(packed, (j) => j.replace('"sorted":1', '"sorted":2'));
    expect(() => decodeSnapshotBytes(bad)).toThrow(/damaged snapshot: a section reference is malformed \(sorted\)/);
  });

  it('a vocabulary stored in a form this reader does not know', () => {
    const bad = withSkeleton(packed, (j) => j.replace('"$tables":"tables-1"', '"$tables":"tables-9"'));
    expect(() => decodeSnapshotBytes(bad)).toThrow(/damaged snapshot: the vocabulary is not stored as this reader knows/);
  });

  it('a character table written wrong is refused whole, naming the table: a character mapped to two, or keys out of order', () => {
    const t = body.analysis.t2s as SortedCharMap;
    // The seed body with another analysis.t2s, written by the real writer (so its checksum holds).
    const written = (t2s: unknown, compress: boolean) => serializeSnapshot({ ...body, records: [...body.records], analysis: { ...body.analysis, t2s } } as unknown as SnapshotBody, { compress });
    const refusal = (bytes: Uint8Array): Error => {
      try {
        decodeSnapshotBytes(bytes);
      } catch (e) {
        return e as Error;
      }
      throw new Error('the damaged snapshot loaded');
    };
    // The two columns as a plain object (what a structured clone leaves) load: what is refused below is the damage.
    expect(decodeSnapshotBytes(written({ from: t.from, to: t.to }, false)).body.analysis.t2s.get('經')).toBe('经');
    // Unpacked, as a plain object (the layout older files and a browser's snapshot hold), one value two characters long.
    const twoCharacters = refusal(written({ ...t.toJSON(), 綜: '综合' }, false));
    expect(twoCharacters).toBeInstanceOf(SnapshotError);
    expect(twoCharacters.message).toMatch(/^damaged snapshot: a character table maps "綜" to "综合", not one character to one character/);
    // Unpacked and packed, as the two columns, with the first two keys swapped.
    const swapped = t.from.slice();
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    for (const compress of [false, true]) {
      const outOfOrder = refusal(written({ from: swapped, to: t.to }, compress));
      expect(outOfOrder).toBeInstanceOf(SnapshotError);
      expect(outOfOrder.message).toMatch(/^damaged snapshot: a character table's keys are not single characters in increasing order/);
    }
  });
});

describe('sorted string lists are front-coded', () => {
  it('any strictly increasing list decodes to the same joined string: lone surrogates, long shared starts, a trailing separator (property)', () => {
    const unit = fc.oneof(fc.constantFrom('退', '税', '留', '抵', 'a', '1', '\ud800', '\udc00', '😀', '\ufeff'), fc.string({ maxLength: 3 }));
    const item = fc.array(unit, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('').replace(/\0/g, ''));
    fc.assert(
      fc.property(fc.uniqueArray(item, { minLength: 1, maxLength: 120 }), fc.boolean(), fc.nat(300), (raw, trailing, longStart) => {
        const prefix = 'x'.repeat(longStart);
        const items = raw.filter((s) => s !== '').map((s) => prefix + s).sort();
        if (items.length === 0) return;
        const joined = items.join('\0') + (trailing ? '\0' : '');
        const listed = sortedItems(joined, 1);
        if (items.length > 1 || trailing) expect(listed).toBeDefined();
        expect(decodeSortedList(encodeSortedList(listed ?? items))).toBe(joined);
      }),
      { numRuns: 300 },
    );
  });

  it('a list that starts with a byte-order mark keeps it, with or without a lone surrogate later', () => {
    for (const items of [['\ufeff留抵', '\ufeff退税'], ['\ufeff留抵', '\ufeff退税\ud800']]) {
      expect(decodeSortedList(encodeSortedList(items))).toBe(items.join('\0'));
    }
  });

  it('a list out of order is not taken for a sorted one', () => {
    expect(sortedItems(['税', '退'].join('\0'), 1)).toBeDefined();
    expect(sortedItems(['退', '税'].join('\0'), 1)).toBeUndefined();
    expect(sortedItems(['退税', '退税'].join('\0'), 1)).toBeUndefined();
  });

  it('front-coded bytes cut short are refused, not read past', () => {
    const coded = encodeSortedList(['留抵', '留抵退税', '退税']);
    for (let n = 0; n < coded.length; n++) expect(() => decodeSortedList(coded.subarray(0, n))).toThrow(/cut short|ends inside a number|shares more/);
  });
});
