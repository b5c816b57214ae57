/**
 * Records in a snapshot: columns, decoded one record at a time when it is shown, never all at load.
 *
 * Every record's text is stored once, as UTF-16 code units in one array (Han text takes 2 bytes a character there,
 * 3 in UTF-8); repeated values (categories, sections, documents, departments, regions, areas, levels) are ids into
 * one string table; copies (`related`) are record indexes; quantities and outcomes are a small JSON per record whose
 * `text` (and an outcome's `sentence`) are left out when they are the field's own slice, so no text is stored twice.
 * Each record keeps its keys in the order it was built with (a "shape"), so a decoded record is the record written.
 * A record that does not fit these columns — any record the structural validation (validate.ts) would refuse, an
 * unknown key — is kept whole as JSON ("raw"), so the loader still refuses it with the message naming it.
 *
 * Environment-neutral (typed arrays and strings only): the server and the offline page decode the same way.
 */
import type { Outcome, Quantity, ReformRecord } from '../indexer/schema.js';
import { Grow } from '../indexer/grow.js';
import { linkedGroups } from '../indexer/reform-groups.js';

export const RECORDS_FORMAT = 'records-columns-1';

/** Stored text fields, in column order (category and section are in the string table instead). */
const TEXT = ['id', 'title', 'content', 'applicableTo', 'process', 'outcome', 'scope'] as const;
type TextKey = (typeof TEXT)[number];
/** String-table fields per record, in column order. */
const SIDS = ['category', 'section', 'source.file', 'source.title'] as const;
/** List fields (string-table ids), in column order. */
const LISTS = ['policyAreas', 'departments', 'printedDepartments', 'scopeLevels', 'regions'] as const;
type ListKey = (typeof LISTS)[number];
const RECORD_KEYS = new Set<string>([...TEXT, 'category', 'section', ...LISTS, 'source', 'quantities', 'outcomes', 'related']);
const SOURCE_KEYS = new Set(['file', 'title', 'titleDerived', 'no', 'line']);
const NF = TEXT.length;
const NS = SIDS.length;
const NL = LISTS.length;
const NONE = 0xffffffff;

/** The columns as the snapshot body stores them (typed arrays become binary sections). */
export interface PackedRecords {
  format: typeof RECORDS_FORMAT;
  count: number;
  /** Repeated values. */
  strings: string[];
  /** Key orders: JSON of [record keys, source keys]. */
  shapes: string[];
  /** Per record: index into shapes, or NONE for a raw record. */
  shape: Uint32Array;
  /** All text fields, UTF-16 code units; field f of record i is text[textStart[i*NF+f] … textStart[i*NF+f+1]). */
  text: Uint16Array;
  textStart: Uint32Array;
  /** Per record: category, section, source file, source title (string ids). */
  sids: Uint32Array;
  /** List items (string ids); list l of record i is listItems[listStart[i*NL+l] … listStart[i*NL+l+1]). */
  listItems: Uint32Array;
  listStart: Uint32Array;
  /** Per record: source.no, source.line. */
  nums: Uint32Array;
  /** Copies: record indexes and the copy's file (string id); relatedFile is empty when every copy's file is its own source file. */
  relatedStart: Uint32Array;
  relatedIndex: Uint32Array;
  relatedFile: Uint32Array;
  /** Per record UTF-8 JSON: {"q":quantities,"o":outcomes} with derivable text left out; a raw record's whole JSON. */
  extra: Uint8Array;
  extraStart: Uint32Array;
  /** No stored text has an unpaired surrogate (so a fast UTF-16 decoder decodes it exactly). */
  wellFormed: boolean;
  /** Per record: bit 1 an outcome moved down, bit 2 up (what a change verb matches, without decoding records). */
  outcomeDirs: Uint8Array;
  /** Record indexes ordered by the 32-bit hash of their id (lookup by id without a map built at load). */
  idOrder: Uint32Array;
  idHash: Uint32Array;
}

