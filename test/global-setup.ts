/**
 * Builds what many test files read, once per `vitest run`, into a temporary folder:
 * - the seed snapshot, written by the snapshot writer: every file reads it through test/helpers.ts seedSnapshot()
 *   instead of building the seeds again in its own process (a build loads jieba and takes seconds; reading the
 *   written snapshot, a fraction of one);
 * - the body that build returned, copied by node:v8's structured clone (builtSeedBody()): what the snapshot tests
 *   (snapshot-records, snapshot-stored-forms) compare a written and read snapshot with, and what build-and-serve
 *   runs on (records a plain array), so a writer or reader bug that drops or changes a field fails there instead of
 *   being read back on both sides of a comparison;
 * - the page built by Vite (the browser tests' server and test/static.test.ts serve it; neither writes to it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { TestProject } from 'vitest/node';
import { buildSnapshot } from '../indexer/build.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { DICT, SEEDS } from './helpers.js';
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

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'ftz-test-seeds-'));
  const snapshotFile = join(dir, 'seeds.snapshot');
  const bodyFile = join(dir, 'seeds.body.v8');
  // Side by side: jieba's load and the build run in this thread, Vite's bundler mostly in its own threads.
  const [{ body }, webRoot] = await Promise.all([buildSnapshot({ seedsDir: SEEDS, dictDir: DICT }), buildPage(join(dir, 'web'))]);
  // The clone first: nothing has used the body yet, and serializing it does not change it.
  writeFileSync(bodyFile, serialize(body));
  writeFileSync(snapshotFile, serializeSnapshot(body));
  project.provide('seedSnapshotFile', snapshotFile);
  project.provide('seedBuiltBodyFile', bodyFile);
  project.provide('webRoot', webRoot);
  return () => rmSync(dir, { recursive: true, force: true });
}
