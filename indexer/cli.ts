/**
 * npm run index -- --seeds DIR --out FILE [--dict DIR] [--dump-records FILE.jsonl]
 * Parses DIR, builds the index and writes the snapshot; prints files, records per file, warnings and time.
 * Exits non-zero only when nothing could be indexed. Every file is written atomically (an interrupted run leaves
 * the previous file as it was).
 */
import { parseArgs } from 'node:util';
import { removeTempFilesOnSignal, writeFileAtomic } from '../snapshot/atomic.js';
import { writeSnapshotFile } from '../snapshot/file.js';
import { buildSnapshot } from './build.js';
import { formatSummary } from './summary.js';

const HELP = `usage: npm run index -- [--seeds DIR] [--dict DIR] [--out FILE] [--dump-records FILE.jsonl]

Builds the search index from the documents in --seeds and writes it as one snapshot file.

options:
  --seeds DIR               documents to index (default: seeds)
  --dict DIR                userdict.txt, synonyms.txt, stopwords.txt (default: dict)
  --out FILE                write the snapshot here (atomically: an interrupted run leaves the old file intact)
  --dump-records FILE.jsonl also write the parsed records, one JSON object a line
  -h, --help                show this help

Prints the files, records per file, warnings and timings. Exits 1 only when nothing could be indexed.
Serve the snapshot with: npm run serve -- --snapshot FILE (or a release: npm run release -- --snapshot FILE --out DIR)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: 'seeds' },
      dict: { type: 'string', default: 'dict' },
      out: { type: 'string' },
      'dump-records': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  removeTempFilesOnSignal();
  const result = await buildSnapshot({ seedsDir: values.seeds!, dictDir: values.dict! });
  console.log(formatSummary(result));
  if (result.body.records.length === 0) {
    console.error('error: nothing could be indexed');
    return 1;
  }
  if (values.out) {
    await writeSnapshotFile(values.out, result.body);
    console.log(`snapshot written to ${values.out}`);
  }
  if (values['dump-records']) {
    await writeFileAtomic(values['dump-records'], result.body.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    console.log(`records written to ${values['dump-records']}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
