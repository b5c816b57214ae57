/**
 * Builds what many test files read, once per `vitest run`, into a temporary folder:
 * - the seed snapshot, written by the snapshot writer: every file reads it through test/helpers.ts seedSnapshot()
 *   instead of building the seeds again in its own process (a build loads jieba and takes seconds; reading the
 *   written snapshot, a fraction of one);
 * - the body that build returned, copied by node:v8's structured clone (builtSeedBody()): what the snapshot tests
 *   (snapshot-records, snapshot-stored-forms) compare a written and read snapshot with, and what build-and-serve
 *   runs on (records a plain array), so a writer or reader bug that drops or changes a field fails there instead of
 *   being read back on both sides of a comparison;
 * - the page built by Vite, only when the run includes a file that serves it (test/browser/, test/static.test.ts);
 *   they serve it read-only through pageForRun(), which builds a page of its own when none was provided.
 * Watch mode (`vitest` without `run`) shares nothing: global setup runs once per vitest process, not per rerun, and
 * its imports are not reloaded, so a shared build would keep the indexer and page of the first run; there every
 * file builds its own from the code as it is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { serialize } from 'node:v8';
import type { TestProject } from 'vitest/node';
import { buildSnapshot } from '../indexer/build.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { DICT, ROOT, SEEDS } from './helpers.js';
import { buildPage } from './browser/page-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seed snapshot built once for the run (unpacked), or '' when the run did not build it. */
    seedSnapshotFile: string;
    /** The body that build returned, as node:v8 serialize wrote it, or '' when the run did not build it. */
    seedBuiltBodyFile: string;
    /** The page built once for the run, or '' when the run did not build it. */
    webRoot: string;
  }
}

/** Whether a test file (absolute path) serves the built page. */
function servesPage(file: string): boolean {
  const rel = relative(ROOT, file).split(sep).join('/');
  return rel.startsWith('test/browser/') || rel === 'test/static.test.ts';
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (project.config.watch) {
    for (const key of ['seedSnapshotFile', 'seedBuiltBodyFile', 'webRoot'] as const) project.provide(key, '');
    return undefined;
  }
  // The run's test files are listed before global setup runs (vitest's state API, marked experimental: when it
  // lists nothing, the page is built as if the run served it).
  const files = project.vitest.state.getPaths();
  const wantPage = files.length === 0 || files.some(servesPage);
  const dir = mkdtempSync(join(tmpdir(), 'ftz-test-seeds-'));
  const snapshotFile = join(dir, 'seeds.snapshot');
  const bodyFile = join(dir, 'seeds.body.v8');
  // Side by side: jieba's load and the build run in this thread, Vite's bundler mostly in its own threads.
  const [{ body }, webRoot] = await Promise.all([buildSnapshot({ seedsDir: SEEDS, dictDir: DICT }), wantPage ? buildPage(join(dir, 'web')) : '']);
  // The clone first: nothing has used the body yet, and serializing it does not change it.
  writeFileSync(bodyFile, serialize(body));
  writeFileSync(snapshotFile, serializeSnapshot(body));
  project.provide('seedSnapshotFile', snapshotFile);
  project.provide('seedBuiltBodyFile', bodyFile);
  project.provide('webRoot', webRoot);
  return () => rmSync(dir, { recursive: true, force: true });
}
