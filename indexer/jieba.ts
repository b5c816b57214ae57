/**
 * nodejieba at index time. It is loaded once per process (its dictionary costs ~1.5 s and ~240 MB), with our
 * user dictionary in place of the bundled one. Query time never needs it: see analysis/segment.ts.
 */
import jieba from 'nodejieba';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let loadedWith: string | undefined;
let loadMs = 0;

/** Whether jieba is loaded in this thread. */
export function jiebaLoaded(): boolean {
  return loadedWith !== undefined;
}

/** How long the load took (ms). */
export function lastJiebaLoadMs(): number {
  return loadMs;
}

/** Load jieba with these user words (word, optional frequency). Later calls with other words are refused: jieba keeps its first dictionary. */
export function loadJieba(userWords: [string, number | undefined][]): void {
  const content = userWords.map(([w, f]) => (f ? `${w} ${f}` : w)).join('\n') + '\n';
  if (loadedWith !== undefined) {
    if (loadedWith !== content) process.emitWarning('jieba is already loaded with another user dictionary; keeping the first');
    return;
  }
  // jieba only takes its user dictionary as a file; it reads it during load(), so the folder goes right after.
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ftz-jieba-'));
  try {
    const file = join(dir, 'user.dict.utf8');
    writeFileSync(file, content);
    jieba.load({ userDict: file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  loadedWith = content;
  loadMs = performance.now() - t0;
}

/** Segment with HMM on (so numbers stay whole and unknown words are guessed). */
export function cut(text: string): string[] {
  return jieba.cut(text, true);
}
