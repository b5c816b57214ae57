/**
 * A build for a test file that shares its process with other files (the "shared" project in vitest.config.ts): the
 * vocabulary is counted in a process of its own (vocabularyWorkers 1), so jieba never loads in the shared one, where
 * it would keep the first user dictionary for every later file (test/build-parallel.test.ts shows a count in a
 * process builds the same body as a count in the thread). Fails, instead of building, if jieba did load here.
 */
import { buildSnapshot, type BuildOptions, type BuildResult } from '../indexer/build.js';
import { jiebaLoaded } from '../indexer/jieba.js';

export async function buildInSharedProcess(options: Omit<BuildOptions, 'vocabularyWorkers'>): Promise<BuildResult> {
  const loaded = jiebaLoaded();
  const built = await buildSnapshot({ ...options, vocabularyWorkers: 1 });
  if (!loaded && jiebaLoaded()) throw new Error('a build in a shared test process loaded jieba in that process');
  return built;
}