/** FNV-1a over UTF-16 code units. */
function hashUnits(units: ArrayLike<number>, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= units[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The first record whose id is not the one `packed` holds for it (by the id hashes packRecords stores), or -1 when
 * every record's is: columns packed from other records of the same count are told apart before they are written.
 */
export function packedIdMismatch(packed: PackedRecords, records: readonly ReformRecord[]): number {
  const { idOrder, idHash } = packed;
  if (idOrder.length !== records.length) return Math.min(idOrder.length, records.length);
  for (let j = 0; j < idOrder.length; j++) {
    const i = idOrder[j];
    const id = (records[i] as unknown as { id?: unknown } | undefined)?.id;
    if (idHash[j] !== (typeof id === 'string' ? hashString(id) : 0)) return i;
  }
  return -1;
}

const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true }); // a field's own leading U+FEFF is kept

/**
 * A field's text. TextDecoder is several times faster on long fields but replaces unpaired surrogates, so it is
 * used only when the writer found none (`wellFormed`); short fields and any other text go code unit by code unit.
 */
function textOf(units: Uint16Array, from: number, to: number, wellFormed: boolean): string {
  if (wellFormed && to - from > 64) return utf16.decode(units.subarray(from, to));
  let s = '';
  for (let i = from; i < to; i += 4096) s += String.fromCharCode.apply(null, units.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
  return s;
}

const UNPAIRED = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
/** Up to this many key orders are told apart by comparing keys, not by their JSON. */
const FEW_SHAPES = 32;
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameKeys = (o: object, keys: string[]) => sameList(Object.keys(o), keys);

/** Whether a record fits the columns exactly (anything else is stored raw). Validity itself is checked by `valid`. */
function fits(r: ReformRecord): boolean {
  const rec = r as unknown as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (!RECORD_KEYS.has(k)) return false;
  for (const k of TEXT) if (k in rec && typeof rec[k] !== 'string') return false;
  for (const k of ['category', 'section'] as const) if (k in rec && typeof rec[k] !== 'string') return false;
  for (const k of LISTS) if (k in rec && !isStringArray(rec[k])) return false;
  const s = rec.source as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return false;
  for (const k of Object.keys(s)) if (!SOURCE_KEYS.has(k)) return false;
  if (typeof s.file !== 'string' || typeof s.title !== 'string' || ('titleDerived' in s && s.titleDerived !== true)) return false;
  for (const k of ['no', 'line'] as const) if (!Number.isInteger(s[k]) || (s[k] as number) < 0 || (s[k] as number) >= NONE) return false;
  if (!Array.isArray(rec.related) || !rec.related.every((x) => x && typeof x === 'object' && sameKeys(x, ['id', 'file']) && typeof x.file === 'string')) return false;
  if (!Array.isArray(rec.quantities) || ('outcomes' in rec && !Array.isArray(rec.outcomes))) return false;
  return true;
}

/** Quantities and outcomes with `text` (and `sentence`) replaced by a number when they are the field's slice. */
function extraJson(r: ReformRecord): string {
  const field = (f: unknown) => (r as unknown as Record<string, unknown>)[f as string];
  const q = r.quantities.map((x) => {
    const t = field(x.field);
    return typeof t === 'string' && t.slice(x.start, x.end) === x.text ? { ...x, text: 0 } : x;
  });
  const o = (r.outcomes ?? []).map((x) => {
    const t = field(x.field);
    if (typeof t !== 'string') return x;
    const y: Record<string, unknown> = { ...x };
    if (t.slice(x.start, x.end) === x.text) y.text = 0;
    if (typeof x.sentence === 'string' && typeof x.sentenceStart === 'number' && x.sentence.length > 0 && t.slice(x.sentenceStart, x.sentenceStart + x.sentence.length) === x.sentence) y.sentence = x.sentence.length;
    return y;
  });
  return q.length || o.length ? JSON.stringify({ q, o }) : '';
}

/**
 * Undoes `extraJson` for outcomes in place: a `text` stored as 0 and a `sentence` stored as its length become the
 * cited field's slices again. `fieldText` is asked only for the fields some outcome needs.
 */
function resolveOutcomes(out: Outcome[], fieldText: (field: string) => string): void {
  for (const o of out) {
    const bareText = (o.text as unknown) === 0;
    const bareSentence = typeof o.sentence === 'number';
    if (!bareText && !bareSentence) continue;
    const t = fieldText(o.field);
    if (bareText) o.text = t.slice(o.start, o.end);
    if (bareSentence) o.sentence = t.slice(o.sentenceStart, o.sentenceStart + (o.sentence as unknown as number));
  }
}

/** The columns holding text (UTF-16 text, UTF-8 JSON): a packed file compresses them apart from numbers. */
export function textColumns(packed: PackedRecords): (Uint16Array | Uint8Array)[] {
  return [packed.text, packed.extra];
}

/**
 * Records → columns. `valid(record, i)` says whether the record passes the loader's structural validation (with the
 * ids of the records before it and of all records known); a record that does not is stored raw.
 */
export function packRecords(records: readonly ReformRecord[], valid: (r: ReformRecord, i: number) => boolean): PackedRecords {
  const existing = recordStoreOf(records);
  if (existing) return existing.packed;
  const n = records.length;
  const strings: string[] = [];
  const stringId = new Map<string, number>();
  const sid = (s: string) => {
    let id = stringId.get(s);
    if (id === undefined) {
      stringId.set(s, (id = strings.length));
      strings.push(s);
    }
    return id;
  };
  const shapes: string[] = [];
  const shapeId = new Map<string, number>();
  const shapeKeys: [string[], string[]][] = [];
  const shape = new Uint32Array(n);
  // The text column sized exactly once (an upper bound: a raw record's fields are not stored) and written unit by
  // unit: a growable array's push per code unit was most of this pass (100k records, 34 M units).
  let units = 0;
  for (const r of records) {
    const rec = r as unknown as Record<string, unknown> | undefined;
    if (rec && typeof rec === 'object') for (const k of TEXT) if (typeof rec[k] === 'string') units += (rec[k] as string).length;
  }
  const text = new Uint16Array(units);
  let textLength = 0;
  const textStart = new Uint32Array(n * NF + 1);
  const sids = new Uint32Array(n * NS).fill(NONE);
  const listItems = new Grow(new Uint32Array(1 << 12));
  const listStart = new Uint32Array(n * NL + 1);
  const nums = new Uint32Array(n * 2);
  const relatedStart = new Uint32Array(n + 1);
  const relatedIndex = new Grow(new Uint32Array(1 << 10));
  const relatedFile = new Grow(new Uint32Array(1 << 10));
  const extraParts: Uint8Array[] = [];
  const extraStart = new Uint32Array(n + 1);
  const outcomeDirs = new Uint8Array(n);
  const encoder = new TextEncoder();
  let extraLength = 0;
  let wellFormed = true;
  // Ids of well-formed records, for links (the first record with an id is the one a link names).
  const indexOf = new Map<string, number>();
  records.forEach((r, i) => {
    if (r && typeof r === 'object' && typeof r.id === 'string' && !indexOf.has(r.id)) indexOf.set(r.id, i);
  });
  const idHashes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const rec = r as unknown as Record<string, unknown>;
    const ok = valid(r, i); // every record, in order: the validator tracks the ids seen
    const compact = ok && !!r && typeof r === 'object' && fits(r) && r.related.every((x) => indexOf.has(x.id));
    let extra = '';
    if (compact) {
      // A corpus has a few key orders: compared with those seen (key strings compare by identity), a record's shape
      // is looked up by its JSON only past FEW_SHAPES (the JSON per record was a fifth of this pass).
      const keys = Object.keys(rec);
      const sourceKeys = Object.keys(r.source);
      let s = -1;
      if (shapeKeys.length <= FEW_SHAPES) {
        for (let k = 0; k < shapeKeys.length && s < 0; k++) if (sameList(keys, shapeKeys[k][0]) && sameList(sourceKeys, shapeKeys[k][1])) s = k;
      }
      if (s < 0) {
        const key = JSON.stringify([keys, sourceKeys]);
        let id = shapeId.get(key);
        if (id === undefined) {
          shapeId.set(key, (id = shapes.length));
          shapes.push(key);
          if (shapeKeys.length <= FEW_SHAPES) shapeKeys.push([keys, sourceKeys]); // never read past FEW_SHAPES
        }
        s = id;
      }
      shape[i] = s;
      for (let f = 0; f < NF; f++) {
        const t = rec[TEXT[f]];
        if (typeof t === 'string') {
          let surrogates = 0;
          for (let c = 0; c < t.length; c++) {
            const u = t.charCodeAt(c);
            text[textLength++] = u;
            surrogates |= (u & 0xf800) === 0xd800 ? 1 : 0;
          }
          // The exact test only for the rare field holding surrogates at all.
          if (wellFormed && surrogates && UNPAIRED.test(t)) wellFormed = false;
        }
        textStart[i * NF + f + 1] = textLength;
      }
      if (r.category !== undefined) sids[i * NS] = sid(r.category);
      if (r.section !== undefined) sids[i * NS + 1] = sid(r.section);
      sids[i * NS + 2] = sid(r.source.file);
      sids[i * NS + 3] = sid(r.source.title);
      for (let l = 0; l < NL; l++) {
        for (const v of (rec[LISTS[l]] as string[] | undefined) ?? []) listItems.push(sid(v));
        listStart[i * NL + l + 1] = listItems.length;
      }
      nums[i * 2] = r.source.no;
      nums[i * 2 + 1] = r.source.line;
      for (const x of r.related) {
        relatedIndex.push(indexOf.get(x.id)!);
        relatedFile.push(sid(x.file));
      }
      extra = extraJson(r);
      idHashes[i] = hashString(r.id);
    } else {
      shape[i] = NONE;
      for (let f = 0; f < NF; f++) textStart[i * NF + f + 1] = textLength;
      for (let l = 0; l < NL; l++) listStart[i * NL + l + 1] = listItems.length;
      extra = JSON.stringify(r) ?? 'null';
      idHashes[i] = typeof rec?.id === 'string' ? hashString(rec.id) : 0;
    }
    relatedStart[i + 1] = relatedIndex.length;
    const outcomes = Array.isArray(rec?.outcomes) ? (rec.outcomes as Outcome[]) : [];
    for (const o of outcomes) {
      if (o?.direction === 'down') outcomeDirs[i] |= 1;
      else if (o?.direction === 'up') outcomeDirs[i] |= 2;
    }
    const bytes = encoder.encode(extra);
    extraParts.push(bytes);
    extraLength += bytes.length;
    extraStart[i + 1] = extraLength;
  }
  // A copy's file is nearly always the copy's own source file: then the column is left empty and read from there.
  let relatedFiles = relatedFile.done();
  const targetFile = (k: number) => sids[relatedIndex.data[k] * NS + 2];
  let derivable = true;
  for (let k = 0; k < relatedFiles.length && derivable; k++) derivable = targetFile(k) !== NONE && targetFile(k) === relatedFiles[k];
  if (derivable) relatedFiles = new Uint32Array(0);
  const extra = new Uint8Array(extraLength);
  for (let i = 0; i < n; i++) extra.set(extraParts[i], extraStart[i]);
  const idOrder = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => idHashes[a] - idHashes[b] || a - b);
  const idHash = idOrder.map((i) => idHashes[i]);
  return {
    format: RECORDS_FORMAT,
    count: n,
    strings,
    shapes,
    shape,
    text: textLength === text.length ? text : text.slice(0, textLength),
    textStart,
    sids,
    listItems: listItems.done(),
    listStart,
    nums,
    relatedStart,
    relatedIndex: relatedIndex.done(),
    relatedFile: relatedFiles,
    extra,
    extraStart,
    outcomeDirs,
    wellFormed,
    idOrder,
    idHash,
  };
}

