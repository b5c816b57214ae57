/**
 * Structural validation of a snapshot body before it is served. The checksum proves the file is the one that was
 * written, not that its writer was right: a body with a null title or a quantity pointing past its field must be
 * refused at load with a message naming the first bad record, never crash or hang a running server later.
 * One linear pass, no allocation per record beyond the id set: fast enough to run on every load.
 */
import { SortedCharMap } from '../analysis/char-map.js';
import { TEXT_FIELDS, type ReformRecord } from '../indexer/schema.js';
import type { SnapshotBody } from './body.js';
import { SnapshotError } from './container.js';
import { PackedError, recordStoreOf, type RecordStore } from './records.js';

class Invalid extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `a string` : typeof v);

function fail(what: string, v: unknown, expected: string): never {
  throw new Invalid(`${what} is ${describe(v)}${typeof v === 'number' ? ` (${v})` : ''}, expected ${expected}`);
}
function str(v: unknown, what: string, nonEmpty = false): string {
  if (typeof v !== 'string' || (nonEmpty && v.length === 0)) fail(what, v, nonEmpty ? 'a non-empty string' : 'a string');
  return v;
}
function optStr(v: unknown, what: string): void {
  if (v !== undefined) str(v, what);
}
function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(what, v, 'a finite number');
  return v;
}
function int(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(what, v, `an integer in ${min}..${max}`);
  return v;
}
function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) fail(what, v, 'an array');
  return v;
}
function strings(v: unknown, what: string): void {
  const a = arr(v, what);
  // An element's name is built only when it fails (see checkSpans).
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') str(a[i], `${what}[${i}]`);
}
function obj(v: unknown, what: string): Record<string, unknown> {
  if (!isObject(v)) fail(what, v, 'an object');
  return v;
}

function checkRecord(r: unknown, ids: Pick<Set<string>, 'has' | 'add'>): void {
  const rec = obj(r, 'the record');
  str(rec.id, 'id', true);
  str(rec.title, 'title', true);
  for (const f of ['category', 'content', 'applicableTo', 'process', 'outcome', 'scope'] as const) optStr(rec[f], f);
  strings(rec.departments, 'departments');
  strings(rec.regions, 'regions');
  const source = obj(rec.source, 'source');
  str(source.file, 'source.file', true);
  str(source.title, 'source.title');
  int(source.no, 'source.no', 0);
  int(source.line, 'source.line', 1);
  for (const f of ['section'] as const) optStr(rec[f], f);
  for (const f of ['printedDepartments', 'policyAreas', 'scopeLevels'] as const) if (rec[f] !== undefined) strings(rec[f], f);
  checkSpans(rec, 'quantities');
  if (rec.outcomes !== undefined) {
    checkSpans(rec, 'outcomes');
    const outcomes = rec.outcomes as Record<string, unknown>[];
    for (let i = 0; i < outcomes.length; i++) {
      try {
        const o = outcomes[i];
        if (o.direction !== 'down' && o.direction !== 'up' && o.direction !== 'none') fail('.direction', o.direction, 'down, up or none');
        str(o.metric, '.metric');
        if (o.percent !== undefined) num(o.percent, '.percent');
      } catch (e) {
        throw named(e, `outcomes[${i}]`);
      }
    }
  }
  const related = arr(rec.related, 'related');
  for (let i = 0; i < related.length; i++) {
    try {
      const x = obj(related[i], '');
      str(x.id, '.id', true);
      str(x.file, '.file');
    } catch (e) {
      throw named(e, `related[${i}]`);
    }
  }
  if (ids.has(rec.id as string)) throw new Invalid(`id ${JSON.stringify(rec.id)} is used by an earlier record`);
  ids.add(rec.id as string);
}

/**
 * A failure inside a list's item, named by the item's path (`quantities[3]`) put before the name relative to it (''
 * the item itself, '.value' one of its keys). The path is built only when an item fails: built for every key of every
 * item, the names were about a fifth of the checks' time (which the snapshot writer runs on each of 100k records).
 */
function named(e: unknown, at: string): unknown {
  return e instanceof Invalid ? new Invalid(at + e.message) : e;
}

