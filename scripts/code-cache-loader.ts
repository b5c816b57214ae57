/**
 * The start-up file that runs a bundled CommonJS file with V8's code cache: a release's server.mjs
 * (scripts/release.ts) and the first-answer bench's child (bench/first-answer.ts) are both this text, so the bench
 * cannot drift from what ships. Compiling a large bundle, and then each function as it first runs, is a third of a
 * server's start-up; with the cache that compiled code is read instead. V8 rejects a cache from another Node or V8
 * version (or other command-line flags) and compiles as usual: the cache only ever changes speed.
 */

/**
 * The loader for `BASE.cjs` beside it, with its cache in `BASE.cache`. `call` is the module code that runs once the
 * bundle is compiled; it sees `module` (the bundle's exports in module.exports), `script` (the vm.Script, for
 * cachedDataRejected and createCachedData), `cachedData` (undefined when no cache was read), `cacheFile`, `here`
 * and `writeFileSync`.
 */
export function codeCacheLoader(base: string, call: string): string {
  return `import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, '${base}.cjs');
const cacheFile = join(here, '${base}.cache');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // no cache: compile as usual
}
const script = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, here);
${call.trim()}
`;
}