export function isPackedRecords(v: unknown): v is PackedRecords {
  return !!v && typeof v === 'object' && (v as { format?: unknown }).format === RECORDS_FORMAT;
}

/** Thrown by `checkPacked` with what is wrong. */
export class PackedError extends Error {}

/** Decoded records are kept in a small direct-mapped cache: the shown page and the re-ranked window repeat. */
const CACHE = 2048;

/** Read access to packed records: whole records on demand, and the columns load-time work needs. */
export class RecordStore {
  readonly length: number;
  private readonly shapeKeys: [string[], string[]][];
  private readonly cache: (ReformRecord | undefined)[] = new Array(CACHE);
  private readonly cacheAt = new Int32Array(CACHE).fill(-1);
  /** The same for records' outcome facts read alone (`outcomes`). */
  private readonly outcomeCache: (Outcome[] | undefined)[] = new Array(CACHE);
  private readonly outcomeCacheAt = new Int32Array(CACHE).fill(-1);
  private readonly decoder = new TextDecoder();
  private groups?: Int32Array;

  constructor(readonly packed: PackedRecords) {
    this.length = packed.count;
    // A malformed shape is reported by check(), not thrown here.
    this.shapeKeys = (Array.isArray(packed.shapes) ? packed.shapes : []).map((s) => {
      try {
        return JSON.parse(s);
      } catch {
        return null;
      }
    });
  }