/** Figures and facts point at exact spans of their field: a span outside it is refused, never trusted. */
function checkSpans(rec: Record<string, unknown>, list: 'quantities' | 'outcomes'): void {
  const items = arr(rec[list], list);
  for (let i = 0; i < items.length; i++) {
    try {
      checkSpan(rec, list, items[i]);
    } catch (e) {
      throw named(e, `${list}[${i}]`);
    }
  }
}

/** One item of checkSpans, its names relative to the item. */
function checkSpan(rec: Record<string, unknown>, list: 'quantities' | 'outcomes', item: unknown): void {
  const q = obj(item, '');
  if (list === 'quantities' || q.value !== undefined) num(q.value, '.value');
  if (list === 'quantities' || q.unit !== undefined) str(q.unit, '.unit');
  if (q.max !== undefined) num(q.max, '.max');
  const text = str(q.text, '.text');
  if (!TEXT_FIELDS.includes(q.field as never)) fail('.field', q.field, `one of ${TEXT_FIELDS.join(', ')}`);
  const field = rec[q.field as string];
  if (typeof field !== 'string') fail(`.field (${String(q.field)})`, field, 'a text field the record has');
  const start = int(q.start, '.start', 0, field.length);
  const end = int(q.end, '.end', start, field.length);
  // The span's text compared in place (no copy of it sliced out per item).
  if (end - start !== text.length || !field.startsWith(text, start)) throw new Invalid(`: ${String(q.field)}[${start}..${end}] is not its text ${JSON.stringify(text)}`);
  if (q.normalized !== undefined) {
    const n = obj(q.normalized, '.normalized');
    num(n.value, '.normalized.value');
    if (n.unit !== '元' && n.unit !== '天' && n.unit !== '工作日') fail('.normalized.unit', n.unit, '元, 天 or 工作日');
    if (n.max !== undefined) num(n.max, '.normalized.max');
  }
  optStr(q.qualifier, '.qualifier');
  if (q.change !== undefined && q.change !== 'from' && q.change !== 'to') fail('.change', q.change, 'from or to');
}

/**
 * Throws SnapshotError naming the first problem (and the record it is in, by position and id) when the body does
 * not have the shape the server relies on. The engine's index structure is checked by the engine when it loads.
 */
