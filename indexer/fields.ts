/** The searchable fields, shared by the index builder and the search engine (their order is the index's slot order). */
import type { ReformRecord } from './schema.js';

export type SearchField = 'title' | 'content' | 'applicableTo' | 'process' | 'outcome' | 'departments' | 'copyDepartments' | 'regions' | 'category' | 'scope';

export const SEARCH_FIELDS: readonly SearchField[] = ['title', 'content', 'applicableTo', 'process', 'outcome', 'departments', 'copyDepartments', 'regions', 'category', 'scope'];

/** What an exclusion (-word) looks at: what the record itself prints, not the units of its copies. */
export const OWN_FIELDS: readonly SearchField[] = SEARCH_FIELDS.filter((f) => f !== 'copyDepartments');

/** A record's units as printed and as canonical names, once each. */
function unitNames(r: ReformRecord): string[] {
  return [...new Set([...(r.printedDepartments ?? []), ...r.departments])];
}

/** The text of a field as searched: list fields joined with a separator no query can span. */
export function fieldText(r: ReformRecord, f: SearchField): string {
  if (f === 'copyDepartments') return '';
  // Units answer to the printed form (省市场监管局) and the canonical one (山东省市场监督管理局).
  if (f === 'departments') return unitNames(r).join('、');
  // The document type and the printed section (贸易便利化领域) both describe where an item sits.
  if (f === 'category') return [r.category, r.section].filter(Boolean).join('、');
  if (f === 'regions') return r.regions.join('、');
  return r[f] ?? '';
}

/**
 * The searched text of every field of every record. A case collection prints no responsible units; its copy in a
 * task table does. For matching (not for facets, display or exclusions) a record answers to the units of its copies
 * too (field copyDepartments), so 省税务局 退税 finds both printings. Index and query time both read fields here.
 */
export function searchTexts(records: ReformRecord[]): Record<SearchField, string>[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return records.map((r) => {
    const out = {} as Record<SearchField, string>;
    for (const f of SEARCH_FIELDS) out[f] = fieldText(r, f);
    const own = unitNames(r);
    const inherited = r.related.flatMap((x) => { const c = byId.get(x.id); return c ? unitNames(c) : []; }).filter((d) => !own.includes(d));
    out.copyDepartments = [...new Set(inherited)].join('、');
    return out;
  });
}

/**
 * The normalised searched text of every field of every record, flat in slot order (record × SEARCH_FIELDS.length +
 * field): what the index and the vocabulary are built from, with no per-record objects. With `copies: false` the
 * copyDepartments slots stay empty, for copyDepartmentTexts to fill once the records are linked.
 */
export function normalizedSearchTexts(records: ReformRecord[], normalize: (s: string) => string, options: { copies?: boolean } = {}): string[] {
  const F = SEARCH_FIELDS.length;
  const copies = SEARCH_FIELDS.indexOf('copyDepartments');
  const out = new Array<string>(records.length * F);
  for (let i = 0; i < records.length; i++) {
    for (let f = 0; f < F; f++) out[i * F + f] = f === copies ? '' : normalize(fieldText(records[i], SEARCH_FIELDS[f]));
  }
  if (options.copies !== false) copyDepartmentTexts(records, normalize, out);
  return out;
}

/** seen[u] = stamp, growing `seen` to hold u; returns the array written. */
function mark(seen: Int32Array<ArrayBuffer>, u: number, stamp: number): Int32Array<ArrayBuffer> {
  if (u >= seen.length) {
    const grown = new Int32Array(Math.max(u + 1, seen.length * 2));
    grown.set(seen);
    seen = grown;
  }
  seen[u] = stamp;
  return seen;
}

/** Fill the copyDepartments slots of `texts` (normalizedSearchTexts) from the records' links; returns those texts. */
export function copyDepartmentTexts(records: ReformRecord[], normalize: (s: string) => string, texts: string[]): string[] {
  const F = SEARCH_FIELDS.length;
  const copies = SEARCH_FIELDS.indexOf('copyDepartments');
  const byId = new Map<string, number>();
  for (let i = 0; i < records.length; i++) byId.set(records[i].id, i);
  // Each record's unit names are made once, as ids into one list of names: a record with copies is read by every
  // one of them (up to MAX_LINKS), and per-link strings, sets and look-ups were most of this pass at 100k records.
  const names: string[] = [];
  const nameId = new Map<string, number>();
  const units: (Int32Array | undefined)[] = new Array(records.length);
  const unitsOf = (i: number) =>
    (units[i] ??= Int32Array.from(unitNames(records[i]), (d) => {
      let id = nameId.get(d);
      if (id === undefined) nameId.set(d, (id = names.push(d) - 1));
      return id;
    }));
  // seen[name] === i + 1: the name is the record's own or already inherited (no clearing between records).
  let seen: Int32Array<ArrayBuffer> = new Int32Array(64);
  const inherited: string[] = [];
  const filled: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.related.length === 0) continue;
    const own = unitsOf(i);
    for (const u of own) seen = mark(seen, u, i + 1);
    for (const x of r.related) {
      const c = byId.get(x.id);
      if (c === undefined) continue;
      for (const u of unitsOf(c)) {
        if (u < seen.length && seen[u] === i + 1) continue;
        seen = mark(seen, u, i + 1);
        inherited.push(names[u]);
      }
    }
    // Names in order of first sight, as a set of them would list them.
    texts[i * F + copies] = normalize(inherited.join('、'));
    inherited.length = 0;
    if (texts[i * F + copies]) filled.push(texts[i * F + copies]);
  }
  return filled;
}