  isRaw(i: number): boolean {
    return this.packed.shape[i] === NONE;
  }

  private raw(i: number): unknown {
    const p = this.packed;
    return JSON.parse(this.decoder.decode(p.extra.subarray(p.extraStart[i], p.extraStart[i + 1])));
  }

  private text(i: number, f: number): string {
    const p = this.packed;
    return textOf(p.text, p.textStart[i * NF + f], p.textStart[i * NF + f + 1], p.wellFormed === true);
  }

  /** The record's id (without decoding the rest). */
  id(i: number): string {
    if (this.isRaw(i)) return String((this.raw(i) as { id?: unknown } | null)?.id);
    return this.text(i, 0);
  }

  /** The record's title (without decoding the rest). */
  title(i: number): string {
    return this.isRaw(i) ? this.record(i).title : this.text(i, 1);
  }

  /** A text field of the record (undefined when it has none). */
  field(i: number, f: TextKey): string | undefined {
    if (this.isRaw(i)) return (this.record(i) as unknown as Record<string, string | undefined>)[f];
    const k = TEXT.indexOf(f);
    return this.shapeKeys[this.packed.shape[i]][0].includes(f) ? this.text(i, k) : undefined;
  }

  /** A list field (regions, departments …). */
  list(i: number, l: ListKey): string[] {
    if (this.isRaw(i)) return (this.record(i) as unknown as Record<string, string[]>)[l] ?? [];
    const p = this.packed;
    const k = LISTS.indexOf(l);
    const out: string[] = [];
    for (let j = p.listStart[i * NL + k]; j < p.listStart[i * NL + k + 1]; j++) out.push(p.strings[p.listItems[j]]);
    return out;
  }

