import { defineConfig } from 'vitest/config';

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
