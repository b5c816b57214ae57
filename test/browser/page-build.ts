/** The page built by Vite for the tests: into a fresh folder, or the one the run's global setup built. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provided, ROOT } from '../helpers.js';

/** Builds the page with the project's vite.config.ts into a fresh folder; returns that folder. */
export async function buildPage(outDir = mkdtempSync(join(tmpdir(), 'ftz-web-'))): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'web'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/**
 * The page to serve: the one test/global-setup.ts built for this vitest run (shared, read-only: `own` false), or one
 * built here into a folder of the caller's own (a script run outside vitest, such as npm run screenshots, or a run
 * global setup built no page for: watch mode).
 */
export async function pageForRun(): Promise<{ webRoot: string; own: boolean }> {
  const shared = await provided('webRoot');
  if (shared && existsSync(join(shared, 'index.html'))) return { webRoot: shared, own: false };
  return { webRoot: await buildPage(), own: true };
}