  /** Where the record is printed (file, document title, item number), without decoding the rest. */
  source(i: number): { file: string; title: string; no: number } {
    if (this.isRaw(i)) {
      const s = this.record(i).source;
      return { file: s.file, title: s.title, no: s.no };
    }
    const p = this.packed;
    return { file: p.strings[p.sids[i * NS + 2]], title: p.strings[p.sids[i * NS + 3]], no: p.nums[i * 2] };
  }

  category(i: number): string | undefined {
    if (this.isRaw(i)) return this.record(i).category;
    const s = this.packed.sids[i * NS];
    return s === NONE ? undefined : this.packed.strings[s];
  }

  /** Index of the record with this id, or -1. */
  indexOf(id: string): number {
    const p = this.packed;
    const h = hashString(id);
    let lo = 0;
    let hi = p.idHash.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p.idHash[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < p.idHash.length && p.idHash[j] === h; j++) if (this.id(p.idOrder[j]) === id) return p.idOrder[j];
    return -1;
  }

  /** Whether some outcome of the record moved this way. */
  moved(i: number, direction: 'down' | 'up'): boolean {
    return (this.packed.outcomeDirs[i] & (direction === 'down' ? 1 : 2)) !== 0;
  }

  /** Each record's reform (lowest index among the copies linked by `related`, transitively), from the link columns. */
  reformOf(): Int32Array {
    if (this.groups) return this.groups;
    const p = this.packed;
    // The indexer's union-find, over the same links: the grouping the build made its stored facet counts under.
    return (this.groups = linkedGroups(this.length, (link) => {
      for (let i = 0; i < this.length; i++) {
        if (this.isRaw(i)) {
          for (const x of this.record(i).related ?? []) {
            const j = this.indexOf(x.id);
            if (j >= 0) link(i, j);
          }
        } else for (let k = p.relatedStart[i]; k < p.relatedStart[i + 1]; k++) link(i, p.relatedIndex[k]);
      }
    }));
  }

