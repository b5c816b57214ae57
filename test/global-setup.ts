/**
 * Builds what many test files read, once for the whole run, into a temporary folder: the seed snapshot (every file
 * reads it through test/helpers.ts seedSnapshot instead of building the seeds again in its own process: a build
 * loads jieba and takes seconds, reading the written snapshot a fraction of one, and it is the very body the build
 * gave, as test/build-parallel.test.ts checks against fresh builds) and the page built by Vite (the browser tests'
 * server and test/static.test.ts serve it; neither writes to it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSnapshot } from '../indexer/build.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { DICT, SEEDS } from './helpers.js';
import { buildPage } from './browser/page-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seed snapshot built once for the run (unpacked), or '' when the run did not build it. */
    seedSnapshotFile: string;
    /** The page built once for the run, or '' when the run did not build it. */
    webRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'ftz-test-seeds-'));
  const file = join(dir, 'seeds.snapshot');
  // Side by side: jieba's load and the build run in this thread, Vite's bundler mostly in its own threads.
  const [{ body }, webRoot] = await Promise.all([buildSnapshot({ seedsDir: SEEDS, dictDir: DICT }), buildPage(join(dir, 'web'))]);
  writeFileSync(file, serializeSnapshot(body));
  project.provide('seedSnapshotFile', file);
  project.provide('webRoot', webRoot);
  return () => rmSync(dir, { recursive: true, force: true });
}
