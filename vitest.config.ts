import { defineConfig } from 'vitest/config';
import { hugePagesEnv } from './indexer/huge-pages.js';

// jieba's dictionary load (nodejieba builds a trie of ~350,000 words out of many small mallocs) took ~4 s of CPU in
// each test process that builds or counts the vocabulary, about 20 of them per run; with glibc's malloc asking for
// transparent huge pages it takes ~2 s, the same dictionary and the same words (fewer page faults and TLB misses).
// Set here, before the workers start, so every test process and every child a test starts (CLI builds, counting
// processes, servers) inherits it; a glibc or kernel without the tunable ignores it. vitest's own process (the global
// setup's seeds build loads jieba there while both workers wait) can only get it at its start: package.json's `test`
// script sets it when GLIBC_TUNABLES is unset, and this keeps it for a `vitest` started another way.
process.env.GLIBC_TUNABLES = hugePagesEnv(process.env).GLIBC_TUNABLES;

// Files that need a process of their own, each for a reason that outlives the file in a shared one: jieba loaded in the
// test's thread (it keeps the first user dictionary of its process, and each of these builds another corpus or
// counts with other words), V8 flags or process signal handlers set in the test's process, or the test process's own
// memory measured. Every other file runs in a process shared with other files (below).
const OWN_PROCESS = [
  'test/build-parallel.test.ts', // builds in this thread (jieba), process.env.TMPDIR, this process's RSS
  'test/build-tail.test.ts', // tail worker threads started and failed on purpose
  'test/records-input.test.ts', // builds in this thread (jieba)
  'test/general-words.test.ts', // builds a 20-record corpus in this thread (jieba)
  'test/vocabulary.test.ts', // loads jieba in this thread with the build's words
  'test/similar.test.ts', // sets V8 flags (node:v8 setFlagsFromString)
  'test/cache-garbage.test.ts', // sets V8 flags (--expose-gc) and reads this process's heap spaces
  'test/snapshot-damage.test.ts', // runs the server's start-up in process (signal handlers)
  'test/snapshot-load-file.test.ts', // measures this process's memory
  'test/browser/**/*.test.ts', // Chromium per file; long files, no gain from sharing
];

// Tests live in test/. The JSON report is what .ci/run counts passed and failed tests from.
export default defineConfig({
  test: {
    // Built once per `vitest run` and read by every file that needs them (test/global-setup.ts): the seed snapshot,
    // the build's own body beside it, and the page when the run includes a file that serves it. Set here only (the
    // root project's setup runs once and what it provides reaches both projects); the inline projects below do not
    // inherit the root's test options (vitest 4), so each states its own.
    globalSetup: ['test/global-setup.ts'],
    // Vitest runs one file at a time on a 2-core machine by default (cores − 1); most slow files wait on child
    // processes (builds, servers, Chromium), so two at once use the idle core: 463 s → 373 s on a fresh clone here; with the seeds
    // and the page built once per run (global setup above), 246 s of vitest in the fresh-clone CI run at a98280d; 284 s
    // at c1daf12 with a session's more tests, 210 s at 1104a14 with the two projects below and malloc on huge pages; 118 s at cecef7d on a faster machine.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    // A process per test file costs about a second of CPU (Node, vitest's worker, the packages imported) before the
    // first test; most files neither load jieba nor change their process, so they share two processes. Between two
    // files test/fresh-modules.ts drops every module of ours, so each file imports the project's code anew (its
    // module-level caches and the helpers' memoised seed service start empty, as in a process of its own); packages
    // and the process stay. Vitest lists "isolated" before "shared" (project names in order), so the long files that
    // need a process of their own start first and the shared processes run the many short files after them.
    projects: [
      {
        test: { name: 'isolated', include: OWN_PROCESS, testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: OWN_PROCESS,
          isolate: false,
          setupFiles: ['test/fresh-modules.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
