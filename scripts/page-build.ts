/**
 * npm run serve's page step: builds the page (dist/web) when it is missing or older than what it is built from, so a
 * `git pull` that changed the page never leaves the old one served. `tsx scripts/page-build.ts` prints one line saying
 * why it builds, or nothing when the built page is current.
 *
 * What the page is built from: every file under web/ (sources, index.html, public/), vite.config.ts, the installed
 * package versions (package-lock.json), and the project files outside web/ that web/src imports for their values
 * (e.g. search/facets.ts), followed through their own imports. `import type` lines are skipped: they leave no code.
 * web/src/offline/ is not followed: the served page's build drops it (it is the offline bundle's, built by
 * npm run export:offline, which always builds).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** A relative import's file: the specifier as written, or its .js written for a .ts/.tsx source. */
function resolveImport(from: string, spec: string): string | undefined {
  const p = resolve(dirname(from), spec);
  const base = p.replace(/\.js$/, '');
  return [p, `${base}.ts`, `${base}.tsx`, join(p, 'index.ts')].find((f) => existsSync(f) && statSync(f).isFile());
}

/** Relative value imports of a source file (static `import … from '…'`, `export … from '…'`, bare `import '…'`). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    if (!m[2]) specs.push(m[3]);
  }
  return specs.flatMap((s) => resolveImport(file, s) ?? []);
}

/** Every file the served page is built from (absolute paths), as the header says. */
export function pageSources(root = ROOT): string[] {
  const web = join(root, 'web');
  const offline = join(web, 'src', 'offline');
  const files = new Set(filesUnder(web));
  for (const f of ['vite.config.ts', 'package-lock.json']) if (existsSync(join(root, f))) files.add(join(root, f));
  const queue = [...files].filter((f) => /\.tsx?$/.test(f) && !f.startsWith(offline + '/'));
  const seen = new Set(queue);
  while (queue.length) {
    for (const dep of valueImports(queue.pop()!)) {
      if (seen.has(dep) || dep.startsWith(offline + '/')) continue;
      seen.add(dep);
      files.add(dep);
      if (/\.tsx?$/.test(dep)) queue.push(dep);
    }
  }
  return [...files].sort();
}

/**
 * Why the page in `outDir` must be built: undefined when it is current, else a sentence naming the missing page or
 * the newest source file changed after it was built (and how many others were).
 */
export function pageBuildReason(root = ROOT, outDir = join(root, 'dist', 'web')): string | undefined {
  const page = join(outDir, 'index.html');
  if (!existsSync(page)) return `building the page: ${relative(root, page) || page} is missing`;
  const builtAt = statSync(page).mtimeMs;
  const newer = pageSources(root)
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .filter((s) => s.t > builtAt)
    .sort((a, b) => b.t - a.t);
  if (!newer.length) return undefined;
  const more = newer.length > 1 ? ` and ${newer.length - 1} other source file${newer.length > 2 ? 's' : ''}` : '';
  return `rebuilding the page: ${relative(root, newer[0].f)}${more} changed after ${relative(root, page)} was built (${new Date(builtAt).toISOString()})`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reason = pageBuildReason();
  if (reason) {
    console.log(reason);
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  }
}
