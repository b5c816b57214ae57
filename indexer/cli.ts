/**
 * npm run index -- --seeds DIR --out FILE [--dict DIR] [--dump-records FILE.jsonl]
 * npm run index -- --records FILE.jsonl --out FILE [--dict DIR]
 * Parses DIR (or reads records, one JSON object a line, bad lines skipped with a warning), builds the index and
 * writes the snapshot; prints files, records per file, warnings and time.
 * Exits non-zero only when nothing could be indexed. Every file is written atomically (an interrupted run leaves
 * the previous file as it was).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { removeTempFilesOnSignal, writeFileAtomic } from '../snapshot/atomic.js';
import type { SnapshotHeader } from '../snapshot/container.js';
import { readSnapshotFileHeader, writeSnapshotFile } from '../snapshot/file.js';
import { formatSummary } from './summary.js';

const HELP = `usage: npm run index -- [--seeds DIR] [--dict DIR] [--out FILE] [--dump-records FILE.jsonl]
       npm run index -- --records FILE.jsonl [--dict DIR] [--out FILE]
       npm run index -- --inspect FILE [--json]

Builds the search index from the documents in --seeds and writes it as one snapshot file.

options:
  --seeds DIR               documents to index (default: seeds)
  --records FILE.jsonl      index records instead (one JSON object a line, the shape --dump-records writes; only
                            id, title and one text field required; a bad line is named and skipped)
  --dict DIR                userdict.txt, synonyms.txt, stopwords.txt (default: dict)
  --out FILE                write the snapshot here (atomically: an interrupted run leaves the old file intact)
  --dump-records FILE.jsonl also write the parsed records, one JSON object a line
  --inspect FILE            print a snapshot's header (versions, build time, sources with sha256, record count,
                            dictionary hashes, payload checksum) without reading the rest; --json prints it as JSON
  -h, --help                show this help

Prints the files, records per file, warnings and timings. Exits 1 only when nothing could be indexed.
Serve the snapshot with: npm run serve -- --snapshot FILE (or a release: npm run release -- --snapshot FILE --out DIR)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: 'seeds' },
      records: { type: 'string' },
      // The project's dictionaries wherever the indexer is run from (a relative --dict is from the working folder).
      dict: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'dict') },
      out: { type: 'string' },
      'dump-records': { type: 'string' },
      inspect: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.inspect) {
    const header = await readSnapshotFileHeader(values.inspect);
    console.log(values.json ? JSON.stringify(header, null, 2) : formatHeader(values.inspect, header));
    return 0;
  }
  removeTempFilesOnSignal();
  // The build's modules (parsers, jieba, OpenCC, every stage: over a second of CPU to import) are imported only by a
  // run that builds, so --inspect and --help answer without them.
  const [{ buildSnapshot, readDictionaries }, { loadRecordsFile }, { packRecords }, { recordValidator }] = await Promise.all([
    import('./build.js'),
    import('./records-input.js'),
    import('../snapshot/records.js'),
    import('../snapshot/validate.js'),
  ]);
  // The time line counts from here to the snapshot written (reading a records file and writing included), the span
  // the benchmark times as a build: the build stages alone left out seconds at 100k records (docs/design.md).
  const t0 = performance.now();
  // --records: records in the schema, one JSON object a line; a bad line is a warning naming it, never fatal.
  const corpus = values.records ? await loadRecordsFile(values.records, { deferLinks: true }) : undefined;
  const readMs = corpus ? performance.now() - t0 : undefined;
  if (corpus && corpus.records.length === 0) {
    // Nothing to index is known once the file is read: said with the same files and warnings, without loading jieba
    // and running every stage on no records first (seconds of CPU for an answer already known).
    const { warnings } = await readDictionaries(values.dict!);
    console.log(formatSummary({ body: { records: [], sources: corpus.files, warnings: [...corpus.warnings, ...warnings] } }, { readMs }));
    console.error('error: nothing could be indexed');
    return 1;
  }
  // While a counting process finishes, the build packs the records into the snapshot's columns, reused when writing.
  const result = await buildSnapshot({
    seedsDir: values.seeds!,
    dictDir: values.dict!,
    corpus,
    progress: (m) => console.error(m),
    whileCounting: (records) => packRecords(records, recordValidator()),
  });
  if (result.body.records.length === 0) {
    console.log(formatSummary(result, { readMs }));
    console.error('error: nothing could be indexed');
    return 1;
  }
  const t1 = performance.now();
  if (values.out) {
    // A write that fails still shows what was read and built (files, warnings) before the error.
    await writeSnapshotFile(values.out, result.body, { packedRecords: result.whileCounting }).catch((e) => {
      console.log(formatSummary(result, { readMs }));
      throw e;
    });
  }
  console.log(formatSummary(result, { readMs, writeMs: values.out ? performance.now() - t1 : 0 }));
  if (values.out) console.log(`snapshot written to ${values.out}`);
  if (values['dump-records']) {
    await writeFileAtomic(values['dump-records'], result.body.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    console.log(`records written to ${values['dump-records']}`);
  }
  return 0;
}

export function formatHeader(file: string, h: SnapshotHeader): string {
  const width = Math.max(...h.sources.map((s) => s.file.length));
  return [
    `snapshot ${file}`,
    `  format          ${h.format} version ${h.formatVersion}, written by ftz-search ${h.productVersion}`,
    `  built           ${h.builtAt}`,
    `  records         ${h.records}`,
    `  sources         ${h.sources.length} file(s)`,
    ...h.sources.map((s) => `    ${s.file.padEnd(width)}  ${String(s.records).padStart(6)} records  ${String(s.bytes).padStart(10)} bytes  sha256 ${s.sha256}`),
    `  dictionaries    ${h.dictionaryHash} (synonyms ${h.synonymsHash || 'not recorded'})`,
    `  payload         ${h.payload.bytes} bytes${h.compression ? `, packed (${h.compression})` : ''}, sha256 ${h.payload.sha256}`,
    '  (header only: the payload checksum is verified when the snapshot is loaded)',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
