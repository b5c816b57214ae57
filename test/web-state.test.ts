/** The page's pure parts: URL state (what a shared link restores) and export (formula-safe CSV with BOM). */
import { describe, expect, it } from 'vitest';
import { csvCell, plainText, toCsv, toJson } from '../web/src/export.js';
import { partialNote } from '../web/src/partial-note.js';
import { formatRoute, parseRoute, recordHref, type Route } from '../web/src/route.js';

const round = (r: Route) => {
  const url = new URL(formatRoute(r), 'http://x');
  return parseRoute(url.pathname, url.search);
};

describe('URL state of the page', () => {
  it('round-trips a search with query, repeated filters, sort and page', () => {
    const r: Route = { view: 'search', search: { q: '跨境电商 退货', filters: { region: ['湖南', '四川'], category: ['最佳实践案例'] }, sort: 'source', page: 3 } };
    expect(round(r)).toEqual(r);
    expect(formatRoute(r)).toMatch(/^\/\?q=/);
  });

  it('round-trips a record (with the search it came from) and the outcomes view', () => {
    const rec: Route = { view: 'record', id: '79c90300-49', otherRegions: true, search: { q: '通关', filters: {}, sort: 'relevance', page: 2 } };
    expect(formatRoute(rec)).toBe('/reforms/79c90300-49?q=%E9%80%9A%E5%85%B3&page=2');
    expect(round(rec)).toEqual(rec);
    expect(round({ ...rec, otherRegions: false })).toEqual({ ...rec, otherRegions: false });
    const out: Route = { view: 'outcomes', outcomes: { q: '时间', direction: 'decrease', kind: 'time', min: 50, sort: 'percent:desc', page: 2 } };
    expect(round(out)).toEqual(out);
  });

  it('opens a record\'s 相似改革 on other regions by default (README, issue 14); only=all lists every region', () => {
    const opened = new URL(recordHref('79c90300-53'), 'http://x');
    expect(parseRoute(opened.pathname, opened.search)).toMatchObject({ view: 'record', otherRegions: true });
    expect(parseRoute('/reforms/79c90300-53', '')).toMatchObject({ otherRegions: true });
    expect(parseRoute('/reforms/79c90300-53', '?only=all')).toMatchObject({ otherRegions: false });
    // A link shared before the default changed (only=other) still means other regions.
    expect(parseRoute('/reforms/79c90300-53', '?only=other')).toMatchObject({ otherRegions: true });
  });

  it('says how many shown hits hold every word instead of claiming none does', () => {
    const full = {};
    const part = { missing: ['地方'] };
    expect(partialNote([full, full, full, part, part])).toBe('（前 3 条包含全部词语，其后为部分匹配）');
    expect(partialNote([full, part, full])).toBe('（本页 2 条包含全部词语，其余为部分匹配，缺少的词语已标出）');
    expect(partialNote([part, part])).toBe('（本页事项都只包含部分词语，缺少的词语已标出）');
    expect(partialNote([full, { missing: [] }, part])).toContain('前 2 条');
  });

  it('reads nonsense as the defaults instead of failing: bad page, unknown sort, negative minimum, duplicates', () => {
    expect(parseRoute('/', '?page=abc&sort=nope&region=a&region=a')).toEqual({ view: 'search', search: { q: '', filters: { region: ['a'] }, sort: 'relevance', page: 1 } });
    expect(parseRoute('/', '?page=-4').view === 'search' && parseRoute('/', '?page=-4')).toMatchObject({ search: { page: 1 } });
    expect(parseRoute('/outcomes', '?min=-3')).toMatchObject({ outcomes: { min: undefined } });
  });
});

describe('export of what is shown', () => {
  it('writes CSV with a BOM, CRLF lines and quoted cells', () => {
    const csv = toCsv([{ a: '由75天压缩至25天, 提速67%', b: 3 }], [{ header: '原文', value: (r) => r.a }, { header: '数', value: (r) => r.b }]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toBe('\uFEFF原文,数\r\n"由75天压缩至25天, 提速67%",3\r\n');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx']) expect(csvCell(evil).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('节约成本约5000万元')).toBe('节约成本约5000万元');
  });

  it('exports JSON with the same columns and the text of highlighted sentences', () => {
    expect(plainText('节约 <mark>5000万元</mark> &amp; 更多&lt;b&gt;')).toBe('节约 5000万元 & 更多<b>');
    expect(JSON.parse(toJson([{ s: 'x' }], [{ header: '原文', value: (r) => r.s }]))).toEqual([{ 原文: 'x' }]);
  });
});
