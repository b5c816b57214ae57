import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { readSnapshotHeader } from '../snapshot/container.js';
import { decodeSnapshotBytes, serializeSnapshot, sha256 } from '../snapshot/file.js';
import { RecordStore, recordStoreOf } from '../snapshot/records.js';
import { SearchService } from '../search/service.js';
import { builtSeedBody, resealHeader, ROOT, seedSnapshot } from './helpers.js';

// The body as the build gave it, records a plain array (not a snapshot read back), so a writer that drops or
// normalises a record field fails here.
let body: SnapshotBody;
let bytes: Uint8Array;
beforeAll(async () => {
  body = await builtSeedBody();
  bytes = serializeSnapshot(body);
});

/** The skeleton JSON of a snapshot and where its sections start (to reach a column the way a writer's bug would). */
function layout(b: Uint8Array) {
  const { payloadStart } = readSnapshotHeader(b);
  const view = new DataView(b.buffer, b.byteOffset + payloadStart);
  const skeletonLength = view.getUint32(0, true);
  const skeleton = JSON.parse(Buffer.from(b.subarray(payloadStart + 8, payloadStart + 8 + skeletonLength)).toString('utf8'));
  return { payloadStart, skeleton, sections: payloadStart + ((8 + skeletonLength + 7) & ~7) };
}
/** Change a payload and write its correct checksum into the header (a writer's bug, not a damaged disk). */
function reseal(b: Uint8Array, change: (out: Uint8Array) => void): Uint8Array {
  const { header, payloadStart } = readSnapshotHeader(b);
  const out = Uint8Array.from(b);
  change(out);
  const text = Buffer.from(out).toString('latin1').replace(header.payload.sha256, sha256(out.subarray(payloadStart)));
  return resealHeader(Uint8Array.from(Buffer.from(text, 'latin1')));
}

