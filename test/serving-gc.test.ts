import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftz-serving-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** V8's line per scavenge (--trace-gc-nvp) of a process that serves the seeds' queries, from its first query on. */
function scavengeLines(apply: boolean): string[] {
  const script = join(dir, `serve-${apply}.mts`);
  writeFileSync(
    script,
    [
      `import { applyServingGc } from ${JSON.stringify(join(ROOT, 'server/serving-gc.ts'))};`,
      `import { seedService } from ${JSON.stringify(join(ROOT, 'test/helpers.ts'))};`,
      apply ? 'applyServingGc();' : '',
      'const service = await seedService();',
      "console.log('-- serving');",
      "for (let r = 0; r < 200; r++) for (const q of ['退税', '海关 监管', '\"一网通办\"', '融资 -银行', '怎样办理跨境电商退货']) { service.clearCache(); service.search({ q, size: 10 }); }",
    ].join('\n'),
  );
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--trace-gc-nvp', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  // Collections of module loading and the seeds' build come before the marker; the queries' after it.
  return out.slice(out.indexOf('-- serving')).split('\n').filter((l) => /\bgc=s\b/.test(l));
}

describe('a serving process collects its young generation on one thread', () => {
  it('after the serving flags, no scavenge hands work to a helper thread while queries are answered', () => {
    const lines = scavengeLines(true);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(l).toMatch(/\bbackground\.scavenge\.parallel=0\.00\b/);
  }, 120_000);
});
