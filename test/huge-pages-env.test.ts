import { describe, expect, it } from 'vitest';
import { hugePagesEnv } from '../indexer/huge-pages.js';

describe('the counting process environment', () => {
  it('asks glibc for huge pages, keeping every other tunable and variable the build process has', () => {
    const env = hugePagesEnv({ PATH: '/usr/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(env.PATH).toBe('/usr/bin');
    expect(env.GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    expect(hugePagesEnv({}).GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=1');
  });

  it("never overrides a huge-page choice the operator made, and leaves the build process's own environment as it was", () => {
    const operator = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' };
    expect(hugePagesEnv(operator).GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=0');
    const mine: Record<string, string> = { HOME: '/root' };
    hugePagesEnv(mine);
    expect(mine).toEqual({ HOME: '/root' });
  });
});
