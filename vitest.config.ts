import { defineConfig } from 'vitest/config';

// Tests live in test/. The JSON report is what .ci/run counts passed and failed tests from.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
