/**
 * What the browser tests and the screenshot script share: the page built by Vite (browser/page-build.ts), the
 * server started in-process on port 0 over the seed snapshot, and Debian's Chromium driven by playwright-core.
 * A missing Chromium is an error with a message, never a skip.
 */
import { existsSync, rmSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { seedService } from '../helpers.js';
import { pageForRun } from './page-build.js';

export { buildPage, pageForRun } from './page-build.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests need it (Debian: apt-get install chromium fonts-wqy-microhei, or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export interface Harness { app: FastifyInstance; base: string; browser: Browser; webRoot: string; close: () => Promise<void> }

export async function startHarness(): Promise<Harness> {
  const [{ webRoot, own }, service] = await Promise.all([pageForRun(), seedService()]);
  const app = await buildApp({ service, webRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await app.close();
    throw e;
  }
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    browser,
    webRoot,
    close: async () => {
      await browser.close();
      await app.close();
      if (own) rmSync(webRoot, { recursive: true, force: true });
    },
  };
}