describe('records in a snapshot are columns, decoded one record when it is read', () => {
  it('reads a record’s outcome facts alone exactly as the whole record holds them (an outcome query decodes no other field)', () => {
    const loaded = decodeSnapshotBytes(bytes).body;
    const store = recordStoreOf(loaded.records)!;
    let facts = 0;
    for (let i = 0; i < loaded.records.length; i++) {
      const alone = store.outcomes(i);
      expect(alone).toEqual(body.records[i].outcomes ?? []);
      facts += alone.length;
    }
    expect(facts).toBeGreaterThan(100);
    // Text and sentence are restored from the field they cite, not left as the stored offsets.
    for (let i = 0; i < loaded.records.length; i++) for (const o of store.outcomes(i)) expect(typeof o.sentence).toBe('string');
  });

  it('every seed record read from the snapshot is the record written, keys in the same order', () => {
    const loaded = decodeSnapshotBytes(bytes).body;
    expect(recordStoreOf(loaded.records)).toBeInstanceOf(RecordStore);
    expect(loaded.records.length).toBe(body.records.length);
    expect(Array.isArray(loaded.records)).toBe(true);
    for (let i = 0; i < body.records.length; i++) expect(JSON.stringify(loaded.records[i]), body.records[i].id).toBe(JSON.stringify(body.records[i]));
    expect(JSON.stringify(loaded.records)).toBe(JSON.stringify(body.records));
    expect(loaded.records.map((r) => r.id)).toEqual(body.records.map((r) => r.id));
    expect(() => ((loaded.records as unknown as unknown[])[0] = {})).toThrow(/read-only/);
  });

  it('the seed snapshot the test files read holds every record and table the build gave, keys in the same order', async () => {
    const shared = await seedSnapshot();
    expect(recordStoreOf(shared.records)).toBeInstanceOf(RecordStore);
    expect(shared.records.length).toBe(body.records.length);
    for (let i = 0; i < body.records.length; i++) expect(JSON.stringify(shared.records[i]), body.records[i].id).toBe(JSON.stringify(body.records[i]));
    for (const key of ['sources', 'warnings', 'dictionary', 'analysis'] as const) expect(shared[key], key).toEqual(body[key]);
    expect(shared.index).toEqual(body.index);
    expect(shared.similar).toEqual(body.similar);
  });

  it('keeps text exactly: a leading byte-order mark, an unpaired surrogate, long and short fields', () => {
    const odd = '\uFEFF' + '自贸试验区'.repeat(20) + '\uD800' + '通关'.repeat(40);
    const records = body.records.map((r, i) => (i === 5 ? { ...r, content: odd, quantities: [], outcomes: [] } : i === 6 ? { ...r, content: '\uFEFF' + r.title.repeat(8) } : r));
    const loaded = decodeSnapshotBytes(serializeSnapshot({ ...body, records })).body;
    expect(loaded.records[5].content).toBe(odd);
    expect(loaded.records[6].content).toBe(records[6].content);
    // Without unpaired surrogates anywhere, the fast decoder is used, and it keeps a leading U+FEFF too.
    const clean = body.records.map((r, i) => (i === 6 ? { ...r, content: '\uFEFF' + r.title.repeat(8), quantities: [], outcomes: [] } : r));
    const loadedClean = decodeSnapshotBytes(serializeSnapshot({ ...body, records: clean })).body;
    expect(recordStoreOf(loadedClean.records)!.packed.wellFormed).toBe(true);
    expect(loadedClean.records[6].content).toBe(clean[6].content);
  });

  it('stores each record text once, as UTF-16, and no quantity text beside it', () => {
    const file = Buffer.from(bytes);
    const long = body.records.map((r) => r.content ?? '').sort((a, b) => b.length - a.length)[0];
    expect(long.length).toBeGreaterThan(100);
    const utf16 = Buffer.from(long, 'utf16le');
    expect(file.indexOf(utf16)).toBeGreaterThan(0);
    expect(file.indexOf(utf16, file.indexOf(utf16) + 1)).toBe(-1);
    expect(file.indexOf(Buffer.from(long))).toBe(-1); // not in UTF-8 (JSON) as well
    // A quantity's text is its field's slice: the JSON beside the columns leaves it out.
    const q = body.records.flatMap((r) => r.quantities).find((x) => x.text.length >= 5)!;
    const extra = layout(bytes).skeleton.records.extra;
    const { sections } = layout(bytes);
    const json = file.subarray(sections + extra.offset, sections + extra.offset + extra.length).toString('utf8');
    expect(json).toContain('"text":0');
    expect(json).not.toContain(JSON.stringify(q.text));
  });

  it('loading decodes no record, and a search decodes only the records it ranks at the top and shows', () => {
    const loaded = decodeSnapshotBytes(bytes).body;
    const store = recordStoreOf(loaded.records)!;
    const spy = vi.spyOn(store as unknown as { decode: (i: number) => unknown }, 'decode');
    const service = new SearchService(loaded);
    expect(spy).not.toHaveBeenCalled();
    const res = service.search({ q: '企业', size: 10 });
    expect(res.hits.length).toBe(10);
    expect(res.total).toBeGreaterThan(100);
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(10);
    expect(spy.mock.calls.length).toBeLessThan(res.total / 2);
    expect(service.reform(body.records[7].id)).toEqual(body.records[7]);
    expect(service.reform('no-such-id')).toBeUndefined();
    spy.mockRestore();
  });

  it('the outcomes view filtered by region or document type decodes only the records of the page it shows, and lists what the unfiltered view holds for them', () => {
    const loaded = new SearchService(decodeSnapshotBytes(bytes).body);
    const fresh = new SearchService(body);
    const store = recordStoreOf(loaded.records)!;
    loaded.outcomes({ size: 1 }); // the facts are listed on first use
    const spy = vi.spyOn(store as unknown as { decode: (i: number) => unknown }, 'decode');
    const every = fresh.outcomes({ size: 10_000 }).hits;
    for (const params of [{ region: '山东' }, { category: '创新成果' }, { region: '上海', category: '最佳实践案例', sort: 'change' as const }]) {
      spy.mockClear();
      const res = loaded.outcomes({ ...params, size: 5 });
      expect(res.total, JSON.stringify(params)).toBeGreaterThan(5);
      expect(res.total).toBe(every.filter((h) => (!params.region || h.regions.includes(params.region)) && (!params.category || h.category === params.category)).length);
      expect(res.hits.every((h) => (!params.region || h.regions.includes(params.region)) && (!params.category || h.category === params.category))).toBe(true);
      expect(res).toEqual(fresh.outcomes({ ...params, size: 5 }));
      // The page's five records at most (a record cached from an earlier page is not decoded again).
      expect(spy.mock.calls.length).toBeLessThanOrEqual(5);
    }
    spy.mockRestore();
  });

  it('a loaded snapshot answers every API call exactly as the body it was written from', () => {
    const fresh = new SearchService(body);
    const loaded = new SearchService(decodeSnapshotBytes(bytes).body);
    for (const q of ['跨境电商', '"一网通办"', '通关时间缩短', '海关 -税务', '']) {
      const a = { ...fresh.search({ q, size: 20 }), took_ms: 0 };
      const b = { ...loaded.search({ q, size: 20 }), took_ms: 0 };
      expect(b, q).toEqual(a);
    }
    expect(loaded.quantities({ q: '成本', size: 50 })).toEqual(fresh.quantities({ q: '成本', size: 50 }));
    expect(loaded.outcomes({ direction: 'down', size: 50 })).toEqual(fresh.outcomes({ direction: 'down', size: 50 }));
    expect(loaded.suggest('自贸', 10)).toEqual(fresh.suggest('自贸', 10));
    expect({ ...loaded.stats(), built: null }).toEqual({ ...fresh.stats(), built: null });
    const id = body.records.find((r) => r.related.length > 0)!.id;
    expect(loaded.similar(id, 10)).toEqual(fresh.similar(id, 10));
  });

  it('a record written with a copy link to no record is kept whole and refused at load, naming it', () => {
    const i = 12;
    const bad = { ...body, records: body.records.map((r, j) => (j === i ? { ...r, related: [{ id: 'no-such-record', file: 'x.txt' }] } : r)) };
    expect(() => decodeSnapshotBytes(serializeSnapshot(bad))).toThrow(`damaged snapshot: record ${i + 1} (id ${JSON.stringify(body.records[i].id)}): related id "no-such-record" is not a record`);
  });

  it('refuses columns that do not hold together even when the checksum is right', () => {
    const { skeleton, sections } = layout(bytes);
    const ref = skeleton.records.textStart;
    // An offset past the text: the decoder would read outside the text column.
    const past = reseal(bytes, (out) => new DataView(out.buffer).setUint32(sections + ref.offset + 4 * 5, 0xfffffff0, true));
    expect(() => decodeSnapshotBytes(past)).toThrow(/damaged snapshot: records: textStart goes backwards|damaged snapshot: records: textStart/);
    const links = skeleton.records.relatedIndex;
    expect(links.length).toBeGreaterThan(0);
    const far = reseal(bytes, (out) => new DataView(out.buffer).setUint32(sections + links.offset, 1e6, true));
    expect(() => decodeSnapshotBytes(far)).toThrow('damaged snapshot: records: a copy link points past the records');
    const order = skeleton.records.idOrder;
    const swapped = reseal(bytes, (out) => {
      const v = new DataView(out.buffer);
      const a = v.getUint32(sections + order.offset, true);
      v.setUint32(sections + order.offset, v.getUint32(sections + order.offset + 4, true), true);
      v.setUint32(sections + order.offset + 4, a, true);
    });
    expect(() => decodeSnapshotBytes(swapped)).toThrow(/damaged snapshot: records: the id order does not match the ids/);
  });

  it('still reads a version-2 snapshot, whose records are one JSON array', () => {
    const old = readFileSync(join(ROOT, 'test', 'fixtures', 'v2-three-records.snapshot'));
    const loaded = decodeSnapshotBytes(old);
    expect(loaded.header.formatVersion).toBe(2);
    expect(recordStoreOf(loaded.body.records)).toBeUndefined();
    expect(loaded.body.records).toEqual(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'v2-three-records.json'), 'utf8')));
  });
});
