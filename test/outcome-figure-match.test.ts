import { describe, expect, it } from 'vitest';
import { holdsWhole } from '../search/outcomes.js';

describe('an outcome fact holds a typed figure only where it prints that figure whole', () => {
  it('finds the figure printed on its own', () => {
    expect(holdsWhole('企业10000家', '10000家')).toBe(true);
    expect(holdsWhole('节约0.5亿元', '0.5亿元')).toBe(true);
    expect(holdsWhole('提高百分之三十。', '百分之三十')).toBe(true);
    expect(holdsWhole('降低30%', '30%')).toBe(true);
    // The first printing is inside a longer figure, the second is whole.
    expect(holdsWhole('110000家，其中10000家', '10000家')).toBe(true);
  });
  it('never finds it inside a different value (110000家, 10.5亿元, 130%, 百分之三十五)', () => {
    expect(holdsWhole('累计110000家', '10000家')).toBe(false);
    expect(holdsWhole('节约10.5亿元', '0.5亿元')).toBe(false);
    expect(holdsWhole('增长130%', '30%')).toBe(false);
    expect(holdsWhole('提高百分之三十五', '百分之三十')).toBe(false);
    expect(holdsWhole('提高百分之三十点五', '百分之三十')).toBe(false);
    expect(holdsWhole('用时95.091秒', '95.09')).toBe(false);
  });
  it('finds a plain word anywhere', () => {
    expect(holdsWhole('留抵退税', '退税')).toBe(true);
  });
});
