/**
 * A build for a test file that shares its process with other files (the "shared" project in vitest.config.ts): the
 * vocabulary is counted in a process of its own (vocabularyWorkers 1), so jieba never loads in the shared one, where
 * it would keep the first user dictionary for every later file (test/build-parallel.test.ts shows a count in a
 * process builds the same body as a count in the thread). Fails if jieba is loaded here, before or by this build.
 */
import { buildSnapshot, type BuildOptions, type BuildResult } from '../indexer/build.js';
import { jiebaLoaded } from '../indexer/jieba.js';

export async function buildInSharedProcess(options: Omit<BuildOptions, 'vocabularyWorkers'>): Promise<BuildResult> {
  if (jiebaLoaded()) throw new Error('jieba is loaded in a shared test process (a file there loaded it): builds would keep its user dictionary');
  const built = await buildSnapshot({ ...options, vocabularyWorkers: 1 });
  if (jiebaLoaded()) throw new Error('a build in a shared test process loaded jieba in that process');
  return built;
}
