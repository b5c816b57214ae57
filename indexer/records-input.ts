/**
 * Records as input: a JSON Lines file of records in the schema (the shape `--dump-records` writes), for collections
 * exported from other systems and for the benchmarks, with no document parsing. Only `id`, `title` and one text
 * field are required; quantities are extracted and copies linked when a record does not carry them. A bad line is
 * a warning naming its line number and is skipped; the rest are indexed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { PROGRESS_BYTES, type Corpus } from './corpus.js';
import { fieldQuantities, QuantityBatches } from './quantities-batches.js';
import { documentRegion } from './regions.js';
import { linkRelated } from './related.js';
import { TEXT_FIELDS, type ParseWarning, type Quantity, type ReformRecord, type RelatedRef, type SourceRef } from './schema.js';

/** Text fields beyond the title; a record needs at least one of them. */
const BODY_FIELDS = TEXT_FIELDS.filter((f) => f !== 'title');
const OPTIONAL_STRINGS = ['category', 'scope', ...BODY_FIELDS] as const;

export class RecordLineError extends Error {}

export interface RecordsInputOptions {
  /** Leave copy links to buildSnapshot (corpus.linksPending), which computes them beside the vocabulary count. */
  deferLinks?: boolean;
  /**
   * Extract missing quantities in a worker thread while lines are read (same records; default for a file from
   * PROGRESS_BYTES, off for lines given directly).
   */
  quantitiesWorker?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function checkQuantities(v: unknown, r: Record<string, unknown>): v is Quantity[] {
  if (!Array.isArray(v)) return false;
  return v.every(
    (q) =>
      isObject(q) &&
      typeof q.value === 'number' &&
      typeof q.unit === 'string' &&
      typeof q.text === 'string' &&
      (TEXT_FIELDS as readonly unknown[]).includes(q.field) &&
      typeof q.start === 'number' &&
      typeof q.end === 'number' &&
      // A quantity points into its field's text; one that does not would highlight the wrong characters.
      typeof r[q.field as string] === 'string' &&
      (r[q.field as string] as string).slice(q.start, q.end) === q.text,
  );
}

/** A parsed line: the record, and whether its quantities are still to be extracted (`quantities: false`). */
export interface ParsedLine {
  record: ReformRecord & { related: RelatedRef[] | undefined };
  /** The line gave no quantities and the caller extracts them: until then `record.quantities` is empty. */
  quantitiesPending: boolean;
}

/**
 * One line → a record, or a RecordLineError saying what is wrong. `file` and `line` fill `source` when the
 * record has none. Unknown fields are kept as they are, so a dump re-indexes to the same records. Quantities the line
 * does not give are extracted here, or with `quantities: false` left to the caller (`quantitiesPending`).
 */
export function parseRecordLine(text: string, file: string, line: number, options: { quantities?: boolean } = {}): ParsedLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new RecordLineError(`not JSON (${(e as Error).message})`);
  }
  if (!isObject(v)) throw new RecordLineError('not a JSON object');
  const { id, title } = v;
  if (typeof id !== 'string' || !id.trim()) throw new RecordLineError('"id" missing or not a non-empty string');
  if (id.length > 200 || /[\s\u0000-\u001f/?#%]/.test(id)) throw new RecordLineError(`"id" ${JSON.stringify(id.slice(0, 40))} must be at most 200 characters with no spaces, control characters, / ? # or %`);
  if (typeof title !== 'string' || !title.trim()) throw new RecordLineError('"title" missing or not a non-empty string');
  for (const f of OPTIONAL_STRINGS) {
    if (v[f] !== undefined && typeof v[f] !== 'string') throw new RecordLineError(`"${f}" must be a string`);
  }
  if (!BODY_FIELDS.some((f) => typeof v[f] === 'string' && (v[f] as string).trim())) {
    throw new RecordLineError(`needs one text field besides the title (${BODY_FIELDS.join(', ')})`);
  }
  for (const f of ['departments', 'regions'] as const) {
    if (v[f] !== undefined && !isStringArray(v[f])) throw new RecordLineError(`"${f}" must be an array of strings`);
  }
  let source: SourceRef = { file, title: file, no: line, line };
  if (v.source !== undefined) {
    const s = v.source;
    if (!isObject(s) || typeof s.file !== 'string' || (s.title !== undefined && typeof s.title !== 'string') || (s.no !== undefined && typeof s.no !== 'number') || (s.line !== undefined && typeof s.line !== 'number')) {
      throw new RecordLineError('"source" must be {file: string, title?: string, no?: number, line?: number}');
    }
    source = { ...(s as object), file: s.file, title: (s.title as string | undefined) ?? s.file, no: (s.no as number | undefined) ?? line, line: (s.line as number | undefined) ?? line } as SourceRef;
  }
  if (v.quantities !== undefined && !checkQuantities(v.quantities, v)) {
    throw new RecordLineError('"quantities" must be an array of {value, unit, text, field, start, end} whose text is field.slice(start, end)');
  }
  if (v.related !== undefined && !(Array.isArray(v.related) && v.related.every((x) => isObject(x) && typeof x.id === 'string' && typeof x.file === 'string'))) {
    throw new RecordLineError('"related" must be an array of {id, file}');
  }
  const record = { ...v } as unknown as ReformRecord;
  record.departments = (v.departments as string[] | undefined) ?? [];
  record.source = source;
  if (v.regions === undefined) {
    const region = documentRegion(title, [title, ...BODY_FIELDS.map((f) => (v[f] as string | undefined) ?? '')].join(' '));
    record.regions = region ? [region] : [];
  }
  const quantitiesPending = v.quantities === undefined && options.quantities === false;
  if (quantitiesPending) record.quantities = [];
  else if (v.quantities === undefined) record.quantities = fieldQuantities(TEXT_FIELDS.map((f) => record[f] ?? ''));
  return { record: record as ReformRecord & { related: RelatedRef[] | undefined }, quantitiesPending };
}

/** Lines of text → records: bad lines and repeated ids become warnings with their line numbers. */
export async function recordsFromLines(
  lines: AsyncIterable<string> | Iterable<string>,
  file: string,
  options: RecordsInputOptions = {},
): Promise<{ records: ReformRecord[]; warnings: ParseWarning[]; links: 'kept' | 'computed' | 'pending' }> {
  const records: ReformRecord[] = [];
  const batches = options.quantitiesWorker ? new QuantityBatches() : undefined;
  const warnings: ParseWarning[] = [];
  const seen = new Map<string, number>();
  let allLinked = true;
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!text.trim()) continue;
      try {
        const { record: r, quantitiesPending } = parseRecordLine(text, file, n, { quantities: !batches });
        const first = seen.get(r.id);
        if (first !== undefined) throw new RecordLineError(`id ${JSON.stringify(r.id)} already used on line ${first}`);
        seen.set(r.id, n);
        if (quantitiesPending) batches!.add(r);
        if (r.related === undefined) allLinked = false;
        records.push(r);
      } catch (e) {
        if (!(e instanceof RecordLineError)) throw e;
        warnings.push({ file, line: n, message: `skipped: ${e.message}` });
      }
    }
  } catch (e) {
    batches?.cancel();
    throw e;
  }
  await batches?.finish();
  // Links are both ways and between records of this input: given on every record they are kept (minus links to
  // records that are not here); otherwise they are computed for all, so no link points one way only (by the
  // caller with `deferLinks`, who then calls linkRelated itself; until then every record has no links).
  if (allLinked) {
    for (const r of records) r.related = r.related.filter((x) => seen.has(x.id));
    return { records, warnings, links: 'kept' };
  }
  if (options.deferLinks) {
    for (const r of records) r.related = [];
    return { records, warnings, links: 'pending' };
  }
  linkRelated(records);
  return { records, warnings, links: 'computed' };
}

/**
 * Read a JSON Lines file of records into a corpus the index builder takes like parsed documents. With `deferLinks`
 * copy links are left to buildSnapshot (corpus.linksPending), which computes them beside the vocabulary count.
 */
export async function loadRecordsFile(path: string, options: RecordsInputOptions = {}): Promise<Corpus> {
  const file = basename(path);
  // A large file has its quantities extracted in a worker while this thread reads on (indexer/quantities-batches.ts).
  const quantitiesWorker = options.quantitiesWorker ?? statSync(path).size >= PROGRESS_BYTES;
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(path);
  stream.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  await opened;
  const { records, warnings, links } = await recordsFromLines(createInterface({ input: stream, crlfDelay: Infinity }), file, { ...options, quantitiesWorker });
  return {
    ...(links === 'pending' ? { linksPending: true } : {}),
    records,
    files: [{ file, sha256: hash.digest('hex'), bytes, encoding: 'utf-8', title: 'records (JSON Lines)', records: records.length }],
    warnings,
  };
}
