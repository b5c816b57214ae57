import { defineConfig } from 'vitest/config';

// jieba's dictionary load (nodejieba builds a trie of ~350,000 words out of many small mallocs) took ~4 s of CPU in
// each test process that builds or counts the vocabulary, about 20 of them per run; with glibc's malloc asking for
// transparent huge pages it takes ~2 s, the same dictionary and the same words (fewer page faults and TLB misses).
// Set here, before the workers start, so every test process and every child a test starts (CLI builds, counting
// processes, servers) inherits it; a glibc or kernel without the tunable ignores it.
const HUGE_PAGES = 'glibc.malloc.hugetlb=1';
if (!process.env.GLIBC_TUNABLES?.includes('glibc.malloc.hugetlb')) {
  process.env.GLIBC_TUNABLES = [process.env.GLIBC_TUNABLES, HUGE_PAGES].filter(Boolean).join(':');
}

// Tests live in test/. The JSON report is what .ci/run counts passed and failed tests from.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Built once per `vitest run` and read by every file that needs them (test/global-setup.ts): the seed snapshot,
    // the build's own body beside it, and the page when the run includes a file that serves it.
    globalSetup: ['test/global-setup.ts'],
    // Vitest runs one file at a time on a 2-core machine by default (cores − 1); most slow files wait on child
    // processes (builds, servers, Chromium), so two at once use the idle core: 463 s → 373 s on a fresh clone here; with the seeds
    // and the page built once per run (global setup above), 246 s of vitest in the fresh-clone CI run at a98280d.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