export function validateBody(body: unknown): asserts body is SnapshotBody {
  const where = (s: string) => `damaged snapshot: ${s}`;
  try {
    const b = obj(body, 'the body');
    const sources = arr(b.sources, 'sources');
    sources.forEach((s, i) => {
      const x = obj(s, `sources[${i}]`);
      str(x.file, `sources[${i}].file`, true);
      str(x.sha256, `sources[${i}].sha256`);
      int(x.bytes, `sources[${i}].bytes`, 0);
      int(x.records, `sources[${i}].records`, 0);
    });
    arr(b.warnings, 'warnings').forEach((w, i) => {
      const x = obj(w, `warnings[${i}]`);
      str(x.file, `warnings[${i}].file`);
      str(x.message, `warnings[${i}].message`);
      if (x.line !== undefined) int(x.line, `warnings[${i}].line`, 0);
    });
    const d = obj(b.dictionary, 'dictionary');
    str(d.version, 'dictionary.version');
    strings(d.userWords, 'dictionary.userWords');
    strings(d.stopwords, 'dictionary.stopwords');
    arr(d.synonyms, 'dictionary.synonyms').forEach((g, i) => strings(g, `dictionary.synonyms[${i}]`));
    if (d.narrower !== undefined) {
      arr(d.narrower, 'dictionary.narrower').forEach((e, i) => {
        const pair = arr(e, `dictionary.narrower[${i}]`);
        str(pair[0], `dictionary.narrower[${i}][0]`);
        strings(pair[1], `dictionary.narrower[${i}][1]`);
      });
    }
    // Mechanism classes feed the similar lists' matcher, which keys terms on their first two characters.
    if (d.ideas !== undefined) {
      arr(d.ideas, 'dictionary.ideas').forEach((e, i) => {
        const pair = arr(e, `dictionary.ideas[${i}]`);
        str(pair[0], `dictionary.ideas[${i}][0]`, true);
        arr(pair[1], `dictionary.ideas[${i}][1]`).forEach((t, j) => {
          if (typeof t !== 'string' || t.length < 2) fail(`dictionary.ideas[${i}][1][${j}]`, t, 'a string of two or more characters');
        });
      });
    }
    // Which classes passed the similar build's background cut: one flag per class, or a list could name a class by
    // another's flag.
    if (isObject(b.similar) && b.similar.ideasKept !== undefined) {
      const classes = Array.isArray(d.ideas) ? d.ideas.length : 0;
      const kept = b.similar.ideasKept;
      if (!(kept instanceof Uint8Array)) fail('similar.ideasKept', kept, 'a Uint8Array');
      if (kept.length !== classes) fail('similar.ideasKept', kept.length, `one flag per mechanism class (${classes})`);
    }
    const a = obj(b.analysis, 'analysis');
    // Its entries were checked as it was read (snapshot/tables.ts restoreCharTable).
    if (!(a.t2s instanceof SortedCharMap)) fail('analysis.t2s', a.t2s, 'a character table');
    // Each entry checked inline, its name built only when it fails (three names per word, built for all of them, were
    // most of this function's time at load: 6,686 words at seeds).
    const vocabulary = arr(a.vocabulary, 'analysis.vocabulary');
    for (let i = 0; i < vocabulary.length; i++) {
      const e = vocabulary[i];
      if (Array.isArray(e) && typeof e[0] === 'string' && e[0].length > 0 && typeof e[1] === 'number' && Number.isFinite(e[1])) continue;
      const pair = arr(e, `analysis.vocabulary[${i}]`);
      str(pair[0], `analysis.vocabulary[${i}][0]`, true);
      num(pair[1], `analysis.vocabulary[${i}][1]`);
    }
    if (b.index === undefined || b.index === null) fail('index', b.index, 'the search index');
  } catch (e) {
    if (e instanceof Invalid) throw new SnapshotError(where(e.message));
    throw e;
  }
  const records = (body as SnapshotBody).records as unknown;
  if (!Array.isArray(records)) throw new SnapshotError(where(`records is ${describe(records)}, expected an array`));
  const store = recordStoreOf(records);
  if (store) return validateStore(store, where);
  const ids = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    try {
      checkRecord(records[i], ids);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const id = isObject(records[i]) && typeof records[i].id === 'string' ? ` (id ${JSON.stringify(records[i].id)})` : '';
      throw new SnapshotError(where(`record ${i + 1}${id}: ${e.message}`));
    }
  }
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as ReformRecord;
    for (const x of r.related) {
      if (!ids.has(x.id)) throw new SnapshotError(where(`record ${i + 1} (id ${JSON.stringify(r.id)}): related id ${JSON.stringify(x.id)} is not a record`));
    }
  }
}

/**
 * Whether a record passes the checks above, given the records before it (what the snapshot writer asks before it
 * stores a record as columns; a record that does not pass is stored whole and refused here at load).
 */
export function recordValidator(): (r: unknown) => boolean {
  const ids = new Set<string>();
  return (r) => {
    try {
      checkRecord(r, ids);
      return true;
    } catch (e) {
      if (e instanceof Invalid) return false;
      throw e;
    }
  };
}

/** Records stored as columns: the columns' structure, then every record stored whole checked as above. */
function validateStore(store: RecordStore, where: (s: string) => string): void {
  try {
    store.check();
  } catch (e) {
    if (e instanceof PackedError) throw new SnapshotError(where(`records: ${e.message}`));
    throw e;
  }
  for (let i = 0; i < store.length; i++) {
    if (!store.isRaw(i)) continue;
    let r: unknown;
    try {
      r = store.record(i);
    } catch {
      throw new SnapshotError(where(`record ${i + 1}: not valid JSON`));
    }
    // A record written whole was one the writer's checks refused: the same checks name its problem here.
    const earlier = { has: (id: string) => { const j = store.indexOf(id); return j >= 0 && j < i; }, add: () => undefined };
    try {
      checkRecord(r, earlier as unknown as Set<string>);
      for (const x of (r as ReformRecord).related) if (store.indexOf(x.id) < 0) throw new Invalid(`related id ${JSON.stringify(x.id)} is not a record`);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const id = isObject(r) && typeof r.id === 'string' ? ` (id ${JSON.stringify(r.id)})` : '';
      throw new SnapshotError(where(`record ${i + 1}${id}: ${e.message}`));
    }
  }
}
