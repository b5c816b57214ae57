import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/** Every .ts/.tsx file under a folder, with the folders of ours each of its imports reaches. */
function importsOf(folder: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name)) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
          const target = relative(ROOT, join(dir, m[1])).split('/')[0];
          out.push({ file: relative(ROOT, path), target });
        }
      }
    }
  };
  walk(join(ROOT, folder));
  return out;
}

// Data flows one way: seeds → indexer → snapshot → server (search/, server/) → web. analysis/ is shared text analysis
// and the snapshot format is shared by indexer and server, so only the later stages are forbidden to each folder.
// bench/ measures every stage and none of them imports it (a helper both need lives in the earlier folder).
const LATER: Record<string, string[]> = {
  analysis: ['search', 'server', 'web', 'bench'],
  indexer: ['search', 'server', 'web', 'bench'],
  snapshot: ['search', 'server', 'web', 'bench'],
  search: ['server', 'web', 'bench'],
  server: ['web', 'bench'],
};

describe('no folder imports from a later stage', () => {
  for (const [folder, later] of Object.entries(LATER)) {
    it(`keeps ${folder}/ free of imports from ${later.join(', ')}`, () => {
      const imports = importsOf(folder);
      // The walk found the folder's imports at all (a broken pattern would pass every folder).
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((i) => later.includes(i.target)).map((i) => `${i.file} → ${i.target}/`)).toEqual([]);
    });
  }
});
