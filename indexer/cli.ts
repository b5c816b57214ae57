/**
 * npm run index -- --seeds DIR --out FILE [--dict DIR] [--dump-records FILE.jsonl] [--dump-analysis]
 * npm run index -- --records FILE.jsonl --out FILE [--dict DIR]
 * Parses DIR (or reads records, one JSON object a line, bad lines skipped with a warning), builds the index and
 * writes the snapshot; prints files, records per file, warnings and time.
 * Exits non-zero only when nothing could be indexed.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { serializeSnapshot } from '../snapshot/file.js';
import { buildSnapshot } from './build.js';
import { loadRecordsFile } from './records-input.js';
import { formatSummary } from './summary.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: 'seeds' },
      records: { type: 'string' },
      dict: { type: 'string', default: 'dict' },
      out: { type: 'string' },
      'dump-records': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: npm run index -- --seeds DIR --out FILE [--dict DIR] [--dump-records FILE.jsonl]');
    console.log('       npm run index -- --records FILE.jsonl --out FILE [--dict DIR]');
    return 0;
  }
  const corpus = values.records ? await loadRecordsFile(values.records) : undefined;
  const result = await buildSnapshot({ seedsDir: values.seeds!, dictDir: values.dict!, corpus });
  console.log(formatSummary(result));
  if (result.body.records.length === 0) {
    console.error('error: nothing could be indexed');
    return 1;
  }
  if (values.out) {
    await writeFile(values.out, serializeSnapshot(result.body));
    console.log(`snapshot written to ${values.out}`);
  }
  if (values['dump-records']) {
    await writeFile(values['dump-records'], result.body.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
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