  /**
   * The record's outcome facts alone, as `record(i).outcomes` gives them, decoding only their JSON and the text of the
   * fields they cite (an outcome query reads the facts of thousands of records and none of their other fields).
   */
  outcomes(i: number): Outcome[] {
    const slot = i & (CACHE - 1);
    if (this.cacheAt[slot] === i || this.isRaw(i)) return this.record(i).outcomes ?? [];
    if (this.outcomeCacheAt[slot] === i) return this.outcomeCache[slot]!;
    const p = this.packed;
    const a = p.extraStart[i];
    const b = p.extraStart[i + 1];
    if (a === b) return [];
    const out = (JSON.parse(this.decoder.decode(p.extra.subarray(a, b))) as { o?: Outcome[] }).o ?? [];
    const texts = new Map<string, string>();
    resolveOutcomes(out, (field) => {
      let t = texts.get(field);
      if (t === undefined) {
        t = this.text(i, TEXT.indexOf(field as TextKey));
        texts.set(field, t);
      }
      return t;
    });
    // Cached only once whole: a throw above must not leave half-resolved facts for the next caller.
    this.outcomeCache[slot] = out;
    this.outcomeCacheAt[slot] = i;
    return out;
  }

  /** The whole record, as it was written. */
  record(i: number): ReformRecord {
    const slot = i & (CACHE - 1);
    if (this.cacheAt[slot] === i) return this.cache[slot]!;
    const r = this.decode(i);
    this.cache[slot] = r;
    this.cacheAt[slot] = i;
    return r;
  }

