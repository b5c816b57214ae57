/**
 * npm start [-- --snapshot FILE] [--seeds DIR] [--dict DIR] [--workers N]
 * Serves a snapshot, or builds one from seeds/ at start-up; listens on PORT (3000) and HOST (127.0.0.1).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { buildApp } from './app.js';
import { parseWorkers, superviseWorkers } from './cluster.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const { values } = parseArgs({
    options: {
      snapshot: { type: 'string' },
      seeds: { type: 'string', default: join(root, 'seeds') },
      dict: { type: 'string', default: join(root, 'dict') },
      workers: { type: 'string' },
    },
  });
  // --workers N: this process forks N servers on one port, each loading its own copy of the snapshot.
  if (await superviseWorkers({ workers: parseWorkers(values.workers) })) return;
  let body: SnapshotBody;
  let origin: string;
  if (values.snapshot) {
    body = parseSnapshot(await readFile(values.snapshot));
    origin = `snapshot ${values.snapshot}`;
  } else {
    // Only a build needs the indexer (and jieba); serving a snapshot never loads them.
    const { buildSnapshot } = await import('../indexer/build.js');
    body = (await buildSnapshot({ seedsDir: values.seeds!, dictDir: values.dict! })).body;
    origin = `seeds ${values.seeds}`;
  }
  const service = new SearchService(body);
  const app = await buildApp({ service, webRoot: join(root, 'dist', 'web') });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen({ port, host });
  const files = body.sources.filter((s) => s.records > 0).length;
  console.log(`listening on http://${host}:${port} — ${body.records.length} records from ${files} documents (${origin}), ${body.warnings.length} warning(s)`);
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
