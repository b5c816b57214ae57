/** Markdown inline markup rendered as the text a reader sees (indexer/parse/inline-markup.ts), on the seeds' own lines. */
import { describe, expect, it } from 'vitest';
import { plainInline } from '../indexer/parse/inline-markup.js';
import { tableRow } from '../indexer/parse/markdown.js';

describe('markdown inline markup as plain text', () => {
  it('renders the M0 indicator row of seed 002 with ≥ and ≤ and without <br>, $ or \\text', () => {
    const row = '| 指标体系 | $4.0 \\geq \\text{容积率} \\geq 1.5$<br><br>厂前区占比<br>占地面积 $\\leq 1.5\\%$ 且<br>计容建筑面积 $\\leq 30\\%$ | 容积率 $\\geq 1.0$ |';
    expect(tableRow(row)).toBe('指标体系；4.0≥容积率≥1.5，厂前区占比，占地面积 ≤1.5% 且，计容建筑面积 ≤30%；容积率 ≥1.0');
  });

  it('keeps a math span with a command it cannot render as printed, and never reads a price in dollars as math', () => {
    expect(plainInline('面积 $x^{2}$ 以上')).toBe('面积 $x^{2}$ 以上');
    expect(plainInline('保费 US$5 至 US$10 不等')).toBe('保费 US$5 至 US$10 不等');
  });

  it('leaves lone asterisks, unclosed emphasis and spaced asterisks alone', () => {
    expect(plainInline('注：带*的事项由省级实施')).toBe('注：带*的事项由省级实施');
    expect(plainInline('** 不是强调 **')).toBe('** 不是强调 **');
    expect(plainInline('**优化审批服务**，建立重大项目清单')).toBe('优化审批服务，建立重大项目清单');
  });
});
