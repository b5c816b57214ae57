/** Rewrite one marked section of docs/benchmarks.md (between START and END markers), or append it when absent. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeBenchmarkSection(root: string, start: string, end: string, section: string): void {
  const file = join(root, 'docs', 'benchmarks.md');
  const doc = readFileSync(file, 'utf8');
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  writeFileSync(file, a >= 0 && b > a ? doc.slice(0, a) + section + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${section}\n`);
}
