import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LAZY_PACKAGES, lazyRequires } from '../scripts/lazy-requires.js';
import { ROOT } from './helpers.js';

/**
 * CommonJS `contents` bundled as the release bundles the server, run with a `require` that records the built-in
 * modules asked for.
 */
async function bundled<T>(contents: string, plugins: Parameters<typeof build>[0]['plugins']) {
  const result = await build({ stdin: { contents, resolveDir: ROOT, loader: 'js' }, bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error', plugins });
  const required: string[] = [];
  const exports = {} as T;
  const nodeRequire = createRequire(import.meta.url);
  const record = (name: string) => (required.push(name), nodeRequire(name));
  new Function('exports', 'require', 'module', '__filename', '__dirname', result.outputFiles[0].text)(exports, record, { exports }, ROOT + '/bundle.cjs', ROOT);
  return { exports, required };
}

/** http-errors loads `depd`, which requires node:path when it is initialised, and mime reads no built-in. */
function bundle(plugins: Parameters<typeof build>[0]['plugins']) {
  type Exports = { createError: ((status: number) => Error & { status: number; expose: boolean }) & { HttpError: new () => Error }; mime: { getType(path: string): string | null } };
  return bundled<Exports>("exports.createError = require('http-errors');\nexports.mime = require('mime');\n", plugins);
}

describe('packages a release loads on first use', () => {
  it('are not initialised when the bundle starts, and act exactly as the package once used', async () => {
    const { exports, required } = await bundle([lazyRequires(['http-errors', 'mime'])]);
    expect(required).toEqual([]);
    const notFound = exports.createError(404);
    expect(required).toContain('path');
    expect([notFound.status, notFound.message, notFound.expose, notFound instanceof exports.createError.HttpError, notFound instanceof Error]).toEqual([404, 'Not Found', true, true, true]);
    const plain = await bundle([]);
    const expected = plain.exports.createError(404);
    expect([notFound.name, Object.keys(notFound)]).toEqual([expected.name, Object.keys(expected)]);
    // mime's methods are bound to its instance; read through the stand-in they find the same types.
    for (const file of ['index.html', 'assets/index-1a2b.js', 'assets/index.css', 'favicon.svg', 'x.json', 'x.woff2', 'x.unknown']) {
      expect(exports.mime.getType(file), file).toBe(plain.exports.mime.getType(file));
    }
  });

  it('list the same keys and own properties as the package, loading it when first listed', async () => {
    const lazy = await bundle([lazyRequires(['http-errors', 'mime'])]);
    const plain = await bundle([]);
    expect(lazy.required).toEqual([]);
    const keys = Object.keys(lazy.exports.createError);
    expect(lazy.required).toContain('path');
    expect(keys).toEqual(Object.keys(plain.exports.createError));
    expect(keys).toContain('HttpError');
    expect(Object.keys(lazy.exports.mime)).toEqual(Object.keys(plain.exports.mime));
    expect(Object.keys(lazy.exports.mime).length).toBeGreaterThan(0);
    expect('getType' in lazy.exports.mime).toBe(true);
    const own = (o: object, k: string) => Object.getOwnPropertyDescriptor(o, k)?.enumerable;
    expect(own(lazy.exports.createError, 'HttpError')).toBe(own(plain.exports.createError, 'HttpError'));
    expect(own(lazy.exports.createError, 'not-a-key')).toBeUndefined();
    const spread: Record<string, unknown> = { ...lazy.exports.createError };
    expect(spread.NotFound).toBe((lazy.exports.createError as unknown as Record<string, unknown>).NotFound);
    expect(spread.NotFound).toBeTypeOf('function');
  });

  it('include built-in modules, required on first use and then the module itself', async () => {
    const { exports, required } = await bundled<{ https: typeof import('node:https') }>("exports.https = require('node:https');\n", [lazyRequires(['node:https'])]);
    const nodeRequire = createRequire(import.meta.url);
    expect(required).toEqual([]);
    expect(exports.https.createServer).toBe(nodeRequire('node:https').createServer);
    expect(exports.https.Agent).toBe(nodeRequire('node:https').Agent);
    expect(required).toEqual(['node:https']);
  });

  it('defer the built-ins Fastify requires as it loads: without the plugin Fastify asks for node:https, node:http2 and node:dns at once, with it for none of them', async () => {
    const builtins = LAZY_PACKAGES.filter((p) => p.startsWith('node:'));
    const fastifyRequires = async (plugins: Parameters<typeof build>[0]['plugins']) => {
      const { exports, required } = await bundled<{ fastify: unknown }>("exports.fastify = require('fastify');\n", plugins);
      expect(exports.fastify).toBeTypeOf('function');
      // Node resolves 'https' and 'node:https' to one module: compare without the prefix.
      return new Set(required.map((n) => n.replace(/^node:/, '')));
    };
    const plain = await fastifyRequires([]);
    for (const b of builtins) expect(plain.has(b.slice(5)), `${b} is no longer required by Fastify at load: drop it from LAZY_PACKAGES`).toBe(true);
    const lazy = await fastifyRequires([lazyRequires(builtins)]);
    for (const b of builtins) expect(lazy.has(b.slice(5))).toBe(false);
  });

  it('are loaded at once without the plugin (the property the test above relies on)', async () => {
    const { required } = await bundle([]);
    expect(required).toContain('path');
  });
});
