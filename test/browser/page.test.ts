/**
 * The search page in a real browser (Debian's Chromium through playwright-core) against the server started in
 * process over the seed snapshot. One browser for the file; each test opens its own context.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function open(url: string, width = 1280, height = 900): Promise<{ page: Page; context: BrowserContext }> {
  const context = await h.browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(h.base + url);
  return { page, context };
}

const enc = encodeURIComponent;
const firstTitle = (page: Page) => page.locator('.hit-title a').first().innerText();
const searchUrl = (page: Page) => new URL(page.url()).searchParams;

async function searchFor(page: Page, q: string) {
  await page.fill('#q', q);
  await page.press('#q', 'Enter');
  await page.waitForFunction((text) => document.querySelector('.summary')?.textContent?.includes(`“${text}”`) && !document.querySelector('.results[aria-busy="true"]'), q);
}

describe('the search page in Chromium', () => {
  it('finds what a typed query says and marks the matched words', async () => {
    const { page, context } = await open('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await searchFor(page, '留抵退税');
    const marks = await page.locator('.hit mark').allInnerTexts();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.some((m) => m.includes('退税'))).toBe(true);
    expect(await page.locator('.summary').innerText()).toMatch(/共 \d+ 条，用时 \d+ 毫秒/);
    expect(searchUrl(page).get('q')).toBe('留抵退税');
    // The title is a real link to the record's own URL.
    expect(await page.locator('.hit-title a').first().getAttribute('href')).toMatch(/^\/reforms\/[A-Za-z0-9_-]+/);
    await context.close();
  });

  it('keeps a ticked facet visible and checked across a new query, and unticks it from its chip', async () => {
    const { page, context } = await open(`/?q=${enc('通关')}`);
    await page.locator('.hit').first().waitFor();
    const hunan = page.locator('#facet-region label', { hasText: '湖南' }).locator('input');
    await hunan.check();
    await expect.poll(() => searchUrl(page).getAll('region')).toEqual(['湖南']);
    await page.waitForFunction(() => !document.querySelector('.results[aria-busy="true"]'));
    const filtered = Number(await page.locator('.summary .total').innerText());
    expect(filtered).toBeGreaterThan(0);
    for (const m of await page.locator('.hit .tag').allInnerTexts()) expect(m).toContain('湖南');

    await searchFor(page, '海铁联运');
    expect(searchUrl(page).getAll('region')).toEqual(['湖南']);
    // The filter does not hide itself, whatever its count under the new query.
    expect(await page.locator('#facet-region label', { hasText: '湖南' }).locator('input').isChecked()).toBe(true);
    const chip = page.locator('.chips .chip', { hasText: '湖南' });
    await chip.click();
    await expect.poll(() => searchUrl(page).getAll('region')).toEqual([]);
    await page.waitForFunction(() => !document.querySelector('.results[aria-busy="true"]'));
    expect(await page.locator('.chips').count()).toBe(0);
    expect(Number(await page.locator('.summary .total').innerText())).toBeGreaterThan(0);
    await context.close();
  });

  it('says which mechanism a similar reform shares under another name: 先放后检 and 特定附条件放行 both release goods before the check completes', async () => {
    const { page, context } = await open('/reforms/6665671d-1-10');
    await page.locator('.similar-list li').first().waitFor();
    const fresh = page.locator('.similar-list li', { hasText: '特定附条件放行' });
    expect(await fresh.locator('.because', { hasText: '同一机制' }).locator('.term').allInnerTexts()).toEqual(['先放后检', '特定附条件放行']);
    await context.close();
  });

  it('opens a record with 相似改革 and its citation, and Back returns to the same results', async () => {
    const { page, context } = await open(`/?q=${enc('关保通')}`);
    await page.locator('.hit').first().waitFor();
    const before = { url: page.url(), title: await firstTitle(page), count: await page.locator('.hit').count() };
    await page.locator('.hit-title a').first().click();
    await page.waitForURL(/\/reforms\//);
    await page.locator('.record h1').waitFor();
    expect(await page.locator('.record h1').innerText()).toBe(before.title);
    expect(await page.locator('#f-similar').innerText()).toContain('相似改革');
    await page.locator('.similar-list li').first().waitFor();
    expect(await page.locator('.similar-list .because .term').count()).toBeGreaterThan(0);
    expect(await page.locator('.cite-text').innerText()).toMatch(/第 \d+ 项/);
    expect(await page.locator('.record .field h2').allInnerTexts()).toContain('实际效果');

    // A record with an outcome marks the figure in its text and lists it as a fact.
    await page.goto(`${h.base}/reforms/79c90300-102`);
    await page.locator('.record h1').waitFor();
    expect((await page.locator('.prose mark.figure').allInnerTexts()).join(' ')).toMatch(/75\s*天/);
    expect(await page.locator('.fact-list li').count()).toBeGreaterThan(0);
    await page.goBack();
    await page.locator('.record h1').waitFor();

    // Reloading the record's URL serves the page (the SPA fallback), not a 404.
    await page.reload();
    await page.locator('.record h1').waitFor();
    expect(await page.locator('.record h1').innerText()).toBe(before.title);

    await page.goBack();
    await page.waitForURL(before.url);
    await page.locator('.hit').first().waitFor();
    expect(await firstTitle(page)).toBe(before.title);
    expect(await page.locator('.hit').count()).toBe(before.count);
    expect(await page.inputValue('#q')).toBe('关保通');
    await context.close();
  });

  it('lists only other regions under 相似改革 by default, and every region when the box is unchecked', async () => {
    const { page, context } = await open('/reforms/79c90300-53');
    await page.locator('.similar-list li').first().waitFor();
    expect(await page.locator('.similar-head input[type=checkbox]').isChecked()).toBe(true);
    const regions = await page.locator('.similar-list .tag').allInnerTexts();
    expect(regions.length).toBeGreaterThan(0);
    // Each is a reform of another province (a reform printed for 福建 and 山东 counts: README, scope=other-regions).
    for (const r of regions) expect(r.split('、').some((g) => g !== '山东'), r).toBe(true);
    await page.locator('.similar-head input[type=checkbox]').uncheck();
    await page.waitForURL(/only=all/);
    await page.waitForFunction(() => !document.querySelector('.similar-list.stale'));
    expect((await page.locator('.similar-list .tag').allInnerTexts()).some((r) => r.includes('山东'))).toBe(true);
    await context.close();
  });

  it('answers a reporter\'s question in the outcomes table and says it kept the kind of figure asked (压缩了多少时间)', async () => {
    const { page, context } = await open(`/outcomes?q=${encodeURIComponent('压缩了多少时间')}`);
    await page.locator('.outcome-table tbody tr').first().waitFor();
    expect(Number(await page.locator('.summary .total').innerText())).toBeGreaterThan(0);
    expect(await page.locator('.summary .asked-kind').innerText()).toContain('时间');
    await context.close();
  });

  it('says how many shown hits hold every word when some lack one, never that none does', async () => {
    const { page, context } = await open(`/?q=${encodeURIComponent('海关 担保 保险')}`);
    await page.locator('.hit').first().waitFor();
    const full = await page.locator('.hit:not(:has(.missing))').count();
    expect(full).toBeGreaterThan(0);
    const note = await page.locator('.partial-note').innerText();
    expect(note).not.toContain('没有同时包含');
    expect(note).toContain(`${full} 条包含全部词语`);
    await context.close();
  });

  it('shows the outcomes table with a filter, each row linking to its record, and exports what is shown', async () => {
    const { page, context } = await open('/outcomes');
    await page.locator('.outcome-table tbody tr').first().waitFor();
    const all = Number(await page.locator('.summary .total').innerText());
    await page.selectOption('select[name=kind]', 'money');
    await page.waitForURL(/kind=money/);
    await page.waitForFunction(() => !document.querySelector('.table-wrap.stale') && document.querySelector('.summary .total'));
    const some = Number(await page.locator('.summary .total').innerText());
    expect(some).toBeGreaterThan(0);
    expect(some).toBeLessThan(all);
    const cells = await page.locator('.outcome-table tbody td.num:first-of-type, .outcome-table tbody td[data-label="数值"]').allInnerTexts();
    for (const c of cells) expect(c).toMatch(/元/);
    expect(await page.locator('.outcome-table tbody tr a').first().getAttribute('href')).toMatch(/^\/reforms\//);

    // The 幅度 column sorts the selection by size of change, largest first, and says so.
    await page.locator('th button', { hasText: '幅度' }).click();
    await page.waitForURL(/sort=change/);
    await page.waitForFunction(() => !document.querySelector('.table-wrap.stale'));
    expect(await page.locator('th[aria-sort=descending]').innerText()).toContain('幅度');
    expect(await page.inputValue('select[name=sort]')).toBe('change');
    expect(searchUrl(page).get('kind')).toBe('money');

    // At least N %: every row shown changed by N % or more (or the page says nothing qualifies).
    await page.fill('input[name=min]', '50');
    await page.press('input[name=min]', 'Enter');
    await page.waitForURL(/min=50/);
    await page.waitForFunction(() => !document.querySelector('.table-wrap.stale') && !document.querySelector('.summary')?.textContent?.includes('正在'));
    for (const c of await page.locator('.outcome-table tbody td[data-label="幅度"]').allInnerTexts()) expect(Number(c.replace(/[↓↑%,]/g, ''))).toBeGreaterThanOrEqual(50);
    expect((await page.locator('.outcome-table tbody tr').count()) > 0 || (await page.locator('.outcomes .empty').count()) === 1).toBe(true);
    await page.fill('input[name=min]', '');
    await page.press('input[name=min]', 'Enter');
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('min'));
    await page.locator('.outcome-table tbody tr').first().waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button', { hasText: '导出 CSV' }).click()]);
    const csv = await streamText(await download.createReadStream());
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.trim().split('\r\n');
    expect(lines.length - 1).toBe(await page.locator('.outcome-table tbody tr').count());
    expect(lines[0]).toContain('改革事项');
    await context.close();
  });

  it('restores the whole state from a shared link, and clamps a page past the end', async () => {
    const { page, context } = await open(`/?q=${enc('通关')}&region=${enc('山东')}&sort=source&page=2`);
    await page.locator('.hit').first().waitFor();
    expect(await page.inputValue('#q')).toBe('通关');
    expect(await page.locator('#facet-region label', { hasText: '山东' }).locator('input').isChecked()).toBe(true);
    expect(await page.inputValue('.sort select')).toBe('source');
    expect(await page.locator('.pager [aria-current=page]').innerText()).toBe('2');
    expect(await page.locator('ol.hits').getAttribute('start')).toBe('11');

    await page.goto(`${h.base}/?q=${enc('通关')}&page=999`);
    await page.waitForFunction(() => new URL(location.href).searchParams.get('page') !== '999');
    const last = Number(searchUrl(page).get('page'));
    expect(last).toBeGreaterThan(1);
    await page.locator('.pager [aria-current=page]').waitFor();
    expect(await page.locator('.pager [aria-current=page]').innerText()).toBe(String(last));
    expect(await page.locator('.hit').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('never lets a slow first answer overwrite a newer one', async () => {
    const { page, context } = await open('/');
    // The first query's answer is held until the newer one is on screen, then let go: the order is forced by events,
    // so the test neither waits on a fixed delay nor depends on the machine's speed.
    let asked!: () => void;
    const slowAsked = new Promise<void>((r) => (asked = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let slowSettled: Promise<unknown> | undefined;
    await page.route('**/api/search?*', async (route) => {
      const q = new URL(route.request().url()).searchParams.get('q');
      if (q !== '退税') return route.continue().catch(() => undefined);
      asked();
      await released;
      // Answered late (settled once its whole body reached the page), or refused because the page already dropped the
      // request (no response): either way it is over when this settles.
      slowSettled = route
        .continue()
        .then(() => route.request().response())
        .then((res) => res?.finished())
        .catch(() => undefined);
      await slowSettled;
    });
    await page.fill('#q', '退税');
    await page.press('#q', 'Enter');
    await slowAsked;
    await searchFor(page, '海铁联运');
    const wanted = await firstTitle(page);
    release();
    await expect.poll(() => slowSettled !== undefined).toBe(true);
    await slowSettled;
    // A late answer that reached the page is read and (wrongly) shown within a few tasks: give it ample time to.
    await page.waitForTimeout(300);
    expect(await page.inputValue('#q')).toBe('海铁联运');
    expect(await page.locator('.summary').innerText()).toContain('海铁联运');
    expect(await firstTitle(page)).toBe(wanted);
    expect((await page.locator('.hit mark').allInnerTexts()).some((m) => m.includes('退税'))).toBe(false);
    await context.close();
  });

  it('says in Chinese what went wrong and retries', async () => {
    const { page, context } = await open('/');
    let fail = true;
    await page.route('**/api/search?*', (route) => (fail ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"Internal Server Error","message":"internal error"}' }) : route.continue()));
    await page.fill('#q', '通关');
    await page.press('#q', 'Enter');
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').innerText()).toContain('检索服务暂时不可用');
    fail = false;
    await page.locator('.error button', { hasText: '重试' }).click();
    // The first page's hits (the empty query) stay on screen meanwhile: wait for the retried search's own, marked hits.
    await page.locator('.hits:not(.stale) .hit mark').first().waitFor();
    expect(await page.locator('.error').count()).toBe(0);
    await context.close();
  });

  it('explains an empty result: the words that found nothing and the filters to drop', async () => {
    const { page, context } = await open(`/?q=${enc('宇宙飞船')}`);
    await page.locator('.empty').waitFor();
    await page.waitForFunction(() => document.querySelector('.empty')?.textContent?.includes('没有出现'));
    expect(await page.locator('.empty').innerText()).toContain('宇宙飞船');

    // 关保通 is a 山东 reform: under 湖南 nothing is left, and the page offers to drop that filter.
    await page.goto(`${h.base}/?q=${enc('关保通')}&region=${enc('湖南')}`);
    await page.locator('.empty .drop-list').waitFor();
    expect(await page.locator('.summary .total').innerText()).toBe('0');
    const drop = page.locator('.empty .drop-list button', { hasText: '湖南' });
    await drop.click();
    await page.locator('.hit').first().waitFor();
    expect(searchUrl(page).getAll('region')).toEqual([]);
    expect(await firstTitle(page)).toContain('关保通');
    await context.close();
  });

  it('has no horizontal scroll on a 390 px phone (and 360 px) in every view', async () => {
    for (const width of [390, 360]) {
      const { page, context } = await open(`/?q=${enc('通关 时间')}`, width, 800);
      for (const [url, ready] of [[`/?q=${enc('通关 时间')}`, '.hit'], ['/reforms/79c90300-49', '.similar-list li'], ['/outcomes', '.outcome-table tbody tr'], [`/?q=${enc('宇宙飞船')}`, '.empty']]) {
        await page.goto(h.base + url);
        await page.locator(ready).first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${url} at ${width}px`).toBeLessThanOrEqual(0);
      }
      await context.close();
    }
  });

  it('works with the keyboard alone: Enter, Tab, / and Esc, and suggestions by arrow keys', async () => {
    const { page, context } = await open('/');
    await page.keyboard.type('海铁联运');
    await page.keyboard.press('Enter');
    await page.locator('.hit').first().waitFor();
    // Tab reaches the first result's title link; Enter opens it.
    let onLink = false;
    for (let i = 0; i < 60 && !onLink; i++) {
      await page.keyboard.press('Tab');
      onLink = await page.evaluate(() => !!document.activeElement?.closest('.hit-title'));
    }
    expect(onLink).toBe(true);
    const title = await page.evaluate(() => (document.activeElement as HTMLElement).innerText);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reforms\//);
    await page.locator('.record h1').waitFor();
    expect(await page.locator('.record h1').innerText()).toBe(title);
    // Focus moved to the record's heading: the next Tab continues from there.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type('跨境');
    await page.locator('#suggest-list li').first().waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('#suggest-list').isHidden()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.inputValue('#q')).toBe('');

    await page.keyboard.type('跨境');
    await page.locator('#suggest-list li').first().waitFor();
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('#q', 'aria-activedescendant')).toBe('suggest-0');
    const first = await page.locator('#suggest-0 .s-text').innerText();
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => document.querySelector('.record h1')?.textContent === t || document.querySelector('.summary')?.textContent?.includes(t), first);
    await context.close();
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