  private decode(i: number): ReformRecord {
    const p = this.packed;
    if (this.isRaw(i)) return this.raw(i) as ReformRecord;
    const [keys, sourceKeys] = this.shapeKeys[p.shape[i]];
    const rec: Record<string, unknown> = {};
    let extra: { q: Quantity[]; o: Outcome[] } | undefined;
    const extras = () => {
      if (!extra) {
        const a = p.extraStart[i];
        const b = p.extraStart[i + 1];
        extra = a === b ? { q: [], o: [] } : JSON.parse(this.decoder.decode(p.extra.subarray(a, b)));
      }
      return extra!;
    };
    for (const k of keys) {
      switch (k) {
        case 'category':
          rec.category = p.strings[p.sids[i * NS]];
          break;
        case 'section':
          rec.section = p.strings[p.sids[i * NS + 1]];
          break;
        case 'source': {
          const s: Record<string, unknown> = {};
          for (const sk of sourceKeys) {
            if (sk === 'file') s.file = p.strings[p.sids[i * NS + 2]];
            else if (sk === 'title') s.title = p.strings[p.sids[i * NS + 3]];
            else if (sk === 'titleDerived') s.titleDerived = true;
            else if (sk === 'no') s.no = p.nums[i * 2];
            else if (sk === 'line') s.line = p.nums[i * 2 + 1];
          }
          rec.source = s;
          break;
        }
        case 'related': {
          const out: { id: string; file: string }[] = [];
          const own = p.relatedFile.length === 0;
          for (let j = p.relatedStart[i]; j < p.relatedStart[i + 1]; j++) {
            const file = own ? p.sids[p.relatedIndex[j] * NS + 2] : p.relatedFile[j];
            out.push({ id: this.id(p.relatedIndex[j]), file: p.strings[file] });
          }
          rec.related = out;
          break;
        }
        case 'quantities':
          rec.quantities = extras().q;
          break;
        case 'outcomes':
          rec.outcomes = extras().o;
          break;
        default: {
          const f = TEXT.indexOf(k as TextKey);
          if (f >= 0) rec[k] = this.text(i, f);
          else rec[k] = this.list(i, k as ListKey);
        }
      }
    }
    // Text left out at write time is the field's own slice.
    for (const q of rec.quantities as Quantity[]) if ((q.text as unknown) === 0) q.text = (rec[q.field] as string).slice(q.start, q.end);
    resolveOutcomes((rec.outcomes as Outcome[] | undefined) ?? [], (field) => rec[field] as string);
    return rec as unknown as ReformRecord;
  }

  /**
   * Structural checks of the columns (sizes, offsets in range and increasing, ids in range, the id order): what
   * the decoder relies on. Records were validated when written; raw records are validated by the caller.
   */
  check(): void {
    const p = this.packed;
    const n = p.count;
    const fail = (what: string) => {
      throw new PackedError(what);
    };
    if (!Number.isSafeInteger(n) || n < 0) fail('the record count is malformed');
    if (!isStringArray(p.strings) || !isStringArray(p.shapes) || this.shapeKeys.length !== p.shapes.length) fail('the string tables are malformed');
    const sizes: [string, ArrayLike<number> | undefined, number][] = [
      ['shape', p.shape, n], ['textStart', p.textStart, n * NF + 1], ['sids', p.sids, n * NS], ['listStart', p.listStart, n * NL + 1],
      ['nums', p.nums, n * 2], ['relatedStart', p.relatedStart, n + 1], ['extraStart', p.extraStart, n + 1], ['outcomeDirs', p.outcomeDirs, n],
      ['idOrder', p.idOrder, n], ['idHash', p.idHash, n],
    ];
    for (const [name, a, len] of sizes) if (!ArrayBuffer.isView(a) || a.length !== len) fail(`the ${name} column does not have one entry per record`);
    for (const [name, a] of [['text', p.text], ['listItems', p.listItems], ['relatedIndex', p.relatedIndex], ['relatedFile', p.relatedFile], ['extra', p.extra]] as const) {
      if (!ArrayBuffer.isView(a)) fail(`the ${name} column is missing`);
    }
    const increasing = (name: string, a: Uint32Array, end: number) => {
      if (a[0] !== 0) fail(`${name} does not start at 0`);
      for (let j = 1; j < a.length; j++) if (a[j] < a[j - 1]) fail(`${name} goes backwards at ${j}`);
      if (a[a.length - 1] !== end) fail(`${name} does not end where its data ends`);
    };
    increasing('textStart', p.textStart, p.text.length);
    increasing('listStart', p.listStart, p.listItems.length);
    increasing('relatedStart', p.relatedStart, p.relatedIndex.length);
    increasing('extraStart', p.extraStart, p.extra.length);
    const ownFiles = p.relatedFile.length === 0;
    if (!ownFiles && p.relatedFile.length !== p.relatedIndex.length) fail('related files and indexes differ in number');
    const ns = p.strings.length;
    for (let j = 0; j < p.listItems.length; j++) if (p.listItems[j] >= ns) fail('a list names a string that does not exist');
    for (let j = 0; j < p.relatedIndex.length; j++) {
      if (p.relatedIndex[j] >= n || (!ownFiles && p.relatedFile[j] >= ns)) fail('a copy link points past the records');
      if (ownFiles && p.shape[p.relatedIndex[j]] === NONE) fail('a copy link takes its file from a record stored whole');
    }
    const shapes = this.shapeKeys;
    for (const s of shapes) {
      if (!Array.isArray(s) || !isStringArray(s[0]) || !isStringArray(s[1]) || s[0].some((k) => !RECORD_KEYS.has(k)) || s[1].some((k) => !SOURCE_KEYS.has(k))) fail('a record shape is malformed');
      for (const k of ['id', 'title', 'source', 'quantities', 'related', 'departments', 'regions']) if (!s[0].includes(k)) fail(`a record shape lacks ${k}`);
    }
    const seen = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const i = p.idOrder[j];
      if (i >= n || seen[i]) fail('the id order is not a permutation of the records');
      seen[i] = 1;
      if (j > 0 && p.idHash[j] < p.idHash[j - 1]) fail('the id order is not sorted');
    }
    for (let i = 0; i < n; i++) {
      const s = p.shape[i];
      if (s === NONE) continue;
      if (s >= shapes.length) fail(`record ${i + 1} has no shape`);
      const keys = shapes[s][0];
      for (let k = 0; k < NS; k++) {
        const v = p.sids[i * NS + k];
        const needed = k >= 2 || keys.includes(SIDS[k]);
        if (needed && v >= ns) fail(`record ${i + 1}: its ${SIDS[k]} names a string that does not exist`);
      }
      // Id and title are non-empty; every compact record's id hash is where the id order says.
      if (p.textStart[i * NF + 1] === p.textStart[i * NF] || p.textStart[i * NF + 2] === p.textStart[i * NF + 1]) fail(`record ${i + 1} has an empty id or title`);
    }
    for (let j = 0; j < n; j++) {
      const i = p.idOrder[j];
      if (p.shape[i] !== NONE && hashUnits(p.text, p.textStart[i * NF], p.textStart[i * NF + 1]) !== p.idHash[j]) fail('the id order does not match the ids');
    }
  }
}

