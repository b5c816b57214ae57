/**
 * The start-up file that runs a bundled CommonJS file with V8's code cache: a release's server.mjs
 * (scripts/release.ts) and the first-answer bench's child (bench/first-answer.ts) are both this text, so the bench
 * cannot drift from what ships. Compiling a large bundle, and then each function as it first runs, is a third of a
 * server's start-up; with the cache that compiled code is read instead. V8 rejects a cache from another Node or V8
 * version (or other command-line flags) and compiles as usual: the cache only ever changes speed.
 *
 * The bundle is read as bytes and, when they are all ASCII (scripts/ascii-bundle.ts makes the release's and the
 * bench's so), made into a string as Latin-1: for ASCII the same string, but a copy instead of V8's UTF-8 decoder,
 * which took ~30 ms of every start for the 1.8 MB release bundle here (Latin-1 ~8, the file read itself included).
 * A bundle with any other byte is decoded as UTF-8, as before.
 */

/**
 * The loader for `BASE.cjs` beside it, with its cache in `BASE.cache`. `call` is the module code that runs once the
 * bundle is compiled; it sees `module` (the bundle's exports in module.exports), `script` (the vm.Script, for
 * cachedDataRejected and createCachedData), `cachedData` (undefined when no cache was read), `cacheFile`, `here`
 * and `writeFileSync`.
 */
export function codeCacheLoader(base: string, call: string): string {
  return `import { isAscii } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
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
const bytes = readFileSync(file);
// ASCII (as the release writes it): Latin-1 makes the same string without UTF-8 decoding.
const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
const script = new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, here);
${call.trim()}
`;
}
