/**
 * npm run serve builds the page when dist/web is missing or older than what it is built from (user21 finding 3: a
 * `git pull` that changed web/src left the old page served, with its wrong partial-match note).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pageBuildReason, pageSources } from '../scripts/page-build.js';
import { ROOT } from './helpers.js';

/** A project with a page that imports a value from search/ and a type from indexer/; every file dated `at` (s). */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(at: number): string {
  const root = mkdtempSync(join(tmpdir(), 'ftz-page-build-'));
  made.push(root);
  const files: Record<string, string> = {
    'web/index.html': '<div id="app"></div>',
    'web/src/main.tsx': "import { FACETS } from '../../search/facets.js';\nimport type { ReformRecord } from '../../indexer/schema.js';\n",
    'web/src/offline/router.ts': "import { x } from '../../../snapshot/file.js';\n",
    'search/facets.ts': "export { y } from './facet-names.js';\nexport const FACETS = ['region'];\n",
    'search/facet-names.ts': 'export const y = 1;\n',
    'indexer/schema.ts': 'export interface ReformRecord { id: string }\n',
    'snapshot/file.ts': 'export const x = 1;\n',
    'vite.config.ts': 'export default {};\n',
    'dist/web/index.html': '<div id="app"></div>',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), at, at);
  }
  return root;
}

const touch = (root: string, path: string, at: number) => utimesSync(join(root, path), at, at);

describe('the page step of npm run serve', () => {
  it('leaves a page alone when nothing it is built from changed after it was built', () => {
    const root = project(1_000_000);
    touch(root, 'dist/web/index.html', 2_000_000);
    expect(pageBuildReason(root)).toBeUndefined();
  });

  it('builds a page that is missing', () => {
    const root = project(1_000_000);
    expect(pageBuildReason(root, join(root, 'dist', 'elsewhere'))).toMatch(/^building the page: dist\/elsewhere\/index.html is missing/);
  });

  it('rebuilds when a file under web/src changed after the page was built, naming it', () => {
    const root = project(1_000_000);
    touch(root, 'web/src/main.tsx', 1_000_100);
    expect(pageBuildReason(root)).toMatch(/^rebuilding the page: web\/src\/main.tsx changed after dist\/web\/index.html was built/);
  });

  it('rebuilds when the build config or a project file the page imports for its values changed, and counts the others', () => {
    const root = project(1_000_000);
    touch(root, 'search/facet-names.ts', 1_000_200);
    touch(root, 'vite.config.ts', 1_000_100);
    expect(pageBuildReason(root)).toMatch(/^rebuilding the page: search\/facet-names.ts and 1 other source file changed after/);
  });

  it('does not rebuild for a type-only import or for what only the offline bundle imports', () => {
    const root = project(1_000_000);
    touch(root, 'indexer/schema.ts', 1_000_100);
    touch(root, 'snapshot/file.ts', 1_000_100);
    expect(pageBuildReason(root)).toBeUndefined();
  });

  it('counts the real page\'s sources: web/, its build config, and indexer/facet-columns.ts whose facet list the page shows, not the search engine', () => {
    const sources = pageSources(ROOT).map((f) => f.slice(ROOT.length + 1));
    expect(sources).toEqual(expect.arrayContaining(['vite.config.ts', 'package-lock.json', 'web/index.html', 'web/src/main.tsx', 'web/src/components/SearchView.tsx', 'indexer/facet-columns.ts']));
    expect(sources).not.toContain('snapshot/file.ts');
    expect(sources).not.toContain('search/score.ts');
  });
});