const STORES = new WeakMap<object, RecordStore>();

/** The store behind a records list decoded from a snapshot (undefined for a plain array). */
export function recordStoreOf(records: readonly unknown[]): RecordStore | undefined {
  return STORES.get(records);
}

/**
 * The records as an array that decodes each record when it is read: `records[i]`, `length`, iteration and array
 * methods work as on a plain array (read-only); code that needs only ids, titles or links asks the store.
 */
export function recordList(store: RecordStore): ReformRecord[] {
  const index = (k: string | symbol): number => {
    if (typeof k !== 'string') return -1;
    const c = k.charCodeAt(0);
    if (c < 48 || c > 57) return -1;
    const i = Number(k);
    return Number.isInteger(i) && i < store.length && String(i) === k ? i : -1;
  };
  const target: ReformRecord[] = [];
  target.length = store.length; // sparse: no element is allocated
  const list = new Proxy(target, {
    get(t, k, receiver) {
      if (k === 'length') return store.length;
      const i = index(k);
      if (i >= 0) return store.record(i);
      return Reflect.get(t, k, receiver);
    },
    has(t, k) {
      return index(k) >= 0 || k === 'length' || Reflect.has(t, k);
    },
    getOwnPropertyDescriptor(t, k) {
      const i = index(k);
      if (i >= 0) return { value: store.record(i), writable: false, enumerable: true, configurable: true };
      if (k === 'length') return { value: store.length, writable: true, enumerable: false, configurable: false };
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    ownKeys() {
      return [...Array.from({ length: store.length }, (_, i) => String(i)), 'length'];
    },
    set() {
      throw new TypeError('the records of a loaded snapshot are read-only');
    },
    defineProperty() {
      throw new TypeError('the records of a loaded snapshot are read-only');
    },
    deleteProperty() {
      throw new TypeError('the records of a loaded snapshot are read-only');
    },
  });
  STORES.set(list, store);
  return list;
}
