/**
 * Builds the seed snapshot once for the whole run and writes it to a temporary folder; every test file reads that
 * file (test/helpers.ts seedSnapshot) instead of building the seeds again in its own process. A build loads jieba and
 * takes seconds; reading the written snapshot takes a fraction of one, and it is the very body the build gave
 * (test/seed-snapshot.test.ts checks the file against a fresh build).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSnapshot } from '../indexer/build.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { DICT, SEEDS } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seed snapshot built once for the run (unpacked), or '' when the run did not build it. */
    seedSnapshotFile: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'ftz-test-seeds-'));
  const file = join(dir, 'seeds.snapshot');
  const { body } = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT });
  writeFileSync(file, serializeSnapshot(body));
  project.provide('seedSnapshotFile', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
