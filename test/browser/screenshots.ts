/**
 * npm run screenshots: the main views at 1280 px (desktop) and 390 px (phone) into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';
import { startHarness } from './harness.js';

const OUT = join(ROOT, 'docs', 'screenshots');
const VIEWS: [string, string, string][] = [
  ['results', `/?q=${encodeURIComponent('通关 时间')}`, '.hit'],
  ['record', '/reforms/79c90300-102', '.similar-list li'],
  ['outcomes', '/outcomes?direction=down&sort=change', '.outcome-table tbody tr'],
  ['empty', `/?q=${encodeURIComponent('宇宙飞船 量子')}`, '.empty'],
];

const h = await startHarness();
try {
  mkdirSync(OUT, { recursive: true });
  for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
    const context = await h.browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'zh-CN' });
    const page = await context.newPage();
    for (const [view, url, ready] of VIEWS) {
      await page.goto(h.base + url);
      await page.waitForSelector(ready);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(OUT, `${view}-${name}.png`), fullPage: view === 'record' });
      console.log(`docs/screenshots/${view}-${name}.png`);
    }
    await context.close();
  }
} finally {
  await h.close();
}
